"""Every write of notices: check scope → lock → validate (all problems at once) → change → audit.

Staff holding notices.send over the audience's region write, publish and withdraw notices; a recipient reads and
responds to their own receipt; the reminder job (Celery beat or `socorg remind-notices`) reminds unread recipients."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.activities.attachments import validate_upload
from socorg.core.audit import SYSTEM, audit_write, snapshot
from socorg.core.scope import can
from socorg.core.text import CONTROL_CHARACTERS
from socorg.party.models import ResponsibleBody
from socorg.registry.choices import Category, OrgType
from socorg.registry.models import SocialOrganization

from . import rules
from .choices import NoticeStatus, ResponseKind
from .models import Notice, NoticeAttachment, NoticeReceipt
from .queries import AUDIENCE_ROLES, audience

AUDITED = ("title", "body", "region", "roles", "org_types", "categories", "pinned", "expires_on", "response_kind",
           "response_due_on", "remind_after_days", "status")
RECEIPT_BATCH = 2000


def _require_send(actor, region_code: str) -> None:
    if not can(actor, "notices.send", region_code):
        raise PermissionDenied(_("You may not send notices to this region."))


def _clean_list(values, allowed, field: str, errors: dict, message: str) -> list[str]:
    values = [str(v) for v in (values or [])]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        errors[field] = message
    return sorted(set(values) - set(unknown))


def _validate(actor, values: dict, *, today: datetime.date) -> tuple[dict, list, list]:
    """All problems of a notice's values at once; returns the cleaned values, bodies and organizations."""
    errors: dict[str, str] = dict(rules.notice_problems(
        title=values["title"], body=values["body"], expires_on=values["expires_on"],
        response_kind=values["response_kind"], response_due_on=values["response_due_on"],
        remind_after_days=values["remind_after_days"], today=today))
    for field in ("title",):
        if CONTROL_CHARACTERS.search(values[field] or "") and field not in errors:
            errors[field] = _("Remove the invisible control characters from the text.")
    region = values["region"]
    if region is None:
        errors["region"] = _("Choose the region the notice goes to.")
    elif not can(actor, "notices.send", region.code):
        errors["region"] = _("You may not send notices to %(region)s.") % {"region": region.full_name}
    cleaned = {
        "roles": _clean_list(values["roles"], {str(r) for r in AUDIENCE_ROLES}, "roles", errors,
                             _("Choose roles from the list.")),
        "org_types": _clean_list(values["org_types"], set(OrgType.values), "org_types", errors,
                                 _("Choose organization types from the list.")),
        "categories": _clean_list(values["categories"], set(Category.values), "categories", errors,
                                  _("Choose categories from the list.")),
    }
    bodies = list(values["bodies"] or [])
    visible_bodies = ResponsibleBody.objects.visible_to(actor, "view")
    if bodies and visible_bodies.filter(pk__in=[b.pk for b in bodies]).count() != len(set(b.pk for b in bodies)):
        errors["bodies"] = _("Choose responsible party bodies within your scope.")
    organizations = list(values["organizations"] or [])
    if organizations and region is not None and "region" not in errors:
        from socorg.core.scope import in_subtree

        inside = set(SocialOrganization.objects.filter(in_subtree("authority_region__code", region.scope_prefix))
                     .filter(pk__in=[o.pk for o in organizations]).values_list("uscc", flat=True))
        outside = [o.uscc for o in organizations if o.uscc not in inside]
        if outside:
            errors["organizations"] = _("These organizations are not registered in %(region)s: %(list)s.") % {
                "region": region.full_name, "list": "、".join(outside[:10])}
    if len(values.get("attachments") or ()) > rules.ATTACHMENTS_MAX:
        errors["attachments"] = _("Attach at most %(max)d files.") % {"max": rules.ATTACHMENTS_MAX}
    else:
        for upload in values.get("attachments") or ():
            try:
                validate_upload(upload, "attachments")
            except ValidationError as error:
                errors["attachments"] = f"{upload.name}：{error.message_dict['attachments'][0]}"
                break
    if errors:
        raise ValidationError(errors)
    return cleaned, bodies, organizations


