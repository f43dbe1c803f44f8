"""Complaint workflow: received → accepted / not accepted (reasons) → assigned → investigated → concluded
(unfounded / founded: rectification order with a deadline, penalty, referral) → reply to the complainant.

Every service: check scope → lock → validate (all problems at once, as field errors) → change → audit. Pages, the
API, the public form (issue #18) and the escalation job call these; the rules themselves live in complaints.rules.

Intake: staff (complaints.change over the responsible region) record phone calls, letters and visits; the public
channel (`channel="online"`) is called with a non-user actor (core.audit.SYSTEM or unauthenticated(...)) and needs
no grant. `complaint_receive` returns the complaint with its receipt number and, on `complaint.lookup_code`, the
one-time status code for the complainant (only its keyed hash is stored)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.activities.attachments import validate_upload
from socorg.core.audit import SYSTEM, audit_write, snapshot
from socorg.core.crypto import blind_index
from socorg.core.scope import can
from socorg.regions.models import Region
from socorg.registry import rules as registry_rules
from socorg.registry.models import SocialOrganization
from socorg.registry.uscc import normalize_uscc

from . import rules
from .choices import AttachmentStage, Category, Channel, Outcome, ReplyMethod, Stage, Status
from .models import Complaint, ComplaintAttachment

AUDITED = ("status", "region", "organization", "organization_name", "organization_uscc", "organization_unknown",
           "category", "channel", "anonymous", "received_on", "accept_due_on", "accepted_on", "accepted_late",
           "not_accepted_reasons", "conclude_due_on", "assignee", "assigned_on", "assignment_note", "findings",
           "investigated_on", "outcome", "conclusion", "concluded_on", "concluded_late",
           "rectification_requirements", "rectification_deadline", "penalty", "referred_to", "reply_method",
           "reply", "replied_on", "escalated_to", "escalated_on", "escalated_stage")
CHANGE, REVEAL = "complaints.change", "complaints.reveal"


def _is_user(actor) -> bool:
    return bool(getattr(actor, "pk", None)) and getattr(actor, "is_authenticated", False)


def _require(actor, region_code: str, capability: str = CHANGE) -> None:
    if not can(actor, capability, region_code):
        raise PermissionDenied(_("This complaint lies outside the regions you may handle."))


def _text(errors: dict, field: str, value, *, label: str, max_length: int, required: bool = False) -> str:
    try:
        return registry_rules.text(value, label=label, max_length=max_length, required=required)
    except ValidationError as error:
        errors[field] = error.messages[0]
        return ""


def _long_text(errors: dict, field: str, value, *, label: str, max_length: int = 5000,
               required: bool = False) -> str:
    """Free text keeping its line breaks (descriptions, findings): no control characters, trimmed."""
    from socorg.core.text import control_character_problem

    raw = "" if value is None else str(value).replace("\r\n", "\n")
    problem = control_character_problem(raw.replace("\n", " ").replace("\t", " "))
    cleaned = raw.strip()
    if problem:
        errors[field] = _("%(field)s: %(problem)s") % {"field": label, "problem": problem}
    elif required and not cleaned:
        errors[field] = _("%(field)s is required.") % {"field": label}
    elif len(cleaned) > max_length:
        errors[field] = _("%(field)s has %(length)d characters; at most %(max)d are allowed.") % {
            "field": label, "length": len(cleaned), "max": max_length}
    return cleaned


def _check_files(errors: dict, files, field: str = "attachments") -> list:
    files = [f for f in (files or []) if f is not None]
    if len(files) > rules.MAX_ATTACHMENTS:
        errors[field] = _("At most %(max)d files may be attached at once.") % {"max": rules.MAX_ATTACHMENTS}
        return files
    for upload in files:
        try:
            validate_upload(upload, field)
        except ValidationError as error:
            errors[field] = error.message_dict[field][0]
            break
    return files


def _store_files(complaint: Complaint, files, stage: str, actor) -> list[str]:
    names = []
    for upload in files:
        upload.seek(0)
        ComplaintAttachment.objects.create(complaint=complaint, stage=stage, file=upload, name=upload.name[:255],
                                           size=upload.size, uploaded_by=actor if _is_user(actor) else None)
        names.append(upload.name[:255])
    return names


def _resolve_organization(errors: dict, *, uscc: str, name: str, actor, public: bool):
    """(organization or None, name, normalized code, unknown flag). A code that matches no registered organization
    is kept as free text and flagged, as is a name alone that matches none (or several)."""
    code = normalize_uscc(uscc or "")
    if len(code) > 18:
        errors["organization_uscc"] = _("A unified social credit code has 18 characters; “%(code)s” has %(n)d.") % {
            "code": code[:30], "n": len(code)}
        return None, name, "", False
    if not code and not name:
        errors["organization_name"] = _("Name the organization the complaint is about (its name or its credit "
                                        "code).")
        return None, name, "", False
    org = None
    if code:
        org = SocialOrganization.objects.filter(uscc=code).first()
    elif name:
        matches = list(SocialOrganization.objects.filter(name=name)[:2])
        org = matches[0] if len(matches) == 1 else None
    if org is not None and not public and not can(actor, CHANGE, org.authority_region_id):
        errors["organization_uscc"] = _("%(org)s is registered outside the regions you handle; forward the complaint "
                                        "to its registration authority.") % {"org": org.name}
        return None, name, code, False
    if org is not None:
        return org, org.name, org.uscc, False
    return None, name, code, True


@transaction.atomic
def complaint_receive(*, actor, channel: str, category: str, description: str, region: Region | str | None = None,
                      organization_uscc: str = "", organization_name: str = "", anonymous: bool = False,
                      complainant_name: str = "", complainant_phone: str = "", complainant_contact: str = "",
                      received_on: datetime.date | None = None, attachments=()) -> Complaint:
    """Record a complaint. Staff channels (phone, letter, visit, referral) need complaints.change over the
    responsible region; the public channel ("online") is called by the public page with a non-user actor and is
    received today. The responsible region is the organization's registration authority when the organization is
    known, else `region`. Returns the complaint; `complaint.lookup_code` holds the status code to give the
    complainant (shown once)."""
    public = channel == Channel.ONLINE
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if channel not in Channel.values:
        errors["channel"] = _("Choose how the complaint came in: phone, letter, visit, referral or the public "
                              "website.")
    elif public and _is_user(actor):
        errors["channel"] = _("Staff record phone calls, letters, visits and referrals; the public website channel "
                              "is for the public form.")
    elif not public and not _is_user(actor):
        raise PermissionDenied(_("Only staff record complaints received by phone, letter, visit or referral."))
    if category not in Category.values:
        errors["category"] = _("Choose a category.")
    description = _long_text(errors, "description", description, label=_("Description"), required=True)
    name = _text(errors, "organization_name", organization_name, label=_("Organization named"), max_length=200)
    org, name, code, unknown = _resolve_organization(errors, uscc=organization_uscc, name=name, actor=actor,
                                                     public=public)
    responsible = None
    if org is not None:
        responsible = org.authority_region
    elif not errors.get("organization_uscc") and not errors.get("organization_name"):
        code_of_region = region.code if isinstance(region, Region) else str(region or "").strip()
        responsible = Region.objects.filter(code=code_of_region).first() if code_of_region else None
        if responsible is None:
            errors["region"] = _("The organization is not in the registry: choose the region the complaint concerns.")
        elif not public and not can(actor, CHANGE, responsible.code):
            errors["region"] = _("%(region)s is outside the regions you handle.") % {"region": responsible.name}
    complainant_name = _text(errors, "complainant_name", complainant_name, label=_("Complainant's name"),
                             max_length=64)
    try:
        complainant_phone = registry_rules.phone(complainant_phone)
    except ValidationError as error:
        errors["complainant_phone"] = error.messages[0]
        complainant_phone = ""
    complainant_contact = _text(errors, "complainant_contact", complainant_contact,
                                label=_("Other contact"), max_length=200)
    for field, message in rules.contact_problems(anonymous=bool(anonymous), name=complainant_name,
                                                 phone=complainant_phone, contact=complainant_contact).items():
        errors.setdefault(field, message)
    if public:
        received_on = today
    else:
        problem = rules.date_problem(received_on or today, after=None, today=today, after_label="")
        if problem:
            errors["received_on"] = problem
        received_on = received_on or today
    files = _check_files(errors, attachments)
    if errors:
        raise ValidationError(errors)
    code_for_lookup = rules.new_lookup_code()
    complaint = Complaint(
        channel=channel, region=responsible, organization=org, organization_name=name or code,
        organization_uscc=code, organization_unknown=unknown, category=category, description=description,
        anonymous=bool(anonymous), complainant_name=complainant_name, complainant_phone=complainant_phone,
        complainant_contact=complainant_contact, received_on=received_on,
        received_by=actor if _is_user(actor) else None, accept_due_on=rules.accept_due_on(received_on))
    for _attempt in range(5):
        complaint.receipt_no = rules.new_receipt_no(received_on)
        complaint.lookup_code_hash = blind_index(complaint.receipt_no + ":" + code_for_lookup)
        try:
            with transaction.atomic():
                complaint.save()
            break
        except IntegrityError:  # the same receipt number drawn twice: draw again
            complaint.pk = None
    else:  # pragma: no cover - 31^6 numbers a day
        raise ValidationError({"__all__": _("No receipt number could be issued; try again.")})
    stored = _store_files(complaint, files, AttachmentStage.INTAKE, actor)
    audit_write(action="complaints.complaint.receive", obj=complaint, actor=actor,
                after={**snapshot(complaint, AUDITED), "attachments": stored,
                       "complainant_given": bool(complainant_name or complainant_phone or complainant_contact)})
    complaint.lookup_code = code_for_lookup
    return complaint


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("region").get(pk=complaint.pk)


def _step(complaint: Complaint, actor, target: str) -> tuple[Complaint, dict]:
    locked = _locked(complaint)
    _require(actor, locked.region_id)
    problem = rules.step_problem(locked.status, target)
    if problem:
        raise ValidationError({"status": problem})
    return locked, snapshot(locked, AUDITED)


def _audit(action: str, complaint: Complaint, actor, before: dict, **extra) -> None:
    audit_write(action=f"complaints.complaint.{action}", obj=complaint, actor=actor, before=before,
                after={**snapshot(complaint, AUDITED), **extra})


def _day(value, today):
    return value or today


@transaction.atomic
def complaint_accept(*, complaint: Complaint, actor, accepted: bool, reasons: str = "",
                     decided_on: datetime.date | None = None) -> Complaint:
    """Decide whether to accept: accepted starts the conclusion deadline (M working days); not accepted needs the
    reasons (they go into the reply)."""
    target = Status.ACCEPTED if accepted else Status.NOT_ACCEPTED
    complaint, before = _step(complaint, actor, target)
    today = timezone.localdate()
    decided_on = _day(decided_on, today)
    errors: dict[str, str] = {}
    problem = rules.date_problem(decided_on, after=complaint.received_on, today=today,
                                 after_label=_("the receipt"))
    if problem:
        errors["decided_on"] = problem
    reasons = _long_text(errors, "reasons", reasons, label=_("Reasons"), max_length=2000, required=not accepted)
    if errors:
        raise ValidationError(errors)
    complaint.status = target
    complaint.accepted_on = decided_on
    complaint.accepted_late = decided_on > complaint.accept_due_on
    if accepted:
        complaint.conclude_due_on = rules.conclude_due_on(decided_on)
    else:
        complaint.not_accepted_reasons = reasons
    complaint.save()
    _audit("accept" if accepted else "not_accept", complaint, actor, before)
    return complaint


def assignee_problem(complaint: Complaint) -> str:
    return _("Choose an investigator who handles complaints in %(region)s.") % {"region": complaint.region.name}


@transaction.atomic
def complaint_assign(*, complaint: Complaint, actor, assignee, note: str = "",
                     assigned_on: datetime.date | None = None) -> Complaint:
    """Give an accepted complaint to an investigator (who holds complaints.change over its region); reassigning
    an assigned complaint is allowed."""
    complaint, before = _step(complaint, actor, Status.ASSIGNED)
    today = timezone.localdate()
    assigned_on = _day(assigned_on, today)
    errors: dict[str, str] = {}
    if assignee is None or not getattr(assignee, "is_active", False) or not can(assignee, CHANGE,
                                                                                  complaint.region_id):
        errors["assignee"] = assignee_problem(complaint)
    problem = rules.date_problem(assigned_on, after=complaint.accepted_on, today=today,
                                 after_label=_("the acceptance"))
    if problem:
        errors["assigned_on"] = problem
    note = _long_text(errors, "note", note, label=_("Note"), max_length=2000)
    if errors:
        raise ValidationError(errors)
    complaint.status = Status.ASSIGNED
    complaint.assignee, complaint.assigned_on, complaint.assignment_note = assignee, assigned_on, note
    complaint.save()
    _audit("assign", complaint, actor, before)
    return complaint


@transaction.atomic
def complaint_investigate(*, complaint: Complaint, actor, findings: str, investigated_on: datetime.date | None = None,
                          files=()) -> Complaint:
    """Record what the investigation found (with evidence files)."""
    complaint, before = _step(complaint, actor, Status.INVESTIGATED)
    today = timezone.localdate()
    investigated_on = _day(investigated_on, today)
    errors: dict[str, str] = {}
    findings = _long_text(errors, "findings", findings, label=_("Findings"), required=True)
    problem = rules.date_problem(investigated_on, after=complaint.assigned_on, today=today,
                                 after_label=_("the assignment"))
    if problem:
        errors["investigated_on"] = problem
    files = _check_files(errors, files, "files")
    if errors:
        raise ValidationError(errors)
    complaint.status, complaint.findings, complaint.investigated_on = Status.INVESTIGATED, findings, investigated_on
    complaint.save()
    stored = _store_files(complaint, files, AttachmentStage.INVESTIGATION, actor)
    _audit("investigate", complaint, actor, before, attachments=stored)
    return complaint


@transaction.atomic
def complaint_conclude(*, complaint: Complaint, actor, outcome: str, conclusion: str,
                       concluded_on: datetime.date | None = None,
                       rectification_deadline: datetime.date | None = None, rectification_requirements: str = "",
                       penalty: str = "", referred_to: str = "", files=()) -> Complaint:
    """Conclude: unfounded, or founded with at least one measure — a rectification order with its deadline, a
    penalty, a referral to another department."""
    complaint, before = _step(complaint, actor, Status.CONCLUDED)
    today = timezone.localdate()
    concluded_on = _day(concluded_on, today)
    errors: dict[str, str] = {}
    conclusion = _long_text(errors, "conclusion", conclusion, label=_("Conclusion"))
    requirements = _long_text(errors, "rectification_requirements", rectification_requirements,
                              label=_("Rectification ordered"), max_length=2000)
    penalty = _long_text(errors, "penalty", penalty, label=_("Penalty"), max_length=2000)
    referred_to = _text(errors, "referred_to", referred_to, label=_("Referred to"), max_length=200)
    problem = rules.date_problem(concluded_on, after=complaint.investigated_on, today=today,
                                 after_label=_("the investigation"))
    if problem:
        errors["concluded_on"] = problem
    for field, message in rules.conclusion_problems(
            outcome=outcome, conclusion=conclusion, concluded_on=concluded_on,
            rectification_deadline=rectification_deadline, rectification_requirements=requirements,
            penalty=penalty, referred_to=referred_to).items():
        errors.setdefault(field, message)
    files = _check_files(errors, files, "files")
    if errors:
        raise ValidationError(errors)
    complaint.status, complaint.outcome, complaint.conclusion = Status.CONCLUDED, outcome, conclusion
    complaint.concluded_on = concluded_on
    complaint.concluded_late = complaint.conclude_due_on is not None and concluded_on > complaint.conclude_due_on
    founded = outcome == Outcome.FOUNDED
    complaint.rectification_requirements = requirements if founded else ""
    complaint.rectification_deadline = rectification_deadline if founded else None
    complaint.penalty = penalty if founded else ""
    complaint.referred_to = referred_to if founded else ""
    complaint.save()
    stored = _store_files(complaint, files, AttachmentStage.CONCLUSION, actor)
    _audit("conclude", complaint, actor, before, attachments=stored)
    return complaint


@transaction.atomic
def complaint_reply(*, complaint: Complaint, actor, method: str, reply: str,
                    replied_on: datetime.date | None = None) -> Complaint:
    """Reply to the complainant (after a conclusion or a decision not to accept): how, what, when. An anonymous
    complainant without contact reads the reply on the public status page."""
    complaint, before = _step(complaint, actor, Status.REPLIED)
    today = timezone.localdate()
    replied_on = _day(replied_on, today)
    errors: dict[str, str] = {}
    if method not in ReplyMethod.values:
        errors["method"] = _("Choose how the complainant was answered.")
    elif method != ReplyMethod.ONLINE and not (complaint.complainant_phone or complaint.complainant_contact
                                               or method == ReplyMethod.IN_PERSON):
        errors["method"] = _("The complainant left no contact: reply on the public status page or in person.")
    reply = _long_text(errors, "reply", reply, label=_("Reply"), max_length=5000, required=True)
    problem = rules.date_problem(replied_on, after=complaint.concluded_on or complaint.accepted_on, today=today,
                                 after_label=_("the decision"))
    if problem:
        errors["replied_on"] = problem
    if errors:
        raise ValidationError(errors)
    complaint.status, complaint.reply_method, complaint.reply, complaint.replied_on = (
        Status.REPLIED, method, reply, replied_on)
    complaint.save()
    _audit("reply", complaint, actor, before)
    return complaint


def complaint_reveal(*, complaint: Complaint, actor) -> dict[str, str]:
    """The complainant's name, phone and contact in clear, for a user holding complaints.reveal over the
    complaint's region; the read is written to the audit log (which fields, never the values)."""
    _require(actor, complaint.region_id, REVEAL)
    audit_write(action="complaints.complaint.reveal", obj=complaint, actor=actor,
                after={"fields": ["complainant_name", "complainant_phone", "complainant_contact"]})
    return {"complainant_name": complaint.complainant_name, "complainant_phone": complaint.complainant_phone,
            "complainant_contact": complaint.complainant_contact}


