"""Party-building instructors and committee liaisons, and their assignments to social organizations.

An on-duty instructor's current assignment makes an organization work-covered, so every assignment change and every
status change refreshes the coverage flags of the organizations concerned in the same transaction. The ledger keys
an instructor by name + phone, hence the phone's blind index and the uniqueness of (name, phone)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.audit import audit_changes, audit_write, snapshot
from socorg.core.crypto import blind_index
from socorg.core.errors import FieldErrors, refuse_unknown_changes
from socorg.core.scope import ensure_in_scope
from socorg.core.text import pinyin_full, pinyin_initials
from socorg.coverage.state import refresh_coverage_flags
from socorg.registry import rules as registry_rules
from socorg.registry.models import SocialOrganization

from ..choices import InstructorKind, InstructorStatus
from ..models import Instructor, InstructorAssignment, active_on
from ._common import (
    check_not_future,
    check_order,
    check_org_open,
    require_region,
    resolve_region,
    visible_organization_ids,
)

AUDITED_FIELDS = ["kind", "name", "unit_and_post", "region", "appointed_on", "status", "left_on"]
UPDATABLE_FIELDS = {"kind", "name", "unit_and_post", "phone", "region", "appointed_on"}


def phone_key(phone: str) -> str:
    # Only digits identify a phone number: "0871-1234 5678" and "087112345678" are the same line.
    digits = "".join(ch for ch in phone if ch.isdigit())
    return blind_index(digits) if digits else ""


def _validate(errors: FieldErrors, instructor: Instructor, raw_phone: str | None) -> None:
    instructor.name = errors.check("name", registry_rules.text, instructor.name, label=_("full name"), max_length=64,
                                   fallback="")
    if not instructor.name and "name" not in errors:
        errors.add("name", _("Enter the name of the instructor or liaison."))
    instructor.unit_and_post = errors.check("unit_and_post", registry_rules.text, instructor.unit_and_post,
                                            label=_("unit and post"), max_length=200, fallback="")
    if instructor.kind not in InstructorKind.values:
        errors.add("kind", _("Unknown kind “%(value)s”: expected instructor or liaison.") % {"value": instructor.kind})
    if raw_phone is not None:
        instructor.phone = errors.check("phone", registry_rules.phone, raw_phone, fallback="")
        instructor.phone_index = phone_key(instructor.phone)
    check_not_future(errors, "appointed_on", instructor.appointed_on)
    if instructor.name and instructor.phone_index:
        clash = Instructor.objects.filter(name=instructor.name, phone_index=instructor.phone_index)
        if instructor.pk:
            clash = clash.exclude(pk=instructor.pk)
        if clash.exists():
            errors.add("phone", _("An instructor named %(name)s with this phone number is already registered; the "
                                  "ledger identifies instructors by name and phone.") % {"name": instructor.name})


@transaction.atomic
def instructor_create(*, name: str, region, actor, kind: str = InstructorKind.INSTRUCTOR, unit_and_post: str = "",
                      phone: str = "", appointed_on: datetime.date | None = None) -> Instructor:
    region = resolve_region(region)
    errors = FieldErrors()
    if region is None:
        errors.add("region", _("Enter the region that sends the instructor (a 6-digit code)."))
    instructor = Instructor(kind=kind, name=name, unit_and_post=unit_and_post, region=region,
                            appointed_on=appointed_on)
    _validate(errors, instructor, phone)
    errors.raise_if_any()
    require_region(actor, "party.change", region.code)
    instructor.name_pinyin, instructor.name_initials = pinyin_full(instructor.name), pinyin_initials(instructor.name)
    instructor.save()
    audit_write(action="party.instructor.create", obj=instructor, actor=actor,
                after={**snapshot(instructor, AUDITED_FIELDS), "phone_set": bool(instructor.phone)})
    ensure_in_scope(actor, instructor)
    return instructor


def _lock(instructor: Instructor) -> Instructor:
    return Instructor.objects.select_for_update().get(pk=instructor.pk)


@transaction.atomic
def instructor_update(*, instructor: Instructor, actor, **changes) -> Instructor:
    refuse_unknown_changes("instructor_update", changes, UPDATABLE_FIELDS)
    require_region(actor, "party.change", instructor.region_id)
    locked = _lock(instructor)
    before = snapshot(locked, AUDITED_FIELDS)
    raw_phone = changes.pop("phone", None)
    if "region" in changes:
        changes["region"] = resolve_region(changes["region"]) or locked.region
    for field, value in changes.items():
        setattr(locked, field, value)
    errors = FieldErrors()
    _validate(errors, locked, raw_phone)
    errors.raise_if_any()
    require_region(actor, "party.change", locked.region_id)
    locked.name_pinyin, locked.name_initials = pinyin_full(locked.name), pinyin_initials(locked.name)
    locked.save()
    after, also = snapshot(locked, AUDITED_FIELDS), ()
    if raw_phone is not None and raw_phone.strip() != (instructor.phone or ""):
        before["phone_set"], after["phone_set"] = bool(instructor.phone), bool(locked.phone)
        also = ("phone_set",)
    audit_changes(action="party.instructor.update", obj=locked, actor=actor, before=before, after=after, also=also)
    ensure_in_scope(actor, locked)
    return locked


@transaction.atomic
def instructor_leave(*, instructor: Instructor, left_on: datetime.date | None = None, actor) -> Instructor:
    """The instructor leaves the post: status 离任 and every open assignment ends that day."""
    require_region(actor, "party.change", instructor.region_id)
    locked = _lock(instructor)
    left_on = left_on or timezone.localdate()
    errors = FieldErrors()
    if locked.status == InstructorStatus.LEFT:
        errors.add("left_on", _("This instructor already left the post on %(date)s.") % {"date": locked.left_on})
    check_not_future(errors, "left_on", left_on)
    check_order(errors, "left_on", left_on, locked.appointed_on, _("the appointment date"))
    errors.raise_if_any()
    open_assignments = list(locked.assignments.filter(end_on__isnull=True).select_for_update())
    for assignment in open_assignments:
        assignment.end_on = max(left_on, assignment.start_on)
    InstructorAssignment.objects.bulk_update(open_assignments, ["end_on"])
    locked.status, locked.left_on = InstructorStatus.LEFT, left_on
    locked.save(update_fields=["status", "left_on", "updated_at"])
    audit_write(action="party.instructor.leave", obj=locked, actor=actor,
                before={"status": InstructorStatus.ON_DUTY, "left_on": None},
                after={"status": locked.status, "left_on": left_on,
                       "ended_assignments": [a.organization_id for a in open_assignments]})
    refresh_coverage_flags([a.organization_id for a in open_assignments])
    return locked


@transaction.atomic
def assignment_add(*, instructor: Instructor, organization: SocialOrganization,
                   start_on: datetime.date | None = None, actor) -> InstructorAssignment:
    require_region(actor, "party.change", instructor.region_id)
    locked = _lock(instructor)
    start_on = start_on or timezone.localdate()
    errors = FieldErrors()
    if locked.status != InstructorStatus.ON_DUTY:
        errors.add("organization", _("%(name)s has left the post and cannot be assigned.") % {"name": locked.name})
    if organization.pk not in visible_organization_ids(actor, [organization]):
        errors.add("organization", _("No social organization with the code %(uscc)s exists in your regions.")
                   % {"uscc": organization.uscc})
    else:
        check_org_open(errors, "organization", organization)
    check_not_future(errors, "start_on", start_on)
    check_order(errors, "start_on", start_on, locked.appointed_on, _("the appointment date"))
    overlapping = locked.assignments.filter(organization=organization).exclude(end_on__lte=start_on).first()
    if overlapping:
        errors.add("organization", _("%(person)s is already assigned to %(org)s from %(date)s.")
                   % {"person": locked.name, "org": organization.name, "date": overlapping.start_on})
    errors.raise_if_any()
    assignment = InstructorAssignment.objects.create(instructor=locked, organization=organization, start_on=start_on)
    audit_write(action="party.assignment.add", obj=assignment, actor=actor,
                after={"instructor": locked.pk, "organization": organization.uscc, "start_on": start_on})
    refresh_coverage_flags([organization.pk])
    return assignment


@transaction.atomic
def assignment_end(*, assignment: InstructorAssignment, end_on: datetime.date | None = None,
                   actor) -> InstructorAssignment:
    require_region(actor, "party.change", assignment.instructor.region_id)
    locked = InstructorAssignment.objects.select_for_update().get(pk=assignment.pk)
    end_on = end_on or timezone.localdate()
    errors = FieldErrors()
    if locked.end_on is not None:
        errors.add("end_on", _("This assignment already ended on %(date)s.") % {"date": locked.end_on})
    check_not_future(errors, "end_on", end_on)
    check_order(errors, "end_on", end_on, locked.start_on, _("the start of the assignment"))
    errors.raise_if_any()
    locked.end_on = end_on
    locked.save(update_fields=["end_on"])
    audit_write(action="party.assignment.end", obj=locked, actor=actor, before={"end_on": None},
                after={"instructor": locked.instructor_id, "organization_id": locked.organization_id,
                       "end_on": end_on})
    refresh_coverage_flags([locked.organization_id])
    return locked


def current_assignments(instructor: Instructor):
    return instructor.assignments.filter(active_on())


def find_by_phone(queryset, phone: str):
    key = phone_key(phone or "")
    return queryset.filter(phone_index=key) if key else queryset.none()