@transaction.atomic
def notice_save(*, actor, notice: Notice | None = None, title: str, body: str, region, roles=(), org_types=(),
                categories=(), bodies=(), organizations=(), pinned: bool = False, expires_on=None,
                response_kind: str = ResponseKind.NONE, response_due_on=None, remind_after_days: int = 3,
                attachments=(), remove_attachments=()) -> Notice:
    """Create or change a draft notice (a published notice is withdrawn, not edited)."""
    if notice is not None:
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        _require_send(actor, notice.region_id)
        if notice.status != NoticeStatus.DRAFT:
            raise ValidationError({"status": _("Only a draft can be changed; this notice is “%(status)s”.")
                                   % {"status": notice.get_status_display()}})
    elif not can(actor, "notices.send"):
        raise PermissionDenied(_("You may not send notices."))
    values = {"title": title, "body": body, "region": region, "roles": roles, "org_types": org_types,
              "categories": categories, "bodies": bodies, "organizations": organizations,
              "expires_on": expires_on, "response_kind": response_kind or ResponseKind.NONE,
              "response_due_on": response_due_on, "remind_after_days": remind_after_days,
              "attachments": attachments}
    cleaned, bodies, organizations = _validate(actor, values, today=timezone.localdate())
    before = snapshot(notice, AUDITED) if notice is not None else None
    notice = notice or Notice(created_by=actor if getattr(actor, "pk", None) else None)
    notice.title = title.strip()
    notice.body = rules.safe_body(body)
    notice.region = region
    notice.roles, notice.org_types, notice.categories = cleaned["roles"], cleaned["org_types"], cleaned["categories"]
    notice.pinned = bool(pinned)
    notice.expires_on = expires_on
    notice.response_kind = values["response_kind"]
    notice.response_due_on = response_due_on if notice.response_kind != ResponseKind.NONE else None
    notice.remind_after_days = remind_after_days
    notice.save()
    notice.bodies.set(bodies)
    notice.organizations.set(organizations)
    if remove_attachments:
        for attachment in notice.attachments.filter(pk__in=list(remove_attachments)):
            attachment.file.delete(save=False)
            attachment.delete()
    for upload in attachments or ():
        NoticeAttachment.objects.create(notice=notice, file=upload, name=upload.name[:255], size=upload.size)
    after = snapshot(notice, AUDITED) | {
        "bodies": sorted(b.pk for b in bodies), "organizations": sorted(o.uscc for o in organizations),
        "attachments": list(notice.attachments.values_list("name", flat=True))}
    audit_write(action="notices.notice.save", obj=notice, actor=actor, before=before, after=after)
    return notice


@transaction.atomic
def notice_publish(*, notice: Notice, actor) -> Notice:
    """Publish a draft: its audience is resolved now into one receipt per recipient account."""
    notice = Notice.objects.select_for_update().select_related("region").get(pk=notice.pk)
    _require_send(actor, notice.region_id)
    if notice.status != NoticeStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft can be published; this notice is “%(status)s”.")
                               % {"status": notice.get_status_display()}})
    problems = rules.notice_problems(title=notice.title, body=notice.body, expires_on=notice.expires_on,
                                     response_kind=notice.response_kind, response_due_on=notice.response_due_on,
                                     remind_after_days=notice.remind_after_days, today=timezone.localdate())
    if problems:
        raise ValidationError(problems)
    recipients = audience(notice)
    recipients.pop(getattr(actor, "pk", None), None)  # the sender does not notify themselves
    if not recipients:
        raise ValidationError({"region": _("No account is in this audience: widen the region, roles or "
                                           "organizations, or issue the organizations their accounts first.")})
    before = snapshot(notice, AUDITED)
    now = timezone.now()
    notice.status = NoticeStatus.PUBLISHED
    notice.published_at = now
    notice.save(update_fields=["status", "published_at", "updated_at"])
    rows = [NoticeReceipt(notice=notice, recipient_id=user_id, organization_id=org_id, delivered_at=now)
            for user_id, org_id in sorted(recipients.items())]
    NoticeReceipt.objects.bulk_create(rows, batch_size=RECEIPT_BATCH)
    audit_write(action="notices.notice.publish", obj=notice, actor=actor, before=before,
                after=snapshot(notice, AUDITED) | {"recipients": len(rows)})
    return notice


