"""Zombie screening runs and the end of each case: rectified, 注销 (voluntary deregistration after liquidation, the
certificate returned) or 撤销 / 吊销 (a penalty recorded through credit.services.penalty_record, which ends the
organization in the registry). Every service: scope → lock → validate (all problems at once) → change → audit."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.activities.attachments import validate_upload
from socorg.core.audit import audit_write, snapshot
from socorg.core.scope import can
from socorg.regions.models import Region
from socorg.registry import services as registry

from . import rules
from .choices import CaseStatus
from .models import CaseDocument, ScreeningCase, ScreeningRun
from .screening import screen

CHANGE = "exits.change"
CASE_AUDITED = ("status", "closed_on", "decision_no", "note", "penalty")


def _actor_user(actor):
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def screening_run(*, region: Region, actor, as_of: datetime.date | None = None) -> ScreeningRun:
    """Screen the organizations registered under `region` as of `as_of` (default today) with the deployment's
    criteria; open a case for each one found that has no open case yet. Returns the run (with its counts)."""
    today = timezone.localdate()
    as_of = as_of or today
    if _actor_user(actor) is not None and not can(actor, CHANGE, region.code):
        raise PermissionDenied(_("%(region)s lies outside the regions you may screen.") % {"region": region.name})
    if as_of > today:
        raise ValidationError({"as_of": _("%(date)s lies in the future; screen as of today or an earlier day.")
                               % {"date": as_of.isoformat()}})
    config = rules.configuration()
    found = screen(prefix=region.scope_prefix, as_of=as_of, config=config)
    open_already = set(ScreeningCase.objects.filter(status=CaseStatus.OPEN, organization_id__in=list(found))
                       .values_list("organization_id", flat=True))
    run = ScreeningRun.objects.create(region=region, as_of=as_of, configuration=config,
                                      started_by=_actor_user(actor))
    cases = [ScreeningCase(run=run, organization_id=pk, criteria=sorted(detail), evidence=detail)
             for pk, detail in sorted(found.items()) if pk not in open_already]
    ScreeningCase.objects.bulk_create(cases, batch_size=2000)
    run.opened, run.already_open = len(cases), len(open_already)
    run.save(update_fields=["opened", "already_open"])
    audit_write(action="exits.run", obj=run, actor=actor,
                after={"region_prefix": region.scope_prefix, "as_of": as_of, "criteria": config["criteria"],
                       "opened": run.opened, "already_open": run.already_open})
    return run


def _locked_case(case: ScreeningCase, actor) -> ScreeningCase:
    locked = ScreeningCase.objects.select_for_update().select_related("organization").get(pk=case.pk)
    org = locked.organization
    if not can(actor, CHANGE, org.authority_region_id):
        raise PermissionDenied(_("%(org)s lies outside the regions you may change.") % {"org": org.name})
    if locked.status != CaseStatus.OPEN:
        raise ValidationError({"status": _("This case is closed already (%(status)s).")
                               % {"status": locked.get_status_display()}})
    return locked


def _date(errors: dict, field: str, value, *, not_before=None) -> None:
    today = timezone.localdate()
    if value is None:
        errors[field] = _("Enter the date.")
    elif value > today:
        errors[field] = _("%(date)s lies in the future; enter today's date or an earlier one.") % {
            "date": value.isoformat()}
    elif not_before is not None and value < not_before:
        errors[field] = _("%(date)s is before the screening (%(as_of)s).") % {
            "date": value.isoformat(), "as_of": not_before.isoformat()}


def _files(errors: dict, documents) -> list:
    documents = [d for d in (documents or []) if d is not None]
    for upload in documents:
        try:
            validate_upload(upload, "documents")
        except ValidationError as error:
            errors["documents"] = error.message_dict["documents"][0]
            break
    return documents


def _close(case: ScreeningCase, status: str, *, actor, on, note: str, decision_no: str, documents, before,
           penalty=None) -> ScreeningCase:
    case.status, case.closed_on, case.note, case.decision_no = status, on, note, decision_no
    case.closed_by, case.penalty = _actor_user(actor), penalty
    case.save()
    names = []
    for upload in documents:
        upload.seek(0)
        CaseDocument.objects.create(case=case, file=upload, name=upload.name[:255])
        names.append(upload.name[:255])
    audit_write(action=f"exits.case.{'revoked' if penalty else status}", obj=case, actor=actor, before=before,
                after={**snapshot(case, CASE_AUDITED), "documents": names})
    return case


@transaction.atomic
def case_rectify(*, case: ScreeningCase, actor, closed_on: datetime.date | None = None, note: str = "",
                 documents=()) -> ScreeningCase:
    """The organization resumed normal activity (整改激活): say how, with the proof."""
    case = _locked_case(case, actor)
    before = snapshot(case, CASE_AUDITED)
    closed_on = closed_on or timezone.localdate()
    errors: dict[str, str] = {}
    _date(errors, "closed_on", closed_on, not_before=case.run.as_of)
    note = (note or "").strip()
    if not note:
        errors["note"] = _("Say how the organization was rectified (what it resumed, what was checked).")
    documents = _files(errors, documents)
    if errors:
        raise ValidationError(errors)
    return _close(case, CaseStatus.RECTIFIED, actor=actor, on=closed_on, note=note, decision_no="",
                  documents=documents, before=before)


@transaction.atomic
def case_deregister(*, case: ScreeningCase, actor, closed_on: datetime.date | None, liquidation_done: bool,
                    certificate_returned: bool, decision_no: str = "", note: str = "", documents=()) -> ScreeningCase:
    """注销: the organization applied, its liquidation is done and its certificate returned; the registry records the
    deregistration on `closed_on`."""
    case = _locked_case(case, actor)
    before = snapshot(case, CASE_AUDITED)
    errors: dict[str, str] = {}
    _date(errors, "closed_on", closed_on, not_before=case.run.as_of)
    documents = _files(errors, documents)
    for field, message in rules.deregistration_problems(liquidation_done=liquidation_done,
                                                        certificate_returned=certificate_returned,
                                                        documents=documents).items():
        errors.setdefault(field, message)
    if errors:
        raise ValidationError(errors)
    reason = _("Deregistered after the zombie screening (liquidation done, certificate returned)")
    registry.org_deregister(org=case.organization, actor=actor, date=closed_on,
                            reason=f"{reason}{'：' + note.strip() if note.strip() else ''}"[:500])
    return _close(case, CaseStatus.DEREGISTERED, actor=actor, on=closed_on, note=(note or "").strip(),
                  decision_no=(decision_no or "").strip(), documents=documents, before=before)


@transaction.atomic
def case_revoke(*, case: ScreeningCase, actor, kind: str, decision_no: str, decided_on: datetime.date | None,
                facts: str, legal_basis: str, issuing_authority: str, documents=()) -> ScreeningCase:
    """撤销登记 or 吊销登记证书: recorded as an administrative penalty (credit.services.penalty_record, which ends the
    organization in the registry and feeds the credit lists), with the decision documents."""
    from socorg.credit.choices import ENDING_PENALTIES
    from socorg.credit.services import penalty_record

    case = _locked_case(case, actor)
    before = snapshot(case, CASE_AUDITED)
    errors: dict[str, str] = {}
    if kind not in ENDING_PENALTIES:
        errors["kind"] = _("Choose 撤销登记 or 吊销登记证书.")
    if decided_on is not None and decided_on < case.run.as_of:
        _date(errors, "decided_on", decided_on, not_before=case.run.as_of)
    documents = _files(errors, documents)
    if not documents and "documents" not in errors:
        errors["documents"] = _("Attach the penalty decision (决定书).")
    try:
        with transaction.atomic():
            penalty = penalty_record(org=case.organization, kind=kind if "kind" not in errors else "",
                                     decision_no=decision_no, decided_on=decided_on, facts=facts,
                                     legal_basis=legal_basis, issuing_authority=issuing_authority, actor=actor)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages[0])
        penalty = None
    if errors:
        raise ValidationError(errors)
    return _close(case, rules.outcome_for_penalty(kind), actor=actor, on=decided_on, note=facts.strip(),
                  decision_no=penalty.decision_no, documents=documents, before=before, penalty=penalty)
