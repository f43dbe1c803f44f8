"""Social-organization workflows: register, update, deregister, revoke, delete.

Each one validates everything first (collecting field errors), then locks, changes, writes one audit entry and
refreshes the derived state (effective member counts, coverage flags) inside the same transaction, so a failure at
any step leaves nothing half-written. The phone is never written to the audit log in clear: only that it changed.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from socorg.core.audit import SYSTEM, audit_write
from socorg.core.errors import FieldErrors, refuse_unknown_changes
from socorg.core.scope import can, ensure_in_scope
from socorg.core.text import pinyin_full, pinyin_initials
from socorg.coverage.state import FLAGS, refresh_coverage_flags, refresh_member_counts
from socorg.regions.models import Region

from . import rules
from .choices import REGISTERED_STATUSES, AuthorityLevel, Category, OrgStatus, OrgType
from .models import SocialOrganization
from .uscc import normalize_uscc, uscc_problems

# Fields a registration or an update may set; status fields change only through deregister / revoke.
EDITABLE_FIELDS = (
    "uscc", "name", "short_name", "org_type", "category", "authority_region", "authority_level", "supervisor",
    "registered_on", "declared_full_members", "declared_probationary_members", "party_clause_in_charter",
    "legal_representative", "phone",
)
# What the audit log records (the phone is replaced by a "changed" marker).
AUDITED_FIELDS = (
    "uscc", "name", "short_name", "org_type", "category", "authority_region", "authority_level", "supervisor",
    "registered_on", "status", "status_changed_on", "status_reason", "declared_full_members",
    "declared_probationary_members", "party_clause_in_charter", "legal_representative",
)
CHANGE = "registry.change"


# --- validation: the rules are registry.rules; here they are applied field by field and collected ---------------

def _clean_choice(errors: FieldErrors, field: str, value, choices, *, label: str) -> str:
    if value in choices.values:
        return value
    expected = "、".join(f"{v}（{label_}）" for v, label_ in choices.choices)
    errors.add(field, _("Unknown %(field)s “%(value)s”. Expected one of: %(expected)s.")
               % {"field": label, "value": value, "expected": expected}, "invalid_choice")
    return value


def _resolve_region(errors: FieldErrors, value, actor) -> Region | None:
    """The authority region: a Region or its code; current, and inside the actor's registry.change scope."""
    code = value.code if isinstance(value, Region) else str(value or "").strip()
    region = value if isinstance(value, Region) else Region.objects.filter(code=code).first()
    if region is None:
        errors.add("authority_region", _("Unknown region code “%(code)s”: enter the 6-digit GB/T 2260 code of the "
                                         "registration authority's region, e.g. 530102.") % {"code": code},
                   "unknown_region")
        return None
    if region.is_retired:
        errors.add("authority_region", _("Region %(code)s (%(name)s) was retired on %(date)s; use the current "
                                         "region%(successor)s.")
                   % {"code": region.code, "name": region.name, "date": region.valid_to,
                      "successor": f" {region.successor_id}" if region.successor_id else ""}, "retired_region")
        return None
    if not can(actor, CHANGE, region.code):
        errors.add("authority_region", _("Region %(code)s (%(name)s) lies outside the regions you may change; "
                                         "choose a region inside your scope.")
                   % {"code": region.code, "name": region.name}, "out_of_scope")
        return None
    return region


