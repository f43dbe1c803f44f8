"""Annual-report workflow: draft → submitted → returned for correction → resubmitted → reviewed.

Every service: check scope → lock → validate (all problems at once, as field errors) → change → audit. Views, the
API and the ledger sheet call these; the rules themselves live in reports.rules.

Who: the organization's own account (or bureau staff entering a paper filing) holds reports.change and saves and
submits; the registration authority's staff hold reports.review and return or conclude. Nobody changes a report
after submission except by returning it."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.activities.attachments import validate_upload
from socorg.core.audit import audit_write, snapshot
from socorg.core.scope import can
from socorg.registry.models import SocialOrganization

from . import rules
from .choices import ReportStatus
from .models import AnnualReport, PartyBuildingCorrection, SyncCheck
from .party_building import party_building_as_of
from .synchronization import SyncEvent, SyncState, checklist

EDITABLE_FIELDS = (
    "proposed_changes", "member_meetings_held", "council_meetings_held", "election_on_time", "leader_changes",
    *rules.INCOME_PARTS, "total_income", "total_expenditure", "net_assets", "charitable_spending",
    "activities_summary", "party_building_comment",
)
AUDITED_FIELDS = (*EDITABLE_FIELDS, "status", "late", "conclusion", "review_reasons", "return_reasons")
# Registry fields an organization may propose to change through its report (applied by the bureau).
PROPOSABLE_FIELDS = ("name", "short_name", "supervisor", "legal_representative", "phone")


def _require(actor, org: SocialOrganization, capability: str) -> None:
    if not can(actor, capability, org.authority_region_id, organizations={org.pk}):
        raise PermissionDenied(_("You may not do this for %(org)s: it lies outside your scope.") % {"org": org.name})


def report_deadline(org: SocialOrganization, year: int) -> datetime.date:
    return rules.deadline(year, has_supervisor=bool(org.supervisor))


def _check_can_report(org: SocialOrganization, year: int) -> None:
    problem = rules.year_problem(year, org.registered_on, timezone.localdate())
    if problem:
        raise ValidationError({"year": problem})
    if rules.ended_before(org.is_active, org.status_changed_on, report_deadline(org, year)):
        raise ValidationError({"year": _("%(org)s is %(status)s: it does not report.")
                               % {"org": org.name, "status": org.get_status_display()}})


def report_for(*, org: SocialOrganization, year: int) -> AnnualReport:
    """The organization's report for the year, or an unsaved draft with the pre-filled party-building section."""
    report = AnnualReport.objects.filter(organization=org, year=year).first()
    if report is None:
        report = AnnualReport(organization=org, year=year, due_on=report_deadline(org, year),
                              party_building=party_building_as_of(org, year))
    return report


def _validate(values: dict) -> None:
    errors: dict[str, str] = dict(rules.finance_problems(values))
    proposed = values.get("proposed_changes") or {}
    if not isinstance(proposed, dict):
        errors["proposed_changes"] = _("Proposed changes must name registry fields and their new values.")
    else:
        unknown = sorted(set(proposed) - set(PROPOSABLE_FIELDS))
        if unknown:
            errors["proposed_changes"] = _("These registry fields cannot be changed through a report: %(fields)s.") \
                % {"fields": "、".join(unknown)}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_save_draft(*, org: SocialOrganization, year: int, actor, **values) -> AnnualReport:
    """Create or update the organization's draft (or returned report); the party-building section is refreshed."""
    _require(actor, org, "reports.change")
    _check_can_report(org, year)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    report = AnnualReport.objects.select_for_update().filter(organization=org, year=year).first()
    if report is not None and not report.is_editable:
        raise ValidationError({"status": _("The report has been submitted and can no longer be edited; the "
                                           "registration authority may return it for correction.")})
    before = snapshot(report, AUDITED_FIELDS) if report is not None else None
    report = report or report_for(org=org, year=year)
    merged = {name: getattr(report, name) for name in EDITABLE_FIELDS} | values
    _validate(merged)
    for name, value in values.items():
        setattr(report, name, value)
    report.party_building = party_building_as_of(org, year)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # another request created it first
        raise ValidationError({"year": _("A report for this year was just created by someone else; reload the "
                                         "page.")}) from None
    audit_write(action="reports.report.save", obj=report, actor=actor, before=before,
                after=snapshot(report, AUDITED_FIELDS))
    return report


