"""Notices (通知公告) from bureau and party-committee staff to accounts: organizations' own accounts, instructors,
staff of lower levels. Write only through notices.services.

A notice names its audience (a region subtree, narrowed by roles, organization types or categories and responsible
party bodies, or an explicit list of organizations); publishing resolves the audience once into one receipt per
recipient account, which records when it was read, the reminders sent and the reply or file asked for. No points,
no check-ins: the only things recorded are reading and the response the notice asks for."""

import os

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socorg.core.scope import ScopedManager, ScopedQuerySet

from .choices import NoticeStatus, ResponseKind


def _attachment_path(instance, filename: str) -> str:
    from socorg.activities.attachments import storage_name

    return storage_name("notices", os.path.splitext(filename)[1].lower())


class Notice(models.Model):
    """Scope: the audience's region. The sender needs notices.send over it; staff who may view notices there see
    the notice and its completion table."""

    scope_domain = "notices"
    scope_region_field = "region__code"

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Simple formatting is kept (paragraphs, bold, lists, links); "
                                                   "scripts and styles are removed."))
    region = models.ForeignKey("regions.Region", verbose_name=_("audience region"), on_delete=models.PROTECT,
                               related_name="+")
    roles = models.JSONField(_("audience roles"), default=list, blank=True)
    org_types = models.JSONField(_("audience organization types"), default=list, blank=True)
    categories = models.JSONField(_("audience organization categories"), default=list, blank=True)
    bodies = models.ManyToManyField("party.ResponsibleBody", verbose_name=_("audience responsible party bodies"),
                                    blank=True, related_name="+")
    organizations = models.ManyToManyField("registry.SocialOrganization", verbose_name=_("audience organizations"),
                                           blank=True, related_name="+")
    pinned = models.BooleanField(_("pinned"), default=False)
    expires_on = models.DateField(_("shown until"), null=True, blank=True)
    response_kind = models.CharField(_("response asked for"), max_length=8, choices=ResponseKind.choices,
                                     default=ResponseKind.NONE)
    response_due_on = models.DateField(_("response deadline"), null=True, blank=True)
    remind_after_days = models.PositiveSmallIntegerField(
        _("remind unread after (days)"), default=3,
        help_text=_("Recipients who have not read the notice are reminded after this many days, and again after as "
                    "many more; 0 sends no reminder."))
    status = models.CharField(_("status"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-pinned", "-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(response_kind="none") | Q(response_due_on__isnull=False),
                                   name="notices_response_has_deadline"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_current(self) -> bool:
        return self.status == NoticeStatus.PUBLISHED and (
            self.expires_on is None or self.expires_on >= timezone.localdate())

    @property
    def asks_response(self) -> bool:
        return self.response_kind != ResponseKind.NONE


class NoticeAttachment(models.Model):
    scope_domain = "notices"
    scope_region_field = "notice__region__code"

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE,
                               related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("notice attachment")
        verbose_name_plural = _("notice attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class NoticeReceiptQuerySet(ScopedQuerySet):
    def addressed_to(self, user, action: str = "view", *, domain: str | None = None):
        """The receipts of `user` themselves (their inbox), whatever their roles: the scope of /api/v1/my-notices/
        (core.api.viewsets.ScopedViewSet.scope_method). Reading and responding are both the recipient's own."""
        if user is None:
            raise TypeError("addressed_to() needs the acting user; pass it explicitly (None is not a user).")
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return self.none()
        return self.filter(recipient=user)

    def current(self):
        """Receipts of published notices not yet expired."""
        today = timezone.localdate()
        return self.filter(notice__status=NoticeStatus.PUBLISHED).filter(
            Q(notice__expires_on__isnull=True) | Q(notice__expires_on__gte=today))


class NoticeReceipt(models.Model):
    """One recipient account of a published notice: read receipt, reminders, response. The recipient reaches it
    through `recipient` (their inbox); staff through the notice's region (the completion table)."""

    scope_domain = "notices"
    scope_region_field = "notice__region__code"

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="receipts")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notice_receipts")
    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     help_text=_("The organization of an organization's own account."))
    delivered_at = models.DateTimeField(_("delivered at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    reply_file = models.FileField(_("uploaded file"), upload_to=_attachment_path, max_length=200, blank=True)
    reply_file_name = models.CharField(_("uploaded file name"), max_length=255, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)

    objects = NoticeReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice receipt")
        verbose_name_plural = _("notice receipts")
        ordering = ["notice", "pk"]
        constraints = [models.UniqueConstraint(fields=["notice", "recipient"], name="notices_one_receipt")]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notices_inbox_idx"),
            # Unread counts, and the completion table's keyset order (read_at, id) within a notice: a notice to a
            # whole province has hundreds of thousands of receipts, most of them unread (read_at null, ties by id).
            models.Index(fields=["notice", "read_at", "id"], name="notices_notice_read_id_idx"),
        ]

    def __str__(self):
        return f"{self.notice} → {self.recipient}"
