"""Writes to organizational-life records: validate → lock → change → audit → side effects on commit.

Who may write: anyone holding activities.change over the party organization's region — the branch's own account
(org_account), an instructor, or bureau / party staff. Rules checked here (the ledger import and the API reuse them):
- the date is not in the future, not before the party organization was founded, and not after it was dissolved;
- attendance counts are whole numbers ≥ 0 and the actual attendance does not exceed the expected one;
- one party organization does not record the same type, date and topic twice (the ledger's key).

Attendance per member and dues per member per month (the 党章第九条 check) reveal party membership: recording
attendance needs activities.change and members.view (to pick the members) over the region, dues need members.change;
audit entries name members by id only.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.audit import audit_write, snapshot
from socorg.core.concurrency import unique_race
from socorg.core.errors import FieldErrors, refuse_unknown_changes
from socorg.core.scope import can, ensure_in_scope
from socorg.party.choices import PartyOrgStatus
from socorg.party.models import PartyMember, PartyOrganization

from .attachments import content_type_for, validate_upload
from .choices import ActivityType, AttachmentKind
from .models import Activity, Attachment, Attendance, DuesPayment

AUDITED_FIELDS = ["party_org", "type", "date", "topic", "expected_attendance", "actual_attendance", "notes"]
UPDATABLE_FIELDS = set(AUDITED_FIELDS)


def require_activity_scope(actor, party_org: PartyOrganization) -> None:
    """Writes for a party organization outside the actor's activities.change scope are refused (403)."""
    if not can(actor, "activities.change", party_org.region_id, organizations=party_org.organization_ids()):
        raise PermissionDenied(_("You may not record organizational life for %(org)s: it lies outside your "
                                 "scope.") % {"org": party_org.name})


def resolve_party_org(value, actor) -> PartyOrganization:
    """A party organization (instance, id or exact name) the actor may record activities for."""
    if isinstance(value, PartyOrganization):
        party_org = value
    else:
        text = str(value or "").strip()
        if not text:
            raise ValidationError({"party_org": _("Choose the party organization that held the activity.")})
        lookup = {"pk": int(text)} if text.isdigit() else {"name": text}
        party_org = PartyOrganization.objects.filter(**lookup).first()
        if party_org is None or not can(actor, "activities.view", party_org.region_id,
                                        organizations=party_org.organization_ids()):
            raise ValidationError({"party_org": _("No party organization “%(value)s” exists in your regions.")
                                   % {"value": text}})
    require_activity_scope(actor, party_org)
    return party_org


def validate_activity(values: dict, instance: Activity | None = None) -> None:
    """Every problem of one record at once, as field errors (shared with the ledger handler)."""
    errors = FieldErrors()
    add = errors.add
    party_org: PartyOrganization = values["party_org"]
    day = values.get("date")
    if values.get("type") not in ActivityType.values:
        add("type", _("Unknown activity type “%(value)s”; expected one of: %(choices)s.")
            % {"value": values.get("type"), "choices": "、".join(str(label) for label in ActivityType.labels)})
    if not isinstance(day, datetime.date):
        add("date", _("Enter the date of the activity (YYYY-MM-DD)."))
    else:
        _check_date(add, party_org, day)
    _check_attendance(add, values.get("expected_attendance"), values.get("actual_attendance"))
    if len(values.get("topic") or "") > 200:
        add("topic", _("The topic is %(length)d characters long; at most 200 are allowed.")
            % {"length": len(values["topic"])})
    if not errors and _is_duplicate(values, instance):
        add("topic", _duplicate_message(values))
    errors.raise_if_any()


def _check_date(add, party_org: PartyOrganization, day: datetime.date) -> None:
    today = timezone.localdate()
    if day > today:
        add("date", _("The date %(date)s lies in the future; record activities that have taken place (up to "
                      "%(today)s).") % {"date": day, "today": today})
    if party_org.founded_on and day < party_org.founded_on:
        add("date", _("The date %(date)s is before %(org)s was founded (%(founded)s); expected a date on or after "
                      "it.") % {"date": day, "org": party_org.name, "founded": party_org.founded_on})
    dissolved_on = party_org.status_changed_on if party_org.status == PartyOrgStatus.DISSOLVED else None
    if party_org.status == PartyOrgStatus.DISSOLVED and (dissolved_on is None or day > dissolved_on):
        add("date", _("%(org)s was dissolved (%(dissolved)s); activities can only be recorded up to that date.")
            % {"org": party_org.name, "dissolved": dissolved_on or _("date unknown")})


def _check_attendance(add, expected, actual) -> None:
    for field, value in (("expected_attendance", expected), ("actual_attendance", actual)):
        if value is not None and (not isinstance(value, int) or value < 0):
            add(field, _("Enter a whole number of people, 0 or more."))
            return
    if expected is not None and actual is not None and actual > expected:
        add("actual_attendance", _("The actual attendance (%(actual)d) exceeds the expected attendance "
                                   "(%(expected)d); expected at most %(expected)d.")
            % {"actual": actual, "expected": expected})