@transaction.atomic
def notice_withdraw(*, notice: Notice, actor) -> Notice:
    """Withdraw a published notice: recipients no longer see it; its receipts stay for the record."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _require_send(actor, notice.region_id)
    if notice.status != NoticeStatus.PUBLISHED:
        raise ValidationError({"status": _("Only a published notice can be withdrawn.")})
    before = snapshot(notice, AUDITED)
    notice.status = NoticeStatus.WITHDRAWN
    notice.save(update_fields=["status", "updated_at"])
    audit_write(action="notices.notice.withdraw", obj=notice, actor=actor, before=before,
                after=snapshot(notice, AUDITED))
    return notice


def _own_receipt(receipt: NoticeReceipt, actor) -> NoticeReceipt:
    receipt = NoticeReceipt.objects.select_for_update().select_related("notice").get(pk=receipt.pk)
    if getattr(actor, "pk", None) != receipt.recipient_id:
        raise PermissionDenied(_("Only the recipient may do this."))
    if not receipt.notice.is_current:
        raise ValidationError({"notice": _("The notice has been withdrawn or is no longer shown.")})
    return receipt


@transaction.atomic
def notice_read(*, receipt: NoticeReceipt, actor) -> NoticeReceipt:
    """Record that the recipient opened the notice (the first time only: the read receipt)."""
    receipt = _own_receipt(receipt, actor)
    if receipt.read_at is None:
        receipt.read_at = timezone.now()
        receipt.save(update_fields=["read_at"])
    return receipt


@transaction.atomic
def notice_respond(*, receipt: NoticeReceipt, actor, reply: str = "", file=None) -> NoticeReceipt:
    """The recipient's reply or file, as the notice asks; a new response replaces the earlier one. A response after
    the deadline is accepted and shown late in the sender's table."""
    receipt = _own_receipt(receipt, actor)
    notice = receipt.notice
    reply = (reply or "").strip()
    errors: dict[str, str] = {}
    if notice.response_kind == ResponseKind.NONE:
        raise ValidationError({"reply": _("This notice asks for no reply.")})
    if len(reply) > rules.REPLY_MAX:
        errors["reply"] = _("The reply may be at most %(max)d characters.") % {"max": rules.REPLY_MAX}
    elif CONTROL_CHARACTERS.search(reply):
        errors["reply"] = _("Remove the invisible control characters from the text.")
    if notice.response_kind == ResponseKind.REPLY and not reply and "reply" not in errors:
        errors["reply"] = _("Write your reply.")
    if notice.response_kind == ResponseKind.UPLOAD:
        if file is None:
            errors["file"] = _("Choose the file to upload.")
        else:
            try:
                validate_upload(file, "file")
            except ValidationError as error:
                errors["file"] = error.message_dict["file"][0]
    if errors:
        raise ValidationError(errors)
    before = snapshot(receipt, RECEIPT_AUDITED)
    now = timezone.now()
    receipt.reply = reply
    if file is not None:
        if receipt.reply_file:
            receipt.reply_file.delete(save=False)
        receipt.reply_file = file
        receipt.reply_file_name = file.name[:255]
    receipt.read_at = receipt.read_at or now
    receipt.responded_at = now
    receipt.save()
    audit_write(action="notices.receipt.respond", obj=receipt, actor=actor, before=before,
                after=snapshot(receipt, RECEIPT_AUDITED))
    return receipt


RECEIPT_AUDITED = ("reply", "reply_file_name", "read_at", "responded_at")


def _remind(receipts: list[NoticeReceipt], now) -> int:
    ids = [r.pk for r in receipts]
    for start in range(0, len(ids), RECEIPT_BATCH):
        NoticeReceipt.objects.filter(pk__in=ids[start:start + RECEIPT_BATCH]).update(
            reminded_at=now, reminders_sent=F("reminders_sent") + 1)
    if getattr(settings, "SOCORG_NOTICE_REMINDER_EMAIL", False):
        for receipt in receipts:
            email = receipt.recipient.email
            if email:
                send_mail(_("Reminder: unread notice “%(title)s”") % {"title": receipt.notice.title},
                          _("You have not yet read the notice “%(title)s”. Open it at %(url)s.") % {
                              "title": receipt.notice.title, "url": reverse("notices:inbox-detail",
                                                                            args=[receipt.pk])},
                          None, [email], fail_silently=True)
    return len(ids)


def send_reminders(*, now: datetime.datetime | None = None, actor=SYSTEM) -> dict[str, int]:
    """Remind every unread recipient of current notices whose reminder is due (rules.reminder_due): each notice in
    its own transaction, audited with the number reminded. Returns {"notices": n, "reminded": m}."""
    now = now or timezone.now()
    notices = reminded = 0
    current = Notice.objects.filter(status=NoticeStatus.PUBLISHED, remind_after_days__gt=0)
    for notice in current.iterator():
        if not notice.is_current:
            continue
        cutoff = now - datetime.timedelta(days=notice.remind_after_days)
        with transaction.atomic():
            due = [r for r in notice.receipts.select_for_update().filter(read_at__isnull=True)
                   .filter(delivered_at__lte=cutoff).select_related("recipient", "notice")
                   if rules.reminder_due(delivered_at=r.delivered_at, reminded_at=r.reminded_at,
                                         every_days=notice.remind_after_days, now=now)]
            if not due:
                continue
            count = _remind(due, now)
            audit_write(action="notices.notice.remind", obj=notice, actor=actor, after={"reminded": count})
        notices += 1
        reminded += count
    return {"notices": notices, "reminded": reminded}


@transaction.atomic
def notice_remind_now(*, notice: Notice, actor) -> int:
    """The sender reminds every unread recipient at once (e.g. before the deadline)."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _require_send(actor, notice.region_id)
    if not notice.is_current:
        raise ValidationError({"status": _("Only a published, current notice can be reminded.")})
    due = list(notice.receipts.filter(read_at__isnull=True).select_related("recipient", "notice"))
    count = _remind(due, timezone.now())
    audit_write(action="notices.notice.remind", obj=notice, actor=actor, after={"reminded": count})
    return count