def _locked(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_for_update().select_related("organization").get(pk=report.pk)


@transaction.atomic
def report_submit(*, report: AnnualReport, actor) -> AnnualReport:
    """Submit a draft or a returned report: the party-building section is frozen; a comment on it opens a correction
    task for the bureau. Late submission is allowed and marked late (judged by the first submission)."""
    report = _locked(report)
    _require(actor, report.organization, "reports.change")
    if not report.is_editable:
        raise ValidationError({"status": _("The report has already been submitted.")})
    _validate({name: getattr(report, name) for name in EDITABLE_FIELDS})
    before = snapshot(report, AUDITED_FIELDS)
    now = timezone.now()
    report.party_building = party_building_as_of(report.organization, report.year)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now
    if report.first_submitted_at is None:
        report.first_submitted_at = now
        report.late = timezone.localdate(now) > report.due_on
    report.save()
    comment = report.party_building_comment.strip()
    if comment and not report.corrections.filter(comment=comment).exists():
        PartyBuildingCorrection.objects.create(report=report, comment=comment)
    audit_write(action="reports.report.submit", obj=report, actor=actor, before=before,
                after=snapshot(report, AUDITED_FIELDS))
    return report


def _require_review(report: AnnualReport, actor) -> None:
    _require(actor, report.organization, "reports.review")
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted report can be returned or reviewed; this one is "
                                           "“%(status)s”.") % {"status": report.get_status_display()}})


@transaction.atomic
def report_return(*, report: AnnualReport, actor, reasons: str) -> AnnualReport:
    report = _locked(report)
    _require_review(report, actor)
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Say what the organization must correct.")})
    before = snapshot(report, AUDITED_FIELDS)
    report.status = ReportStatus.RETURNED
    report.return_reasons = reasons
    report.save()
    audit_write(action="reports.report.return", obj=report, actor=actor, before=before,
                after=snapshot(report, AUDITED_FIELDS))
    return report


@transaction.atomic
def report_review(*, report: AnnualReport, actor, conclusion: str, reasons: str = "") -> AnnualReport:
    """Conclude 合格 / 基本合格 / 不合格. Reasons are required for anything but 合格, and for 合格 too where the
    organization should have built a standalone party organization and has not (三同步: 应建未建)."""
    report = _locked(report)
    _require_review(report, actor)
    reasons = (reasons or "").strip()
    problems = rules.review_problems(conclusion, reasons,
                                     should_build_missing=bool(report.party_building.get("should_build_missing")))
    if problems:
        raise ValidationError(problems)
    before = snapshot(report, AUDITED_FIELDS)
    report.status = ReportStatus.REVIEWED
    report.conclusion = conclusion
    report.review_reasons = reasons
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor if getattr(actor, "pk", None) else None
    report.save()
    audit_write(action="reports.report.review", obj=report, actor=actor, before=before,
                after=snapshot(report, AUDITED_FIELDS))
    return report


# --- 三同步 checks ------------------------------------------------------------------------------------------------

def _occasion_problem(event: str, occasion: str, org: SocialOrganization) -> str | None:
    today = timezone.localdate()
    if event == SyncEvent.REGISTRATION:
        return None if occasion == "" else _("The registration happens once: leave the occasion empty.")
    if event in (SyncEvent.ANNUAL_REPORT, SyncEvent.EVALUATION):
        if not (occasion.isdigit() and len(occasion) == 4):
            return _("Enter the year, four digits such as 2025.")
        registered = org.registered_on.year if org.registered_on else 1949
        if not registered <= int(occasion) <= today.year:
            return _("The year must lie between the registration (%(first)d) and this year (%(last)d).") % {
                "first": registered, "last": today.year}
        return None
    try:
        day = datetime.date.fromisoformat(occasion)
    except ValueError:
        return _("Enter the date of the re-election as YYYY-MM-DD.")
    return _("The re-election date lies in the future.") if day > today else None


@transaction.atomic
def sync_check_record(*, org: SocialOrganization, event: str, item: str, state: str, actor, occasion: str = "",
                      note: str = "", evidence=None) -> SyncCheck:
    """Record one 三同步 item (done / not done / not applicable, with a note and an optional evidence file); the
    registration authority's staff check (reports.review). Recording again replaces the earlier state."""
    _require(actor, org, "reports.review")
    occasion, note = (occasion or "").strip(), (note or "").strip()
    errors: dict[str, str] = {}
    if event not in SyncEvent.values:
        errors["event"] = _("Choose registration, annual report, evaluation or re-election.")
    elif item not in dict(checklist(event)):
        errors["item"] = _("“%(item)s” is not an item of this checklist.") % {"item": item}
    else:
        problem = _occasion_problem(event, occasion, org)
        if problem:
            errors["occasion"] = problem
    if state not in SyncState.values:
        errors["state"] = _("Choose done, not done or not applicable.")
    elif state != SyncState.DONE and not note:
        errors["note"] = _("Say why the item is not done or not applicable.")
    if evidence is not None:
        try:
            validate_upload(evidence, "evidence")
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    check = SyncCheck.objects.select_for_update().filter(organization=org, event=event, occasion=occasion,
                                                         item=item).first()
    before = snapshot(check, SYNC_AUDITED) if check else None
    check = check or SyncCheck(organization=org, event=event, occasion=occasion, item=item)
    check.state, check.note = state, note
    check.checked_by = actor if getattr(actor, "pk", None) else None
    if evidence is not None:
        check.evidence = evidence
        check.evidence_name = evidence.name[:255]
    check.save()
    audit_write(action="reports.sync.check", obj=check, actor=actor, before=before,
                after=snapshot(check, SYNC_AUDITED))
    return check


SYNC_AUDITED = ("event", "occasion", "item", "state", "note", "evidence_name")
