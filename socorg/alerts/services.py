"""Writes of the early-warning app: the rectification loop and the rule settings. Each step validates, locks the
alert, changes it, records an AlertEvent and an audit entry, in one transaction.

The loop: an open alert is assigned (to the branch's own account or its instructor, a user) with a deadline; the
assignee submits what was done with evidence files; a reviewer (alerts.change over the region, not the assignee)
accepts it — the alert closes — or returns it with a reason and possibly a new deadline. An assigned alert whose
deadline passed is escalated to the region above (by the daily scan); submitted alerts wait for the reviewer and are
not escalated. Editing rule settings is deployment-wide: it needs alerts.change at the national level or the
system administrator's system.configure capability."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.accounts.roles import Role
from socorg.activities.attachments import content_type_for, validate_upload
from socorg.core.audit import SYSTEM, audit_write, snapshot
from socorg.core.scope import can, in_subtree, region_prefixes
from socorg.regions.models import Region

from .choices import AlertStatus, EventKind, Severity
from .models import Alert, AlertEvent, EvidenceFile, RuleSetting
from .rules import RULES

ACCEPTED_REASON = "rectification accepted"
MAX_DEADLINE_DAYS = 366
AUDITED = ["status", "assignee", "deadline", "resolved_on", "resolution_reason", "escalated_to", "escalated_on"]


def _require_change(actor, alert: Alert) -> None:
    if not can(actor, "alerts.change", alert.region_id):
        raise PermissionDenied(_("You may not handle alerts in region %(code)s: it lies outside your scope.")
                               % {"code": alert.region_id})


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().get(pk=alert.pk)


def _require_status(alert: Alert, *allowed: str) -> None:
    if alert.status not in allowed:
        raise ValidationError({"status": _("The alert is “%(status)s”; this step needs it to be: %(allowed)s.")
                               % {"status": alert.get_status_display(),
                                  "allowed": "、".join(str(AlertStatus(s).label) for s in allowed)}})


def _event(alert: Alert, kind: str, actor, **fields) -> AlertEvent:
    return AlertEvent.objects.create(alert=alert, kind=kind, actor=actor if getattr(actor, "pk", None) else None,
                                     **fields)


def _audit(action: str, alert: Alert, actor, before: dict, note: str = "") -> None:
    audit_write(action=f"alert.{action}", obj=alert, actor=actor or SYSTEM, before=before,
                after={**snapshot(alert, AUDITED), **({"note": note} if note else {})})


def alert_organization_ids(alert: Alert) -> set[int]:
    """The social organizations an alert is about: its organization, or those its party organization covers."""
    ids = {alert.organization_id} if alert.organization_id else set()
    if alert.party_org_id:
        ids |= alert.party_org.organization_ids()
    return ids


def assignable_users(alert: Alert):
    """Users the alert may be assigned to: an instructor whose grant covers the alert's region, or the own account
    of an organization the alert is about."""
    from socorg.accounts.models import User

    region_code = alert.region_id
    ancestors = {region_code[:n] for n in (0, 2, 4, 6)}
    covering = {code for code in Region.objects.filter(scope_prefix__in=ancestors).values_list("code", flat=True)}
    instructors = Q(grants__role=Role.INSTRUCTOR, grants__region_id__in=covering)
    own_accounts = Q(grants__role=Role.ORG_ACCOUNT, organization_id__in=alert_organization_ids(alert))
    return User.objects.filter(instructors | own_accounts, is_active=True).distinct().order_by("username")


def _check_deadline(errors: dict, deadline, field: str = "deadline", required: bool = True) -> None:
    today = timezone.localdate()
    if deadline is None:
        if required:
            errors[field] = _("Set a deadline for the rectification (a date from today on).")
        return
    if not isinstance(deadline, datetime.date) or deadline < today:
        errors[field] = _("The deadline %(date)s has already passed; expected a date from %(today)s on.") % {
            "date": deadline, "today": today}
    elif deadline > today + datetime.timedelta(days=MAX_DEADLINE_DAYS):
        errors[field] = _("The deadline %(date)s is more than a year away; expected a date up to %(limit)s.") % {
            "date": deadline, "limit": today + datetime.timedelta(days=MAX_DEADLINE_DAYS)}


def _widest_scope(user, region_code: str) -> int | None:
    """Length of the shortest alerts.change prefix through which `user` reaches the region (0 = the nation; a
    shorter prefix is a higher level); None when they do not reach it."""
    if user is None or not getattr(user, "pk", None):
        return None
    lengths = [len(p) for p in region_prefixes(user, "alerts.change") if region_code.startswith(p)]
    return min(lengths) if lengths else None


def deadline_refusal(alert: Alert, actor) -> str | None:
    """Why `actor` may not set a new deadline (or assignee) on the assigned alert, or None if they may. Only a
    reviewer may: not the assignee, and at the level of the person who assigned it or above (an assignee holding
    alerts.change cannot give themselves more time)."""
    if actor is not None and alert.assignee_id == actor.pk:
        return _("You are the assignee of this alert; only a reviewer at the level of the person who assigned it, "
                 "or above, may change its deadline or assignee.")
    assignment = (alert.events.filter(kind=EventKind.ASSIGNED, actor__isnull=False).select_related("actor")
                  .order_by("-at", "-pk").first())
    assigner_scope = _widest_scope(assignment.actor, alert.region_id) if assignment else None
    actor_scope = _widest_scope(actor, alert.region_id)
    if assigner_scope is not None and (actor_scope is None or actor_scope > assigner_scope):
        return _("This alert was assigned by %(name)s at a higher level; only a reviewer at that level or above may "
                 "change its deadline or assignee.") % {"name": assignment.actor}
    return None


def _require_reviewer_of_deadline(alert: Alert, actor) -> None:
    refusal = deadline_refusal(alert, actor)
    if refusal:
        raise PermissionDenied(refusal)


def alert_assign(*, alert: Alert, assignee, deadline: datetime.date, note: str = "", actor) -> Alert:
    _require_change(actor, alert)
    errors: dict[str, str] = {}
    _check_deadline(errors, deadline)
    if assignee is None or not assignable_users(alert).filter(pk=assignee.pk).exists():
        errors["assignee"] = _("Assign the alert to the organization's own account or an instructor whose region "
                               "covers %(code)s.") % {"code": alert.region_id}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(alert)
        _require_status(locked, AlertStatus.OPEN, AlertStatus.ASSIGNED)
        if locked.status == AlertStatus.ASSIGNED:
            _require_reviewer_of_deadline(locked, actor)
        before = snapshot(locked, AUDITED)
        locked.status, locked.assignee, locked.deadline = AlertStatus.ASSIGNED, assignee, deadline
        locked.save(update_fields=["status", "assignee", "deadline", "updated_at"])
        _event(locked, EventKind.ASSIGNED, actor, note=note.strip(), assignee=assignee, deadline=deadline)
        _audit("assign", locked, actor, before, note)
    return locked


def alert_submit(*, alert: Alert, note: str, files=(), actor) -> Alert:
    """The assignee reports what was done, with evidence files."""
    errors: dict[str, str] = {}
    if not (note or "").strip():
        errors["note"] = _("Describe what was done to rectify the problem.")
    for upload in files:
        try:
            validate_upload(upload, field="files")
        except ValidationError as error:
            errors["files"] = error.message_dict["files"][0]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(alert)
        if actor is None or locked.assignee_id != actor.pk:
            raise PermissionDenied(_("Only the assignee of this alert can submit its rectification."))
        _require_status(locked, AlertStatus.ASSIGNED)
        before = snapshot(locked, AUDITED)
        locked.status = AlertStatus.SUBMITTED
        locked.save(update_fields=["status", "updated_at"])
        event = _event(locked, EventKind.SUBMITTED, actor, note=note.strip())
        stored = []
        try:
            for upload in files:
                evidence = EvidenceFile(event=event, original_name=upload.name[-255:], size=upload.size,
                                        content_type=content_type_for(validate_upload(upload, field="files")))
                evidence.file.save(upload.name, upload, save=False)
                stored.append(evidence.file.name)
                evidence.save()
            _audit("submit", locked, actor, before, note)
        except Exception:
            for name in stored:
                EvidenceFile.file.field.storage.delete(name)
            raise
    return locked


def can_review(actor, alert: Alert) -> bool:
    """Reviewers (bureau and party staff) hold alerts.review over the alert's region; an instructor works on the
    alerts assigned to it but does not accept them."""
    return can(actor, "alerts.review", alert.region_id)


def _review(alert: Alert, actor) -> None:
    """Called on the locked row: a reviewer holds alerts.review over the region and is not the assignee."""
    if not can_review(actor, alert):
        raise PermissionDenied(_("Only a reviewer (bureau or party committee staff) over region %(code)s accepts or "
                                 "returns a rectification.") % {"code": alert.region_id})
    if actor is not None and alert.assignee_id == actor.pk:
        raise PermissionDenied(_("You submitted this rectification; another person must review it."))


def alert_accept(*, alert: Alert, note: str = "", actor) -> Alert:
    _require_change(actor, alert)
    with transaction.atomic():
        locked = _locked(alert)
        _review(locked, actor)
        _require_status(locked, AlertStatus.SUBMITTED)
        before = snapshot(locked, AUDITED)
        locked.status, locked.resolved_on = AlertStatus.ACCEPTED, timezone.localdate()
        locked.resolution_reason = ACCEPTED_REASON
        locked.save(update_fields=["status", "resolved_on", "resolution_reason", "updated_at"])
        _event(locked, EventKind.ACCEPTED, actor, note=(note or "").strip())
        _audit("accept", locked, actor, before, note)
    return locked


def alert_return(*, alert: Alert, note: str, deadline: datetime.date | None = None, actor) -> Alert:
    """Send the rectification back to the assignee, saying why (and, optionally, with a new deadline)."""
    _require_change(actor, alert)
    errors: dict[str, str] = {}
    if not (note or "").strip():
        errors["note"] = _("Say why the rectification is returned and what is still missing.")
    _check_deadline(errors, deadline, required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(alert)
        _review(locked, actor)
        _require_status(locked, AlertStatus.SUBMITTED)
        if deadline is not None and deadline != locked.deadline:
            _require_reviewer_of_deadline(locked, actor)
        before = snapshot(locked, AUDITED)
        locked.status = AlertStatus.ASSIGNED
        locked.deadline = deadline or locked.deadline
        locked.save(update_fields=["status", "deadline", "updated_at"])
        _event(locked, EventKind.RETURNED, actor, note=note.strip(), deadline=locked.deadline)
        _audit("return", locked, actor, before, note)
    return locked


def alert_escalate(*, alert: Alert, as_of: datetime.date, actor=None) -> Alert | None:
    """Escalate an assigned alert whose deadline passed to the region above the one now responsible (once per
    missed deadline). Returns None when there is nothing to do."""
    with transaction.atomic():
        locked = _locked(alert)
        missed = locked.deadline
        if locked.status != AlertStatus.ASSIGNED or missed is None or missed >= as_of \
                or locked.escalated_deadline == missed:
            return None
        before = snapshot(locked, AUDITED)
        responsible = locked.escalated_to or locked.region
        target = responsible.parent or responsible
        locked.escalated_to, locked.escalated_on, locked.escalated_deadline = target, as_of, missed
        locked.save(update_fields=["escalated_to", "escalated_on", "escalated_deadline", "updated_at"])
        _event(locked, EventKind.ESCALATED, actor, region=target, deadline=missed,
               note=_("The deadline %(date)s passed without a submission.") % {"date": missed})
        _audit("escalate", locked, actor, before)
    return locked


def escalate_overdue(*, as_of: datetime.date, region_prefix: str = "", actor=None) -> int:
    """Escalate every overdue assigned alert under the region prefix; returns how many were escalated."""
    overdue = Alert.objects.filter(status=AlertStatus.ASSIGNED, deadline__lt=as_of)
    overdue = overdue.filter(in_subtree("region__code", region_prefix))
    count = 0
    for alert in overdue.exclude(escalated_deadline=F("deadline")).select_related("region", "escalated_to"):
        if alert_escalate(alert=alert, as_of=as_of, actor=actor) is not None:
            count += 1
    return count


# --- rule settings -------------------------------------------------------------------------------------------

def can_configure_rules(user) -> bool:
    """Rule settings apply to the whole deployment: national alerts.change, or system configuration."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return "" in region_prefixes(user, "alerts.change") or user.has_capability("system.configure")


