import os

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from socorg.core.scope import ScopedManager

from .attachments import storage_name
from .choices import ActivityType, AttachmentKind


class Activity(models.Model):
    """One meeting or activity of a party organization's organizational life (三会一课, 主题党日, …).

    Scope: the party organization's region. Write only through activities.services (validation, audit). The early
    warning rules read these rows set-based through the (party_org, type, date) index."""

    scope_domain = "activities"
    scope_region_field = "party_org__region__code"
    scope_organization_paths = ("party_org__coverages__organization",)

    # No separate FK index: the (party_org, type, date) index below serves look-ups by party organization too,
    # and with 10 million rows every extra index costs load time and space.
    party_org = models.ForeignKey("party.PartyOrganization", verbose_name=_("party organization"),
                                  on_delete=models.PROTECT, related_name="activities", db_index=False)
    type = models.CharField(_("type"), max_length=32, choices=ActivityType.choices)
    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    expected_attendance = models.PositiveIntegerField(_("expected attendance"), null=True, blank=True)
    actual_attendance = models.PositiveIntegerField(_("actual attendance"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("organizational-life record")
        verbose_name_plural = _("organizational-life records")
        ordering = ["-date", "-id"]
        # (date, id): the list's keyset order (newest first, ties by id) read backward as one range at any depth; it
        # also serves every look-up by date the former (date) index did.
        indexes = [models.Index(fields=["date", "id"], name="activity_date_id_idx")]
        constraints = [
            # The natural key: one record per branch, type, day and topic, also under parallel requests. Its index
            # answers "did this branch hold a meeting of this type in this period?" with a range probe per branch.
            models.UniqueConstraint(fields=["party_org", "type", "date", "topic"], name="activity_natural_key"),
            models.CheckConstraint(
                condition=Q(actual_attendance__isnull=True) | Q(expected_attendance__isnull=True)
                | Q(actual_attendance__lte=F("expected_attendance")),
                name="activity_actual_not_above_expected",
            ),
        ]

    def __str__(self):
        return f"{self.party_org} · {self.get_type_display()} · {self.date}"

    @property
    def attendance_rate(self) -> float | None:
        if not self.expected_attendance or self.actual_attendance is None:
            return None
        return self.actual_attendance / self.expected_attendance


def _attachment_path(instance, filename: str) -> str:
    return storage_name("activities", os.path.splitext(filename)[1].lower())


class Attachment(models.Model):
    """A file attached to an activity (minutes, photos), kept through Django's storage API."""

    scope_domain = "activities"
    scope_region_field = "activity__party_org__region__code"
    scope_organization_paths = ("activity__party_org__coverages__organization",)

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE,
                                 related_name="attachments")
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices, default=AttachmentKind.MINUTES)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class Attendance(models.Model):
    """A member attended an activity (组织生活). With DuesPayment the basis of the 党章第九条 check (6 consecutive
    months without organizational life or dues). Party membership is sensitive personal data: these rows are in the
    members domain (members.view to read, members.change plus activities.change to write); names never leave it."""

    scope_domain = "members"
    scope_region_field = "activity__party_org__region__code"

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE,
                                 related_name="attendances", db_index=False)
    member = models.ForeignKey("party.PartyMember", verbose_name=_("party member"), on_delete=models.CASCADE,
                               related_name="attendances")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="attendance_unique_member")]

    def __str__(self):
        return f"{self.member} @ {self.activity}"


class DuesPayment(models.Model):
    """A member's party dues (党费) for one month, `month` being its first day."""

    scope_domain = "members"
    scope_region_field = "member__party_org__region__code"

    member = models.ForeignKey("party.PartyMember", verbose_name=_("party member"), on_delete=models.CASCADE,
                               related_name="dues_payments", db_index=False)
    month = models.DateField(_("month"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("party dues payment")
        verbose_name_plural = _("party dues payments")
        ordering = ["member", "-month"]
        constraints = [
            # The unique index (member, month) also serves "last month paid by this member".
            models.UniqueConstraint(fields=["member", "month"], name="dues_unique_member_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="dues_month_first_day"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="dues_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.member} · {self.month:%Y-%m}"