def _clean_fields(values: dict[str, Any], actor, *, current: SocialOrganization | None = None) -> dict[str, Any]:
    """Validate a full set of editable fields (the current values merged with the changes); raise every field
    error at once, or return the cleaned values."""
    errors = FieldErrors()
    labels = {name: str(SocialOrganization._meta.get_field(name).verbose_name) for name in EDITABLE_FIELDS}
    cleaned: dict[str, Any] = {}
    cleaned["org_type"] = _clean_choice(errors, "org_type", values.get("org_type"), OrgType, label=labels["org_type"])
    cleaned["uscc"] = _clean_uscc(errors, values.get("uscc"), cleaned["org_type"], current)
    cleaned["name"] = errors.check("name", rules.name, values.get("name"), label=labels["name"], max_length=200,
                                   fallback="")
    cleaned["short_name"] = errors.check("short_name", rules.text, values.get("short_name"),
                                         label=labels["short_name"], max_length=100, fallback="")
    cleaned["category"] = _clean_choice(errors, "category", values.get("category") or Category.OTHER, Category,
                                        label=labels["category"])
    region = _resolve_region(errors, values.get("authority_region"), actor)
    cleaned["authority_region"] = region
    level = values.get("authority_level") or (region.level if region else AuthorityLevel.COUNTY)
    cleaned["authority_level"] = _clean_choice(errors, "authority_level", level, AuthorityLevel,
                                               label=labels["authority_level"])
    cleaned["supervisor"] = errors.check("supervisor", rules.text, values.get("supervisor"),
                                         label=labels["supervisor"], max_length=200, fallback="")
    cleaned["registered_on"] = errors.check("registered_on", rules.past_date, values.get("registered_on"),
                                            label=labels["registered_on"])
    for field in ("declared_full_members", "declared_probationary_members"):
        cleaned[field] = errors.check(field, rules.count, values.get(field, 0), label=labels[field], fallback=0)
    cleaned["party_clause_in_charter"] = bool(values.get("party_clause_in_charter"))
    cleaned["legal_representative"] = errors.check("legal_representative", rules.text,
                                                   values.get("legal_representative"),
                                                   label=labels["legal_representative"], max_length=64, fallback="")
    cleaned["phone"] = errors.check("phone", rules.phone, values.get("phone"), fallback="")
    errors.raise_if_any()
    return cleaned


def _clean_uscc(errors: FieldErrors, value, org_type: str, current: SocialOrganization | None) -> str:
    problems = uscc_problems(str(value or ""), org_type if org_type in OrgType.values else None)
    for problem in problems:
        errors.setdefault("uscc", []).append(problem)
    if problems:
        return str(value or "")
    code = normalize_uscc(value)
    taken = SocialOrganization.objects.filter(uscc=code)
    if current is not None:
        taken = taken.exclude(pk=current.pk)
    if taken.exists():
        errors.add("uscc", _("The unified social credit code %(code)s is already registered to another social "
                             "organization; each organization has exactly one code.") % {"code": code}, "duplicate")
    return code


# --- audit helpers ----------------------------------------------------------------------------------------------