def rule_setting_update(*, code: str, enabled: bool, severity: str, params: dict, citation: str = "",
                        actor) -> RuleSetting:
    if not can_configure_rules(actor):
        raise PermissionDenied(_("Rule settings apply to the whole deployment: only users with a national early-"
                                 "warning grant or the system administrator may change them."))
    if code not in RULES:
        raise ValidationError({"code": _("Unknown rule “%(code)s”.") % {"code": code}})
    rule = RULES[code]
    errors: dict[str, list[str]] = {}
    if severity not in Severity.values:
        errors["severity"] = [_("Unknown severity “%(value)s”; expected high, medium or low.") % {"value": severity}]
    try:
        cleaned = rule.clean_params(params)
    except ValidationError as error:
        errors.update(error.message_dict)
    if len(citation or "") > 500:
        errors["citation"] = [_("The citation is too long; at most 500 characters.")]
    if errors:
        raise ValidationError(errors)
    stored = {name: value for name, value in cleaned.items() if value != rule.default_params.get(name)}
    with transaction.atomic():
        setting, _created = RuleSetting.objects.select_for_update().get_or_create(
            code=code, defaults={"severity": rule.severity})
        before = snapshot(setting, ["enabled", "severity", "params", "citation"])
        setting.enabled, setting.severity, setting.params = bool(enabled), severity, stored
        setting.citation = (citation or "").strip()
        setting.updated_by = actor if getattr(actor, "pk", None) else None
        setting.save()
        audit_write(action="alerts.rule_setting", obj=setting, actor=actor, before=before,
                    after=snapshot(setting, ["enabled", "severity", "params", "citation"]))
    return setting