def _duplicate_message(values: dict) -> str:
    return (_("%(org)s already has a %(type)s on %(date)s with this topic; edit that record instead.")
            % {"org": values["party_org"].name, "type": ActivityType(values["type"]).label, "date": values["date"]})


def _duplicate_refusal(values: dict, instance: Activity | None):
    """For unique_race: the duplicate message when a parallel request stored the same record first."""
    return lambda: ValidationError({"topic": [_duplicate_message(values)]}) if _is_duplicate(values, instance) else None


def _is_duplicate(values: dict, instance: Activity | None) -> bool:
    same = Activity.objects.filter(party_org=values["party_org"], type=values["type"], date=values["date"],
                                   topic=values.get("topic") or "")
    if instance is not None:
        same = same.exclude(pk=instance.pk)
    return same.exists()


def activity_create(*, party_org, type: str, date: datetime.date, topic: str = "",
                    expected_attendance: int | None = None, actual_attendance: int | None = None, notes: str = "",
                    actor) -> Activity:
    party_org = resolve_party_org(party_org, actor)
    values = {"party_org": party_org, "type": type, "date": date, "topic": (topic or "").strip(),
              "expected_attendance": expected_attendance, "actual_attendance": actual_attendance,
              "notes": (notes or "").strip()}
    validate_activity(values)
    with transaction.atomic():
        with unique_race(_duplicate_refusal(values, None)):
            activity = Activity.objects.create(created_by=actor if getattr(actor, "pk", None) else None, **values)
        audit_write(action="activity.create", obj=activity, actor=actor, after=snapshot(activity, AUDITED_FIELDS))
        ensure_in_scope(actor, activity)
    return activity


def activity_update(*, activity: Activity, actor, **changes) -> Activity:
    refuse_unknown_changes("activity_update", changes, UPDATABLE_FIELDS)
    require_activity_scope(actor, activity.party_org)
    if "party_org" in changes:
        changes["party_org"] = resolve_party_org(changes["party_org"], actor)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().select_related("party_org").get(pk=activity.pk)
        before = snapshot(locked, AUDITED_FIELDS)
        values = {name: getattr(locked, name) for name in AUDITED_FIELDS} | changes
        values["topic"] = (values.get("topic") or "").strip()
        validate_activity(values, instance=locked)
        for name, value in values.items():
            setattr(locked, name, value)
        with unique_race(_duplicate_refusal(values, locked)):
            locked.save()
        after = snapshot(locked, AUDITED_FIELDS)
        if after != before:
            audit_write(action="activity.update", obj=locked, actor=actor, before=before, after=after)
        ensure_in_scope(actor, locked)
    return locked


def activity_delete(*, activity: Activity, actor) -> None:
    require_activity_scope(actor, activity.party_org)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        files = [a.file.name for a in locked.attachments.all()]
        audit_write(action="activity.delete", obj=locked, actor=actor, before=snapshot(locked, AUDITED_FIELDS))
        locked.delete()
        transaction.on_commit(lambda: _delete_files(Attachment.file.field.storage, files))


def attachment_add(*, activity: Activity, file, kind: str = AttachmentKind.MINUTES, actor) -> Attachment:
    require_activity_scope(actor, activity.party_org)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Unknown attachment kind “%(value)s”; expected one of: %(choices)s.")
                               % {"value": kind, "choices": "、".join(str(c) for c in AttachmentKind.labels)}})
    extension = validate_upload(file)
    with transaction.atomic():
        Activity.objects.select_for_update().filter(pk=activity.pk).exists()  # serialize with edits/deletion
        attachment = Attachment(activity=activity, kind=kind, original_name=file.name[-255:], size=file.size,
                                content_type=content_type_for(extension),
                                uploaded_by=actor if getattr(actor, "pk", None) else None)
        attachment.file.save(file.name, file, save=False)
        stored = attachment.file.name
        try:  # a failed write must not leave an orphan file behind
            attachment.save()
            audit_write(action="activity.attachment_add", obj=activity, actor=actor,
                        after={"attachment": attachment.pk, "name": attachment.original_name, "size": file.size})
            ensure_in_scope(actor, attachment)
        except Exception:
            _delete_files(Attachment.file.field.storage, [stored])
            raise
    return attachment


def attachment_remove(*, attachment: Attachment, actor) -> None:
    activity = attachment.activity
    require_activity_scope(actor, activity.party_org)
    with transaction.atomic():
        name = attachment.file.name
        audit_write(action="activity.attachment_remove", obj=activity, actor=actor,
                    before={"attachment": attachment.pk, "name": attachment.original_name})
        attachment.delete()
        transaction.on_commit(lambda: _delete_files(Attachment.file.field.storage, [name]))


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        if name:
            storage.delete(name)


# --- attendance per member ------------------------------------------------------------------------------------

