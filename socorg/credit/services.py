"""Credit-list and penalty workflows. Every service: check scope → lock → validate (all problems at once, as field
errors) → change → audit. Views, the API and the commands call these; the rules live in credit.rules.

Who: the registration authority's staff (credit.change) list, remove, record penalties, letters, findings,
statements and objections; the daily job (credit-escalate, actor SYSTEM) moves 2-year abnormal entries to the
serious list and ends entries whose period is over."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.activities.attachments import validate_upload
from socorg.alerts.choices import AlertStatus
from socorg.alerts.models import Alert
from socorg.core.audit import SYSTEM, AuditRecord, audit_write, audit_write_many, snapshot
from socorg.core.scope import can
from socorg.party.rules import should_build_min_full_members
from socorg.registry.models import SocialOrganization

from . import rules
from .candidates import statement_days
from .choices import CreditList, FactKind, ObjectionStatus, PenaltyKind, RemovalKind
from .config import enabled_reasons, reason_config
from .models import CreditEntry, CreditFact, Objection, Penalty, ReasonSetting, RegisteredLetter, SupervisorStatement
from .queries import in_force_q

ENTRY_AUDITED = ("list", "reason", "evidence", "decision_no", "decided_on", "entered_on", "entry_due_on",
                 "entered_late", "automatic", "expires_on", "removed_on", "removal_kind", "removal_reason",
                 "removal_due_on", "removed_late")
PENALTY_AUDITED = ("kind", "amount", "decision_no", "decided_on", "facts", "legal_basis", "issuing_authority",
                   "suspension_until")


def _require(actor, org: SocialOrganization, capability: str = "credit.change") -> None:
    if not can(actor, capability, org.authority_region_id, organizations={org.pk}):
        raise PermissionDenied(_("You may not do this for %(org)s: it lies outside your scope.") % {"org": org.name})


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _lock_org(org: SocialOrganization) -> SocialOrganization:
    """Serialize the credit writes of one organization (two clerks listing it at once)."""
    return SocialOrganization.objects.select_for_update().get(pk=org.pk)


def _statement_stopping(org, reason: str, on: datetime.date) -> SupervisorStatement | None:
    return (SupervisorStatement.objects.filter(organization=org, reason=reason, issued_on__lte=on,
                                               issued_on__gt=on - datetime.timedelta(days=statement_days()))
            .order_by("-issued_on").first())


def _evidence(value) -> dict:
    if value in (None, "", {}):
        return {}
    if isinstance(value, dict):
        return value
    return {"text": str(value)}


def _restart_period(org, list_code: str, period_start: datetime.date, actor, exclude_pk=None) -> None:
    """Listing again while listed restarts the period: the entries in force on that list that end by themselves
    now end a full period after the new listing."""
    for entry in (CreditEntry.objects.select_for_update().filter(in_force_q(period_start), organization=org,
                                                                 list=list_code, expires_on__isnull=False)
                  .exclude(pk=exclude_pk)):
        new = rules.expires_on(list_code, entry.reason, period_start)
        if new and new > entry.expires_on:
            before = snapshot(entry, ENTRY_AUDITED)
            entry.expires_on = new
            entry.save(update_fields=["expires_on", "updated_at"])
            audit_write(action="credit.entry.restart", obj=entry, actor=actor, before=before,
                        after=snapshot(entry, ENTRY_AUDITED))


@transaction.atomic
def entry_create(*, org: SocialOrganization, list: str, reason: str, decision_no: str, decided_on, actor,
                 evidence=None, penalty: Penalty | None = None) -> CreditEntry:
    """List an organization by a clerk's decision (决定书文号 and date). The entry is due in the system by the 5th
    working day after the decision; a later entry is marked late. A supervising unit's statement for the reason
    stops the listing; listing again while listed restarts the period of the entries in force on that list."""
    _require(actor, org)
    org = _lock_org(org)
    today = timezone.localdate()
    decision_no = (decision_no or "").strip()
    errors = rules.listing_problems(list_code=list, reason=reason, decision_no=decision_no, decided_on=decided_on,
                                    today=today, enabled_reasons=enabled_reasons())
    if "decided_on" not in errors and isinstance(decided_on, datetime.date):
        if org.registered_on and decided_on < org.registered_on:
            errors["decided_on"] = _("The decision cannot precede the registration (%(date)s).") % {
                "date": org.registered_on.isoformat()}
        elif not org.is_active and reason != "registration_revoked" and org.status_changed_on and \
                org.status_changed_on < decided_on:
            errors["uscc"] = _("%(org)s is %(status)s: it is no longer listed for this reason.") % {
                "org": org.name, "status": org.get_status_display()}
    if "reason" not in errors and "decided_on" not in errors:
        statement = _statement_stopping(org, reason, decided_on)
        if statement:
            errors["reason"] = _("The statement %(doc)s of %(unit)s (%(date)s) says the organization is not "
                                 "directly responsible: it is not listed for this reason.") % {
                "doc": statement.document_no, "unit": statement.issued_by, "date": statement.issued_on.isoformat()}
    if "decision_no" not in errors and CreditEntry.objects.filter(
            organization=org, list=list, reason=reason, decision_no=decision_no).exists():
        errors["decision_no"] = _("This decision is already entered for this organization and reason.")
    if penalty is not None and penalty.organization_id != org.pk:
        errors["penalty"] = _("The penalty concerns another organization.")
    if errors:
        raise ValidationError(errors)
    due = rules.entry_due_on(decided_on)
    entry = CreditEntry(organization=org, list=list, reason=reason, evidence=_evidence(evidence),
                        decision_no=decision_no, decided_on=decided_on, entered_on=today, entry_due_on=due,
                        entered_late=today > due, expires_on=rules.expires_on(list, reason, decided_on),
                        penalty=penalty, created_by=_user(actor))
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise ValidationError({"decision_no": _("This decision is already entered for this organization and "
                                                "reason.")}) from None
    _restart_period(org, list, decided_on, actor, exclude_pk=entry.pk)
    audit_write(action="credit.entry.create", obj=entry, actor=actor, after=snapshot(entry, ENTRY_AUDITED))
    return entry


def still_holds(entry: CreditEntry, on: datetime.date) -> str | None:
    """Why the listing condition still holds on `on` (None: it no longer does, or the platform cannot tell)."""
    org = entry.organization
    if entry.reason == "annual_report_missing":
        year = (entry.evidence or {}).get("year")
        if isinstance(year, int):
            from socorg.reports.choices import Conclusion, ReportStatus
            from socorg.reports.models import AnnualReport

            report = AnnualReport.objects.filter(organization=org, year=year).first()
            if report is None or report.first_submitted_at is None:
                return _("The annual report for %(year)d has still not been submitted.") % {"year": year}
            if report.status == ReportStatus.REVIEWED and report.conclusion == Conclusion.UNQUALIFIED and \
                    (entry.evidence or {}).get("conclusion") and report.reviewed_at.date() <= entry.decided_on:
                return _("The annual report for %(year)d is still concluded unqualified.") % {"year": year}
    elif entry.reason == "no_party_org":
        if org.is_active and org.basis_full_members >= should_build_min_full_members() and not org.standalone:
            return _("The organization still has %(full)d full party members and no standalone party "
                     "organization.") % {"full": org.basis_full_members}
    elif entry.reason == "rectification_overdue":
        alert_id = (entry.evidence or {}).get("alert")
        if isinstance(alert_id, int) and Alert.objects.filter(pk=alert_id, status=AlertStatus.ASSIGNED).exists():
            return _("The rectification is still outstanding.")
        inspection_id = (entry.evidence or {}).get("inspection")
        if isinstance(inspection_id, int):
            from socorg.inspections.models import Inspection

            if Inspection.objects.filter(pk=inspection_id).filter(
                    Q(rectified_on__isnull=True) | Q(rectified_on__gt=on)).exists():
                return _("The rectification is still outstanding.")
    elif entry.reason == "unreachable" and not RegisteredLetter.objects.filter(
            organization=org, answered_on__gte=entry.decided_on, answered_on__lte=on).exists():
        return _("No registered letter has been signed for or answered since the listing: record the "
                     "organization's answer first.")
    return None


def _end(entry: CreditEntry, *, kind: str, removed_on: datetime.date, reason: str, actor, action: str,
         verified_on: datetime.date | None = None) -> CreditEntry:
    before = snapshot(entry, ENTRY_AUDITED)
    entry.removed_on, entry.removal_kind, entry.removal_reason = removed_on, kind, reason
    if verified_on is not None:
        entry.removal_due_on = rules.removal_due_on(verified_on)
        entry.removed_late = removed_on > entry.removal_due_on
    entry.removed_by = _user(actor)
    entry.save()
    audit_write(action=action, obj=entry, actor=actor, before=before, after=snapshot(entry, ENTRY_AUDITED))
    return entry


def _locked_entry(entry: CreditEntry) -> CreditEntry:
    return CreditEntry.objects.select_for_update().select_related("organization").get(pk=entry.pk)


@transaction.atomic
def entry_remove(*, entry: CreditEntry, reason: str, decided_on, actor) -> CreditEntry:
    """Remove an entry on application, once the obligation is fulfilled: `decided_on` is the verification date; the
    removal is due within 5 working days of it (a later one is marked late). Refused while the condition still
    holds, for a serious-list entry before its 5 years, and for an entry that ends by itself before its end."""
    _require(actor, entry.organization)
    entry = _locked_entry(entry)
    today = timezone.localdate()
    if entry.removed_on is not None or (entry.expires_on and entry.expires_on <= today):
        raise ValidationError({"status": _("The entry is no longer in force.")})
    reason = (reason or "").strip()
    errors = rules.removal_problems(
        list_code=entry.list, reason=entry.reason, listed_on=entry.decided_on, expires=entry.expires_on,
        decided_on=decided_on, today=today, removal_reason=reason,
        still_holds=still_holds(entry, decided_on) if isinstance(decided_on, datetime.date) else None)
    if errors:
        raise ValidationError(errors)
    return _end(entry, kind=RemovalKind.FULFILLED, removed_on=today, reason=reason, actor=actor,
                action="credit.entry.remove", verified_on=decided_on)


@transaction.atomic
def statement_record(*, org: SocialOrganization, reason: str, issued_by: str, document_no: str, issued_on, actor,
                     note: str = "", document=None) -> SupervisorStatement:
    """Record the supervising unit's written statement that the organization is not directly responsible for a
    reason: no candidate and no listing for it (for statement_days), and the entries in force for it end."""
    _require(actor, org)
    org = _lock_org(org)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if reason not in rules.REASONS:
        errors["reason"] = _("“%(reason)s” is not a reason in this deployment's configuration.") % {"reason": reason}
    if not (issued_by or "").strip():
        errors["issued_by"] = _("Name the supervising unit or department that issued the statement.")
    if not (document_no or "").strip():
        errors["document_no"] = _("Enter the document number of the statement.")
    problem = rules.date_problem(issued_on, today)
    if problem:
        errors["issued_on"] = problem
    if document is not None:
        try:
            validate_upload(document, "document")
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    statement = SupervisorStatement(organization=org, reason=reason, issued_by=issued_by.strip(),
                                    document_no=document_no.strip(), issued_on=issued_on, note=(note or "").strip(),
                                    created_by=_user(actor))
    if document is not None:
        statement.document = document
        statement.document_name = document.name[:255]
    statement.save()
    audit_write(action="credit.statement.record", obj=statement, actor=actor,
                after=snapshot(statement, ("reason", "issued_by", "document_no", "issued_on", "note",
                                           "document_name")))
    for entry in CreditEntry.objects.select_for_update().filter(in_force_q(today), organization=org, reason=reason):
        _end(entry, kind=RemovalKind.STATEMENT, removed_on=today, actor=actor, action="credit.entry.stop",
             reason=_("Statement %(doc)s of %(unit)s") % {"doc": statement.document_no, "unit": statement.issued_by})
    return statement


# --- objections ---------------------------------------------------------------------------------------------------

@transaction.atomic
def objection_record(*, entry: CreditEntry, received_on, content: str, actor) -> Objection:
    _require(actor, entry.organization)
    errors: dict[str, str] = {}
    problem = rules.date_problem(received_on, timezone.localdate())
    if problem:
        errors["received_on"] = problem
    elif received_on < entry.decided_on:
        errors["received_on"] = _("An objection is received after the listing (%(date)s).") % {
            "date": entry.decided_on.isoformat()}
    if not (content or "").strip():
        errors["content"] = _("Write down what the organization objects to.")
    if errors:
        raise ValidationError(errors)
    objection = Objection.objects.create(entry=entry, received_on=received_on, content=content.strip(),
                                         created_by=_user(actor))
    audit_write(action="credit.objection.record", obj=objection, actor=actor,
                after=snapshot(objection, ("received_on", "content", "status")))
    return objection


@transaction.atomic
def objection_answer(*, objection: Objection, upheld: bool, answer: str, answered_on, actor) -> Objection:
    """Answer an objection: upheld ends the entry (removed as of the answer); rejected keeps it."""
    objection = Objection.objects.select_for_update().select_related("entry__organization").get(pk=objection.pk)
    _require(actor, objection.entry.organization)
    errors: dict[str, str] = {}
    if objection.status != ObjectionStatus.PENDING:
        errors["status"] = _("This objection has already been answered.")
    if not (answer or "").strip():
        errors["answer"] = _("Write the answer given to the organization.")
    problem = rules.date_problem(answered_on, timezone.localdate())
    if problem:
        errors["answered_on"] = problem
    elif answered_on < objection.received_on:
        errors["answered_on"] = _("The answer cannot precede the objection (%(date)s).") % {
            "date": objection.received_on.isoformat()}
    if errors:
        raise ValidationError(errors)
    before = snapshot(objection, ("status", "answer", "answered_on"))
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED
    objection.answer, objection.answered_on, objection.answered_by = answer.strip(), answered_on, _user(actor)
    objection.save()
    audit_write(action="credit.objection.answer", obj=objection, actor=actor, before=before,
                after=snapshot(objection, ("status", "answer", "answered_on")))
    entry = _locked_entry(objection.entry)
    if upheld and entry.removed_on is None:
        _end(entry, kind=RemovalKind.OBJECTION, removed_on=timezone.localdate(), actor=actor,
             action="credit.entry.objection", reason=answer.strip())
    return objection


# --- penalties, letters, findings ------------------------------------------------------------------------------

def _apply_penalty_to_status(penalty: Penalty, org: SocialOrganization, actor) -> None:
    """限期停止活动 suspends the organization from the decision date; 吊销登记证书 / 撤销登记 end it (registry
    services: coverage state and statistics follow, audited there)."""
    from socorg.registry import services as registry

    reason = _("Administrative penalty %(no)s: %(kind)s") % {"no": penalty.decision_no,
                                                             "kind": penalty.get_kind_display()}
    if penalty.kind == PenaltyKind.SUSPENSION and org.status == "active":
        registry.org_suspend(org=org, actor=actor, date=penalty.decided_on, reason=reason[:500])
    elif penalty.kind == PenaltyKind.CERTIFICATE_REVOKED and org.is_active:
        registry.org_revoke_certificate(org=org, actor=actor, date=penalty.decided_on, reason=reason[:500])
    elif penalty.kind == PenaltyKind.REGISTRATION_REVOKED and org.is_active:
        registry.org_revoke(org=org, actor=actor, date=penalty.decided_on, reason=reason[:500])


@transaction.atomic
def penalty_record(*, org: SocialOrganization, kind: str, decision_no: str, decided_on, facts: str,
                   legal_basis: str, issuing_authority: str, actor, amount=None,
                   suspension_until: datetime.date | None = None) -> Penalty:
    """Record an administrative penalty. A suspension sets the organization's status to suspended (until
    `suspension_until`, ended by the daily job); 吊销 / 撤销 end it. It then feeds the listing reasons
    (minor_penalty, major_fine, suspension_penalty, repeated_penalties, registration_revoked) as candidates."""
    _require(actor, org)
    org = _lock_org(org)
    errors = rules.penalty_problems(kind=kind, amount=amount, decision_no=decision_no, decided_on=decided_on,
                                    facts=facts, legal_basis=legal_basis, issuing_authority=issuing_authority,
                                    suspension_until=suspension_until, today=timezone.localdate())
    if "decided_on" not in errors and org.registered_on and decided_on < org.registered_on:
        errors["decided_on"] = _("The decision cannot precede the registration (%(date)s).") % {
            "date": org.registered_on.isoformat()}
    if not org.is_active and kind in (PenaltyKind.SUSPENSION, PenaltyKind.CERTIFICATE_REVOKED,
                                      PenaltyKind.REGISTRATION_REVOKED):
        errors["kind"] = _("%(org)s is already %(status)s.") % {"org": org.name, "status": org.get_status_display()}
    elif kind == PenaltyKind.SUSPENSION and org.status != "active":
        errors["kind"] = _("%(org)s is already suspended.") % {"org": org.name}
    decision_no = (decision_no or "").strip()
    if decision_no and Penalty.objects.filter(organization=org, decision_no=decision_no).exists():
        errors["decision_no"] = _("A penalty with this decision number is already recorded for this organization.")
    if errors:
        raise ValidationError(errors)
    penalty = Penalty.objects.create(
        organization=org, kind=kind, amount=rules._amount(amount), decision_no=decision_no, decided_on=decided_on,
        facts=facts.strip(), legal_basis=legal_basis.strip(), issuing_authority=issuing_authority.strip(),
        suspension_until=suspension_until, created_by=_user(actor))
    audit_write(action="credit.penalty.record", obj=penalty, actor=actor, after=snapshot(penalty, PENALTY_AUDITED))
    _apply_penalty_to_status(penalty, org, actor)
    return penalty


@transaction.atomic
def letter_record(*, org: SocialOrganization, sent_on, tracking_no: str, actor, note: str = "") -> RegisteredLetter:
    _require(actor, org)
    errors: dict[str, str] = {}
    problem = rules.date_problem(sent_on, timezone.localdate())
    if problem:
        errors["sent_on"] = problem
    if not (tracking_no or "").strip():
        errors["tracking_no"] = _("Enter the registered letter's tracking number.")
    if errors:
        raise ValidationError(errors)
    letter = RegisteredLetter.objects.create(organization=org, sent_on=sent_on, tracking_no=tracking_no.strip(),
                                             note=(note or "").strip())
    audit_write(action="credit.letter.record", obj=letter, actor=actor,
                after=snapshot(letter, ("sent_on", "tracking_no", "note")))
    return letter


@transaction.atomic
def letter_answered(*, letter: RegisteredLetter, answered_on, actor) -> RegisteredLetter:
    letter = RegisteredLetter.objects.select_for_update().select_related("organization").get(pk=letter.pk)
    _require(actor, letter.organization)
    problem = rules.date_problem(answered_on, timezone.localdate())
    if not problem and answered_on < letter.sent_on:
        problem = _("A letter is answered after it was sent (%(date)s).") % {"date": letter.sent_on.isoformat()}
    if problem:
        raise ValidationError({"answered_on": problem})
    before = snapshot(letter, ("answered_on",))
    letter.answered_on = answered_on
    letter.save(update_fields=["answered_on"])
    audit_write(action="credit.letter.answered", obj=letter, actor=actor, before=before,
                after=snapshot(letter, ("answered_on",)))
    return letter


@transaction.atomic
def fact_record(*, org: SocialOrganization, kind: str, found_on, source_document: str, actor,
                note: str = "") -> CreditFact:
    _require(actor, org)
    errors: dict[str, str] = {}
    if kind not in FactKind.values:
        errors["kind"] = _("Choose what was found.")
    problem = rules.date_problem(found_on, timezone.localdate())
    if problem:
        errors["found_on"] = problem
    if not (source_document or "").strip():
        errors["source_document"] = _("Name the document the finding comes from.")
    if errors:
        raise ValidationError(errors)
    fact = CreditFact.objects.create(organization=org, kind=kind, found_on=found_on,
                                     source_document=source_document.strip(), note=(note or "").strip(),
                                     created_by=_user(actor))
    audit_write(action="credit.fact.record", obj=fact, actor=actor,
                after=snapshot(fact, ("kind", "found_on", "source_document", "note")))
    return fact


# --- configuration ----------------------------------------------------------------------------------------------

@transaction.atomic
def reason_setting_update(*, code: str, actor, enabled: bool = True, params: dict | None = None,
                          citation: str = "") -> ReasonSetting:
    """Tune a reason for the deployment (national credit.change or system.configure)."""
    if not (can(actor, "system.configure") or can(actor, "credit.change", "100000")):
        raise PermissionDenied(_("Only a national credit administrator or the system administrator may change the "
                                 "listing reasons."))
    if code not in rules.REASONS:
        raise ValidationError({"code": _("“%(reason)s” is not a reason in this deployment's configuration.")
                               % {"reason": code}})
    try:
        cleaned = rules.REASONS[code].clean_params(params)
    except ValueError as error:
        raise ValidationError({"params": str(error)}) from None
    citation = (citation or "").strip()
    if len(citation) > 500:
        raise ValidationError({"citation": _("The citation has at most 500 characters.")})
    setting = ReasonSetting.objects.select_for_update().filter(code=code).first()
    before = snapshot(setting, ("enabled", "params", "citation")) if setting else None
    setting = setting or ReasonSetting(code=code)
    setting.enabled, setting.params, setting.citation = enabled, cleaned, citation
    setting.updated_by = _user(actor)
    setting.save()
    audit_write(action="credit.reason.configure", obj=setting, actor=actor, before=before,
                after=snapshot(setting, ("enabled", "params", "citation")))
    return setting


# --- the daily job ----------------------------------------------------------------------------------------------

@dataclass
class DailyResult:
    as_of: datetime.date
    escalated: int
    expired: int
    suspensions_ended: int

    def as_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "escalated": self.escalated, "expired": self.expired,
                "suspensions_ended": self.suspensions_ended}


def escalate(*, as_of: datetime.date, actor=SYSTEM) -> int:
    """Move organizations on the abnormal list for 2 years (the oldest entry in force) to the serious list:
    their abnormal entries end on the escalation day and an automatic abnormal_two_years entry starts then.
    Idempotent: a second run finds no abnormal entry old enough (and the database allows one automatic entry in
    force per organization)."""
    config = reason_config("abnormal_two_years")
    if not config.enabled:
        return 0
    years = config.params["years"]
    cutoff = rules.escalation_day(as_of, -years)
    due = (CreditEntry.objects.filter(in_force_q(as_of), list=CreditList.ABNORMAL, decided_on__lte=cutoff)
           .order_by().values("organization_id").annotate(first=Min("decided_on")))
    count = 0
    for row in due:
        with transaction.atomic():
            org = SocialOrganization.objects.select_for_update().get(pk=row["organization_id"])
            entries = list(CreditEntry.objects.select_for_update()
                           .filter(in_force_q(as_of), organization=org, list=CreditList.ABNORMAL)
                           .order_by("decided_on"))
            if not entries or entries[0].decided_on > cutoff:
                continue  # a concurrent run got here first
            day = rules.escalation_day(entries[0].decided_on, years)
            for entry in entries:
                _end(entry, kind=RemovalKind.ESCALATED, removed_on=day, actor=actor, action="credit.entry.escalate",
                     reason=_("On the abnormal-activity list since %(date)s") % {
                         "date": entries[0].decided_on.isoformat()})
            due_on = rules.entry_due_on(day)
            serious = CreditEntry.objects.create(
                organization=org, list=CreditList.SERIOUS, reason="abnormal_two_years", decided_on=day,
                entered_on=as_of, entry_due_on=due_on, entered_late=as_of > due_on, automatic=True,
                expires_on=rules.expires_on(CreditList.SERIOUS, "abnormal_two_years", day),
                evidence={"abnormal_since": entries[0].decided_on.isoformat(),
                          "abnormal_entries": [e.pk for e in entries]})
            _restart_period(org, CreditList.SERIOUS, day, actor, exclude_pk=serious.pk)
            audit_write(action="credit.entry.create", obj=serious, actor=actor,
                        after=snapshot(serious, ENTRY_AUDITED))
            count += 1
    return count


@transaction.atomic
def expire(*, as_of: datetime.date, actor=SYSTEM) -> int:
    """End the entries whose period is over (removed as of their end day), in bulk, audited."""
    entries = list(CreditEntry.objects.select_for_update().filter(removed_on__isnull=True, expires_on__lte=as_of))
    records = []
    for entry in entries:
        before = snapshot(entry, ENTRY_AUDITED)
        entry.removed_on, entry.removal_kind = entry.expires_on, RemovalKind.EXPIRED
        entry.removal_reason = _("The period ended on %(date)s.") % {"date": entry.expires_on.isoformat()}
        records.append(AuditRecord(action="credit.entry.expire", obj=entry, before=before,
                                   after=snapshot(entry, ENTRY_AUDITED)))
    CreditEntry.objects.bulk_update(entries, ["removed_on", "removal_kind", "removal_reason"], batch_size=1000)
    audit_write_many(records, actor=actor)
    return len(entries)


def end_suspensions(*, as_of: datetime.date, actor=SYSTEM) -> int:
    """Organizations whose 限期停止活动 period ended by `as_of` are active again from the end day."""
    from socorg.registry.choices import OrgStatus
    from socorg.registry.services import org_resume_after_suspension

    latest = (Penalty.objects.filter(kind=PenaltyKind.SUSPENSION, organization__status=OrgStatus.SUSPENDED)
              .order_by("organization_id", "-decided_on"))
    count, seen = 0, set()
    for penalty in latest.select_related("organization"):
        if penalty.organization_id in seen:
            continue
        seen.add(penalty.organization_id)
        if penalty.suspension_until and penalty.suspension_until <= as_of:
            org_resume_after_suspension(org=penalty.organization, date=penalty.suspension_until, actor=actor,
                                        reason=_("Suspension under penalty %(no)s ended") % {
                                            "no": penalty.decision_no})
            count += 1
    return count


def run_daily(*, as_of: datetime.date | None = None, actor=SYSTEM) -> DailyResult:
    """credit-escalate: escalate, end expired entries, end suspensions. Safe to run again for the same day."""
    as_of = as_of or timezone.localdate()
    escalated = escalate(as_of=as_of, actor=actor)
    expired = expire(as_of=as_of, actor=actor)
    ended = end_suspensions(as_of=as_of, actor=actor)
    return DailyResult(as_of, escalated, expired, ended)