# --- escalation ----------------------------------------------------------------------------------------------------

def complaint_escalate(*, complaint: Complaint, as_of: datetime.date, actor=SYSTEM) -> Complaint | None:
    """Escalate a complaint that has missed its acceptance or conclusion deadline to the region above the one now
    responsible — once per missed deadline (a complaint escalated for acceptance is escalated again if it then
    misses its conclusion deadline). None when there is nothing to do."""
    with transaction.atomic():
        locked = _locked(complaint)
        stage = rules.is_overdue(locked.status, as_of, accept_due=locked.accept_due_on,
                                 conclude_due=locked.conclude_due_on)
        if stage is None or locked.escalated_stage == stage:
            return None
        before = snapshot(locked, AUDITED)
        responsible = locked.escalated_to or locked.region
        locked.escalated_to = responsible.parent or responsible
        locked.escalated_on, locked.escalated_stage = as_of, stage
        locked.save(update_fields=["escalated_to", "escalated_on", "escalated_stage", "updated_at"])
        _audit("escalate", locked, actor, before)
    return locked


def escalate_overdue(*, as_of: datetime.date | None = None, region_prefix: str = "", actor=SYSTEM) -> int:
    """Escalate every complaint past a deadline (under the region prefix); returns how many. Idempotent."""
    from .queries import overdue_q

    as_of = as_of or timezone.localdate()
    from socorg.core.scope import in_subtree

    candidates = (Complaint.objects.filter(overdue_q(as_of)).filter(in_subtree("region__code", region_prefix))
                  .exclude(escalated_stage=Stage.ACCEPTANCE, status=Status.RECEIVED)
                  .exclude(escalated_stage=Stage.CONCLUSION))
    count = 0
    for complaint in candidates.select_related("region", "escalated_to").order_by("pk"):
        if complaint_escalate(complaint=complaint, as_of=as_of, actor=actor) is not None:
            count += 1
    return count
