"""Party members: ID number validated, encrypted at rest and de-duplicated by its blind index; phone encrypted;
revealing the plaintext needs members.reveal and is audited. Every change refreshes the employers' effective member
counts (records override declared counts)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.audit import audit_changes, audit_write, snapshot
from socorg.core.crypto import blind_index
from socorg.core.errors import FieldErrors, refuse_unknown_changes
from socorg.core.scope import ensure_in_scope, require
from socorg.coverage.state import refresh_member_counts
from socorg.registry import rules as registry_rules
from socorg.registry.models import SocialOrganization

from ..choices import Gender, Membership, PartyOrgStatus
from ..models import PartyMember, PartyOrganization, add_years
from ..rules import birth_date_of, gender_of, validate_id_number
from ._common import check_not_future, check_order, require_region, visible_organization_ids

# Sensitive values never enter the audit log: only whether they changed.
AUDITED_FIELDS = ["name", "gender", "birth_date", "membership", "joined_on", "probation_ends_on", "party_org",
                  "employer", "is_full_time_staff", "is_active", "left_on"]
UPDATABLE_FIELDS = {"name", "gender", "birth_date", "id_number", "phone", "membership", "joined_on",
                    "probation_ends_on", "party_org", "employer", "is_full_time_staff"}
MIN_JOINING_AGE = 18


def _check_party_org(errors: FieldErrors, party_org: PartyOrganization | None, actor) -> None:
    if party_org is None:
        errors.add("party_org", _("Choose the party organization the member belongs to."))
        return
    if not PartyOrganization.objects.visible_to(actor, "view").filter(pk=party_org.pk).exists():
        errors.add("party_org", _("The party organization is not among those you may see."))
    elif party_org.status != PartyOrgStatus.ACTIVE:
        errors.add("party_org", _("“%(name)s” is dissolved; members can only join an active party organization.")
                   % {"name": party_org.name})


def _check_employer(errors: FieldErrors, employer: SocialOrganization | None, actor) -> None:
    if employer is not None and employer.pk not in visible_organization_ids(actor, [employer]):
        errors.add("employer", _("No social organization with the code %(uscc)s exists in your regions.")
                   % {"uscc": employer.uscc})


def _duplicate_message(existing: PartyMember, actor) -> str:
    # Name the other party organization only to someone allowed to see it: a duplicate must not leak data.
    if PartyOrganization.objects.visible_to(actor, "view").filter(pk=existing.party_org_id).exists():
        return _("This ID number is already registered for a member of “%(org)s”; edit that record instead of "
                 "adding a new one.") % {"org": existing.party_org.name}
    # Outside the actor's regions: no "exists elsewhere" oracle; the answer does not say where, or that, the
    # number is registered (the same words as for any number that cannot be taken here).
    return _("This ID number cannot be registered here. If the member transferred from elsewhere, ask the "
             "higher-level party committee to transfer the record.")


def _check_identity(errors: FieldErrors, member: PartyMember, raw_id: str | None, actor) -> None:
    """Validate the ID number (when given), fill birth date and gender from it, and refuse duplicates."""
    if raw_id is None:
        return
    if not raw_id.strip():
        member.id_number, member.id_number_index = "", ""
        return
    try:
        number = validate_id_number(raw_id)
    except ValidationError as error:
        errors.add("id_number", error.messages[0])
        return
    member.id_number, member.id_number_index = number, blind_index(number)
    born, sex = birth_date_of(number), gender_of(number)
    if member.birth_date and member.birth_date != born:
        errors.add("birth_date", _("The birth date %(date)s does not match the ID number (%(id_date)s).")
                   % {"date": member.birth_date, "id_date": born})
    if member.gender and member.gender != sex:
        errors.add("gender", _("The gender does not match the ID number (its 17th digit says %(gender)s).")
                   % {"gender": Gender(sex).label})
    member.birth_date, member.gender = member.birth_date or born, member.gender or sex
    existing = (PartyMember.objects.filter(id_number_index=member.id_number_index).exclude(pk=member.pk)
                .select_related("party_org").first())
    if existing:
        errors.add("id_number", _duplicate_message(existing, actor))


def _check_membership(errors: FieldErrors, member: PartyMember) -> None:
    if member.membership not in Membership.values:
        errors.add("membership", _("Unknown membership “%(value)s”: expected full or probationary.")
                   % {"value": member.membership})
        return
    check_not_future(errors, "joined_on", member.joined_on)
    check_not_future(errors, "birth_date", member.birth_date)
    if member.joined_on and member.birth_date and member.joined_on < add_years(member.birth_date, MIN_JOINING_AGE):
        errors.add("joined_on", _("The member would have joined before the age of 18 (born %(date)s); check the "
                                  "dates.") % {"date": member.birth_date})
    if member.membership == Membership.PROBATIONARY:
        if not member.joined_on:
            errors.add("joined_on", _("Enter the date a probationary member joined: the probation is counted "
                                      "from it."))
            return
        member.probation_ends_on = member.probation_ends_on or add_years(member.joined_on, 1)
        # Probation lasts one year and may be extended once, by at most another year.
        earliest, latest = add_years(member.joined_on, 1), add_years(member.joined_on, 2)
        if not earliest <= member.probation_ends_on <= latest:
            errors.add("probation_ends_on", _("Probation lasts one year and may be extended once by up to a year: "
                                              "expected a date from %(earliest)s to %(latest)s.")
                       % {"earliest": earliest, "latest": latest})
    else:
        check_order(errors, "probation_ends_on", member.probation_ends_on, member.joined_on, _("the joining date"))


def _validate(member: PartyMember, raw_id: str | None, raw_phone: str | None, actor, *,
              check_party_org: bool) -> None:
    errors = FieldErrors()
    member.name = errors.check("name", registry_rules.text, member.name, label=_("full name"), max_length=64,
                               fallback="")
    if not member.name and "name" not in errors:
        errors.add("name", _("Enter the member's name."))
    if member.gender and member.gender not in Gender.values:
        errors.add("gender", _("Unknown gender “%(value)s”: expected male or female.") % {"value": member.gender})
    if check_party_org:
        _check_party_org(errors, member.party_org if member.party_org_id else None, actor)
    _check_employer(errors, member.employer, actor)
    if raw_phone is not None:
        member.phone = errors.check("phone", registry_rules.phone, raw_phone, fallback="")
    _check_identity(errors, member, raw_id, actor)
    _check_membership(errors, member)
    errors.raise_if_any()


def _save(member: PartyMember) -> None:
    # The unique blind index is the final word when two clerks add the same person at the same moment.
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ValidationError({"id_number": _("This ID number is already registered for another member.")}) from None


def _audit_after(member: PartyMember) -> dict:
    return {**snapshot(member, AUDITED_FIELDS), "id_number_set": bool(member.id_number),
            "phone_set": bool(member.phone)}


@transaction.atomic
def member_add(*, name: str, party_org: PartyOrganization, actor, gender: str = "",
               birth_date: datetime.date | None = None, id_number: str = "", phone: str = "",
               membership: str = Membership.FULL, joined_on: datetime.date | None = None,
               probation_ends_on: datetime.date | None = None,
               employer: SocialOrganization | None = None, is_full_time_staff: bool = False) -> PartyMember:
    if party_org is not None:
        require_region(actor, "members.change", party_org.region_id)
    member = PartyMember(name=name, gender=gender or "", birth_date=birth_date, membership=membership,
                         joined_on=joined_on, probation_ends_on=probation_ends_on, party_org=party_org,
                         employer=employer, is_full_time_staff=is_full_time_staff)
    _validate(member, id_number, phone, actor, check_party_org=True)
    _save(member)
    audit_write(action="party.member.add", obj=member, actor=actor, after=_audit_after(member))
    refresh_member_counts([member.employer_id] if member.employer_id else [])
    ensure_in_scope(actor, member)
    return member


@transaction.atomic
def member_update(*, member: PartyMember, actor, **changes) -> PartyMember:
    refuse_unknown_changes("member_update", changes, UPDATABLE_FIELDS)
    require_region(actor, "members.change", member.party_org.region_id)
    locked = (PartyMember.objects.select_for_update(of=("self",)).select_related("party_org", "employer")
              .get(pk=member.pk))
    before, old_employer = _audit_after(locked), locked.employer_id
    raw_id, raw_phone = changes.pop("id_number", None), changes.pop("phone", None)
    if raw_id is not None and raw_id.strip() == locked.id_number:
        raw_id = None  # unchanged: skip re-validation and the duplicate check against itself
    for field, value in changes.items():
        setattr(locked, field, value)
    moved = "party_org" in changes and changes["party_org"] != member.party_org
    _validate(locked, raw_id, raw_phone, actor, check_party_org=moved)
    if moved:
        require_region(actor, "members.change", locked.party_org.region_id)
    _save(locked)
    also = {"id_number_set"} if raw_id is not None else set()
    if raw_phone is not None and raw_phone.strip() != (member.phone or ""):
        also.add("phone_set")
    audit_changes(action="party.member.update", obj=locked, actor=actor, before=before, after=_audit_after(locked),
                  also=also)
    refresh_member_counts([pk for pk in (old_employer, locked.employer_id) if pk])
    ensure_in_scope(actor, locked)
    return locked


@transaction.atomic
def member_leave(*, member: PartyMember, left_on: datetime.date | None = None, actor) -> PartyMember:
    """The member leaves the organization's records (transfer out, death, leaving the party): kept, inactive."""
    require_region(actor, "members.change", member.party_org.region_id)
    locked = PartyMember.objects.select_for_update().get(pk=member.pk)
    left_on = left_on or timezone.localdate()
    errors = FieldErrors()
    if not locked.is_active:
        errors.add("left_on", _("This member already left on %(date)s.") % {"date": locked.left_on})
    check_not_future(errors, "left_on", left_on)
    check_order(errors, "left_on", left_on, locked.joined_on, _("the joining date"))
    errors.raise_if_any()
    locked.is_active, locked.left_on = False, left_on
    locked.save(update_fields=["is_active", "left_on", "updated_at"])
    audit_write(action="party.member.leave", obj=locked, actor=actor, before={"is_active": True, "left_on": None},
                after={"is_active": False, "left_on": left_on})
    refresh_member_counts([locked.employer_id] if locked.employer_id else [])
    return locked


@transaction.atomic
def member_reveal(*, member: PartyMember, actor) -> dict[str, str]:
    """The plaintext ID number and phone, with the full birth date (lists show only its year beside the masked ID
    number), for a user holding members.reveal over the member's region; the read is written to the audit log
    (which fields, never the values)."""
    require(actor, "members.reveal", member.party_org.region_id)
    audit_write(action="party.member.reveal", obj=member, actor=actor,
                after={"fields": ["id_number", "phone", "birth_date"]})
    return {"id_number": member.id_number, "phone": member.phone,
            "birth_date": member.birth_date.isoformat() if member.birth_date else None}


def member_reveal_id(*, member: PartyMember, actor) -> str:
    return member_reveal(member=member, actor=actor)["id_number"]


def find_by_id_number(queryset, id_number: str):
    """Exact look-up through the blind index (the ciphertext itself is not searchable)."""
    return queryset.filter(id_number_index=blind_index(id_number)) if id_number.strip() else queryset.none()