def members_on(party_org: PartyOrganization, day: datetime.date):
    """Members of `party_org` on `day`: joined by then (or joining date unknown) and not yet left."""
    return (PartyMember.objects.filter(party_org=party_org)
            .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=day))
            .filter((Q(is_active=True) & Q(left_on__isnull=True)) | Q(left_on__gt=day)))


def attendance_set(*, activity: Activity, members, actor) -> list[int]:
    """Record who attended: `members` (instances or ids) becomes the activity's attendee list, and its actual
    attendance the number of attendees. Returns the attendees' ids."""
    party_org = activity.party_org
    require_activity_scope(actor, party_org)
    if not can(actor, "members.view", party_org.region_id):
        raise PermissionDenied(_("Recording who attended needs access to the members of %(org)s.")
                               % {"org": party_org.name})
    ids = sorted({m.pk if isinstance(m, PartyMember) else int(m) for m in members})
    with transaction.atomic():
        locked = Activity.objects.select_for_update().select_related("party_org").get(pk=activity.pk)
        eligible = set(members_on(locked.party_org, locked.date).filter(pk__in=ids).values_list("pk", flat=True))
        strangers = [pk for pk in ids if pk not in eligible]
        if strangers:
            names = PartyMember.objects.filter(pk__in=strangers).values_list("name", flat=True)
            raise ValidationError({"members": _("Not members of %(org)s on %(date)s: %(names)s; choose among the "
                                                "members of the branch on the day of the activity.")
                                   % {"names": "、".join(names) or "、".join(map(str, strangers)),
                                      "org": locked.party_org.name, "date": locked.date}})
        if locked.expected_attendance is not None and len(ids) > locked.expected_attendance:
            raise ValidationError({"members": _("%(count)d attendees exceed the expected attendance (%(expected)d); "
                                                "correct the expected attendance first.")
                                   % {"count": len(ids), "expected": locked.expected_attendance}})
        before = sorted(locked.attendances.values_list("member_id", flat=True))
        if before == ids:
            return ids
        locked.attendances.exclude(member_id__in=ids).delete()
        Attendance.objects.bulk_create([Attendance(activity=locked, member_id=pk) for pk in ids
                                        if pk not in set(before)])
        locked.actual_attendance = len(ids)
        locked.save(update_fields=["actual_attendance", "updated_at"])
        audit_write(action="activity.attendance", obj=locked, actor=actor, before={"members": before},
                    after={"members": ids, "actual_attendance": len(ids)})
    return ids


# --- party dues per member per month --------------------------------------------------------------------------

def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def validate_dues(member: PartyMember, month: datetime.date, amount, paid_on: datetime.date | None) -> None:
    """Every problem of one dues record at once (shared with the ledger's 「党费缴纳」 sheet)."""
    errors = FieldErrors()
    today = timezone.localdate()
    if month > month_start(today):
        errors.add("month", _("The month %(month)s lies in the future; record dues up to the current month "
                              "(%(current)s).") % {"month": f"{month:%Y-%m}", "current": f"{today:%Y-%m}"})
    if member.joined_on and month < month_start(member.joined_on):
        errors.add("month", _("The month %(month)s is before the member joined the party (%(joined)s); expected "
                              "%(first)s or later.")
                   % {"month": f"{month:%Y-%m}", "joined": member.joined_on, "first": f"{member.joined_on:%Y-%m}"})
    if amount is not None and amount < 0:
        errors.add("amount", _("The amount is negative; enter 0 or more yuan."))
    if paid_on is not None and paid_on > today:
        errors.add("paid_on", _("The payment date %(date)s lies in the future; expected today (%(today)s) or "
                                "earlier.") % {"date": paid_on, "today": today})
    errors.raise_if_any()


def dues_record(*, member: PartyMember, month: datetime.date, amount=None, paid_on: datetime.date | None = None,
                actor) -> DuesPayment:
    """Record (or correct) a member's dues for a month; `month` may be any day of it."""
    if not can(actor, "members.change", member.party_org.region_id):
        raise PermissionDenied(_("You may not record party dues for members of %(org)s: it lies outside your "
                                 "scope.") % {"org": member.party_org.name})
    month = month_start(month)
    validate_dues(member, month, amount, paid_on)
    with transaction.atomic():
        payment, created = DuesPayment.objects.select_for_update().get_or_create(
            member=member, month=month, defaults={"amount": amount, "paid_on": paid_on})
        before = None if created else {"amount": str(payment.amount), "paid_on": payment.paid_on}
        if not created and (payment.amount, payment.paid_on) != (amount, paid_on):
            payment.amount, payment.paid_on = amount, paid_on
            payment.save()
        after = {"amount": str(payment.amount), "paid_on": payment.paid_on}
        if before != after:
            audit_write(action="party.member.dues", obj=member, actor=actor, before=before,
                        after={"month": f"{month:%Y-%m}", **after})
        ensure_in_scope(actor, payment)
    return payment