def _audit_picture(org: SocialOrganization) -> dict[str, Any]:
    picture = {name: getattr(org, org._meta.get_field(name).attname) for name in AUDITED_FIELDS}
    picture["phone_set"] = bool(org.phone)
    return picture


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    changed = [key for key in after if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def _apply(org: SocialOrganization, cleaned: dict[str, Any]) -> None:
    for name, value in cleaned.items():
        setattr(org, name, value)
    org.name_pinyin = pinyin_full(org.name)
    org.name_initials = pinyin_initials(org.name)


def _save(org: SocialOrganization) -> None:
    try:
        with transaction.atomic():  # savepoint: a lost race on the unique code must not break the caller's txn
            org.save()
    except IntegrityError as error:
        raise ValidationError({"uscc": _("The unified social credit code %(code)s is already registered to another "
                                         "social organization.") % {"code": org.uscc}}) from error


def _refresh_derived(org: SocialOrganization) -> None:
    refresh_member_counts([org.pk])
    refresh_coverage_flags([org.pk])
    org.refresh_from_db(fields=["full_members", "probationary_members", *FLAGS])


def _require_changeable(actor, org: SocialOrganization) -> None:
    if not can(actor, CHANGE, org.authority_region_id):
        raise PermissionDenied(_("%(org)s is registered in a region you may not change.") % {"org": org.name})


def _lock(org: SocialOrganization) -> SocialOrganization:
    return SocialOrganization.objects.select_for_update().get(pk=org.pk)


# --- the workflows ----------------------------------------------------------------------------------------------

@transaction.atomic
def org_register(*, actor, uscc: str, name: str, org_type: str, authority_region: Region | str,
                 authority_level: str | None = None, short_name: str = "", category: str = Category.OTHER,
                 supervisor: str = "", registered_on: datetime.date | None = None, declared_full_members: int = 0,
                 declared_probationary_members: int = 0, party_clause_in_charter: bool = False,
                 legal_representative: str = "", phone: str = "") -> SocialOrganization:
    """Register a social organization in a region of the actor's scope; returns the saved organization."""
    values = {
        "uscc": uscc, "name": name, "short_name": short_name, "org_type": org_type, "category": category,
        "authority_region": authority_region, "authority_level": authority_level, "supervisor": supervisor,
        "registered_on": registered_on, "declared_full_members": declared_full_members,
        "declared_probationary_members": declared_probationary_members,
        "party_clause_in_charter": party_clause_in_charter, "legal_representative": legal_representative,
        "phone": phone,
    }
    cleaned = _clean_fields(values, actor)
    org = SocialOrganization()
    _apply(org, cleaned)
    _save(org)
    ensure_in_scope(actor, org)
    _refresh_derived(org)
    audit_write(action="registry.org.register", obj=org, actor=actor, after=_audit_picture(org))
    return org


@transaction.atomic
def org_update(*, org: SocialOrganization, actor, **changes: Any) -> SocialOrganization:
    """Change editable fields (see EDITABLE_FIELDS); the whole resulting record is validated again."""
    refuse_unknown_changes("org_update", changes, EDITABLE_FIELDS, "; status changes have their own services")
    _require_changeable(actor, org)
    org = _lock(org)
    before = _audit_picture(org)
    old_phone = org.phone
    current = {name: getattr(org, name) for name in EDITABLE_FIELDS}
    if "authority_region" in changes and "authority_level" not in changes:
        current.pop("authority_level")  # a new region brings its own level unless one is given
    cleaned = _clean_fields({**current, **changes}, actor, current=org)
    _check_registered_before_status_change(org, cleaned["registered_on"])
    _apply(org, cleaned)
    _save(org)
    ensure_in_scope(actor, org)
    _refresh_derived(org)
    old, new = _diff(before, _audit_picture(org))
    if org.phone != old_phone:
        old.pop("phone_set", None)
        new.pop("phone_set", None)
        new["phone_changed"] = True
    if new:
        audit_write(action="registry.org.update", obj=org, actor=actor, before=old, after=new)
    return org


def _check_registered_before_status_change(org: SocialOrganization, registered_on) -> None:
    try:
        rules.registered_before_status_change(registered_on, org.status_changed_on)
    except ValidationError as error:
        raise ValidationError({"registered_on": error.error_list}) from None


def _end(*, org: SocialOrganization, actor, status: str, date, reason: str, action: str) -> SocialOrganization:
    _require_changeable(actor, org)
    return _change_status(org, actor, REGISTERED_STATUSES, status, date, reason, action, lambda locked: _(
        "%(org)s is already %(status)s (since %(date)s); only a registered organization can be deregistered or "
        "revoked.") % {"org": locked.name, "status": locked.get_status_display(), "date": locked.status_changed_on},
        "not_active")


def _change_status(org, actor, allowed: tuple[str, ...], status: str, date, reason: str, action: str,
                   refusal, refusal_code: str = "wrong_status") -> SocialOrganization:
    """Status change with its date and reason (both required), from one of the `allowed` statuses; refusal(org) is
    the message when the organization is in another one."""
    org = _lock(org)
    errors = FieldErrors()
    if org.status not in allowed:
        errors.add("status", refusal(org), refusal_code)
        errors.raise_if_any()
    date = errors.check("date", rules.past_date, date, label=_("date"), required=True)
    reason = errors.check("reason", rules.text, reason, label=_("reason"), max_length=500, required=True,
                          fallback="")
    errors.check("date", rules.registered_before_status_change, org.registered_on, status_changed_on=date)
    errors.raise_if_any()
    before = _audit_picture(org)
    org.status, org.status_changed_on, org.status_reason = status, date, reason
    org.save(update_fields=["status", "status_changed_on", "status_reason", "updated_at"])
    ensure_in_scope(actor, org)
    _refresh_derived(org)
    old, new = _diff(before, _audit_picture(org))
    audit_write(action=action, obj=org, actor=actor, before=old, after=new)
    return org


@transaction.atomic
def org_deregister(*, org: SocialOrganization, actor, date: datetime.date, reason: str) -> SocialOrganization:
    """Voluntary end (注销): date (not in the future, not before registration) and reason are required."""
    return _end(org=org, actor=actor, status=OrgStatus.DEREGISTERED, date=date, reason=reason,
                action="registry.org.deregister")


@transaction.atomic
def org_revoke(*, org: SocialOrganization, actor, date: datetime.date, reason: str) -> SocialOrganization:
    """Revocation of the registration as a penalty (撤销登记): date and reason are required."""
    return _end(org=org, actor=actor, status=OrgStatus.REVOKED, date=date, reason=reason,
                action="registry.org.revoke")


@transaction.atomic
def org_revoke_certificate(*, org: SocialOrganization, actor, date: datetime.date, reason: str) -> SocialOrganization:
    """The registration certificate is revoked as a penalty (吊销登记证书): the organization ends (out of the
    statistics from `date`) and the serious-violation list applies; date and reason are required."""
    return _end(org=org, actor=actor, status=OrgStatus.CERTIFICATE_REVOKED, date=date, reason=reason,
                action="registry.org.revoke_certificate")


@transaction.atomic
def org_suspend(*, org: SocialOrganization, actor, date: datetime.date, reason: str) -> SocialOrganization:
    """Activities suspended for a set period (限期停止活动), a penalty: the organization stays registered (in the
    statistics and the rules); date and reason are required; org_resume ends the suspension."""
    _require_changeable(actor, org)
    return _change_status(org, actor, (OrgStatus.ACTIVE,), OrgStatus.SUSPENDED, date, reason, "registry.org.suspend",
                          _not_in(OrgStatus.ACTIVE))


@transaction.atomic
def org_resume(*, org: SocialOrganization, actor, date: datetime.date, reason: str) -> SocialOrganization:
    """The suspension is over (期满或提前恢复): back to normal status as of `date`."""
    _require_changeable(actor, org)
    return _change_status(org, actor, (OrgStatus.SUSPENDED,), OrgStatus.ACTIVE, date, reason, "registry.org.resume",
                          _not_in(OrgStatus.SUSPENDED))


@transaction.atomic
def org_resume_after_suspension(*, org: SocialOrganization, date: datetime.date, reason: str,
                                actor=SYSTEM) -> SocialOrganization:
    """A 限期停止活动 period recorded with its end date (credit penalties) is over: back to normal as of `date`.
    Called by the daily credit job (no region grant to check); a no-op unless the organization is suspended."""
    org = _lock(org)
    if org.status != OrgStatus.SUSPENDED:
        return org
    before = _audit_picture(org)
    org.status, org.status_changed_on, org.status_reason = OrgStatus.ACTIVE, date, reason[:500]
    org.save(update_fields=["status", "status_changed_on", "status_reason", "updated_at"])
    _refresh_derived(org)
    old, new = _diff(before, _audit_picture(org))
    audit_write(action="registry.org.resume", obj=org, actor=actor, before=old, after=new)
    return org


def _not_in(expected: str):
    return lambda org: _("%(org)s is %(status)s; this change applies to an organization that is %(expected)s.") % {
        "org": org.name, "status": org.get_status_display(), "expected": OrgStatus(expected).label}


def deletion_obstacles(org: SocialOrganization) -> list[str]:
    """Why an organization may not be deleted ([] = it may): deletion is for records entered by mistake; anything
    with history is deregistered or revoked instead, so statistics and audits stay traceable."""
    from socorg.party.choices import PartyOrgStatus
    from socorg.party.models import InstructorAssignment, PartyCoverage, PartyMember, active_on

    obstacles = []
    active = PartyCoverage.objects.filter(active_on(), organization=org, party_org__status=PartyOrgStatus.ACTIVE)
    names = list(active.values_list("party_org__name", flat=True)[:3])
    if names:
        obstacles.append(_("It is covered by the active party organization(s) %(names)s: end the coverage or "
                           "dissolve the party organization first.") % {"names": "、".join(names)})
    elif PartyCoverage.objects.filter(organization=org).exists():
        obstacles.append(_("It has a history of party-organization coverage."))
    if InstructorAssignment.objects.filter(organization=org).exists():
        obstacles.append(_("Instructors or liaisons have been assigned to it."))
    if PartyMember.objects.filter(employer=org).exists():
        obstacles.append(_("Party member records name it as employer."))
    if org.status not in REGISTERED_STATUSES:
        obstacles.append(_("It has been %(status)s; the record is kept.") % {"status": org.get_status_display()})
    return obstacles


@transaction.atomic
def org_delete(*, org: SocialOrganization, actor) -> None:
    """Delete a record entered by mistake; refused (ValidationError) when it has history worth keeping."""
    _require_changeable(actor, org)
    org = _lock(org)
    obstacles = deletion_obstacles(org)
    if obstacles:
        raise ValidationError(
            _("%(org)s cannot be deleted: %(reasons)s Deregister or revoke it instead.")
            % {"org": org.name, "reasons": " ".join(obstacles)}, code="has_history")
    audit_write(action="registry.org.delete", obj=org, actor=actor, before=_audit_picture(org))
    try:
        with transaction.atomic():
            org.delete()
    except ProtectedError as error:  # records of apps added later (reports, activities …) also keep it
        raise ValidationError(_("%(org)s cannot be deleted: other records refer to it. Deregister or revoke it "
                                "instead.") % {"org": org.name}, code="protected") from error
