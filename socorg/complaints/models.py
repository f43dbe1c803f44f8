from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socorg.core.crypto import EncryptedTextField
from socorg.core.scope import ScopedManager

from .choices import AttachmentStage, Category, Channel, Outcome, ReplyMethod, Stage, Status


class Complaint(models.Model):
    """A complaint or report (投诉举报) about a social organization, from intake to the reply to the complainant.
    Write only through complaints.services (validation, workflow, deadlines, audit).

    Scope: the region responsible — the organization's registration authority when the organization is known, else
    the region the complaint was filed in. The organization's own account never sees complaints about it. The
    complainant's contact is encrypted at rest, shown masked, and revealed only with complaints.reveal (audited);
    the public status code is kept as a keyed hash only."""

    scope_domain = "complaints"
    scope_region_field = "region__code"

    receipt_no = models.CharField(_("receipt number"), max_length=24, unique=True)
    lookup_code_hash = models.CharField(_("status code (keyed hash)"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("responsible region"), on_delete=models.PROTECT,
                               related_name="+")
    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     null=True, blank=True, on_delete=models.PROTECT, related_name="complaints")
    organization_name = models.CharField(_("organization named"), max_length=200)
    organization_uscc = models.CharField(_("credit code given"), max_length=18, blank=True)
    organization_unknown = models.BooleanField(
        _("organization not found in the registry"), default=False,
        help_text=_("The credit code or name given matches no registered organization: kept as given, to be "
                    "checked."))
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    description = models.TextField(_("description"))
    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_name = EncryptedTextField(_("complainant's name"), blank=True)
    complainant_phone = EncryptedTextField(_("complainant's phone"), blank=True)
    complainant_contact = EncryptedTextField(_("complainant's other contact"), blank=True)
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", db_index=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    # Acceptance.
    accept_due_on = models.DateField(_("acceptance due on"))
    accepted_on = models.DateField(_("acceptance decided on"), null=True, blank=True)
    accepted_late = models.BooleanField(_("acceptance decided late"), default=False)
    not_accepted_reasons = models.TextField(_("reasons for not accepting"), blank=True)
    # Investigation.
    conclude_due_on = models.DateField(_("conclusion due on"), null=True, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("investigator"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="assigned_complaints", db_index=False)
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    assignment_note = models.TextField(_("assignment note"), blank=True)
    findings = models.TextField(_("investigation findings"), blank=True)
    investigated_on = models.DateField(_("investigated on"), null=True, blank=True)
    # Conclusion.
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    concluded_late = models.BooleanField(_("concluded late"), default=False)
    rectification_requirements = models.TextField(_("rectification ordered"), blank=True)
    rectification_deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    penalty = models.TextField(_("penalty"), blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    # Reply to the complainant.
    reply_method = models.CharField(_("reply method"), max_length=16, choices=ReplyMethod.choices, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    # Escalation of a missed deadline to the region above (once per stage and level).
    escalated_to = models.ForeignKey("regions.Region", verbose_name=_("escalated to"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", db_index=False)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    escalated_stage = models.CharField(_("deadline missed"), max_length=16, choices=Stage.choices, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status=Status.CONCLUDED) | Q(status=Status.REPLIED) | Q(outcome=""),
                                   name="complaints_outcome_only_when_concluded"),
            models.CheckConstraint(condition=Q(anonymous=False) | Q(complainant_name=""),
                                   name="complaints_anonymous_without_name"),
        ]
        indexes = [
            models.Index(fields=["region", "status", "-received_on"], name="complaints_region_status_idx"),
            models.Index(fields=["received_on", "category"], name="complaints_received_idx"),
            # The list's keyset order (newest first, ties by id), one range read at any depth of its pages.
            models.Index(fields=["received_on", "id"], name="complaints_received_id_idx"),
            models.Index(fields=["organization"], condition=Q(organization__isnull=False),
                         name="complaints_org_idx"),
            models.Index(fields=["assignee"], condition=Q(assignee__isnull=False), name="complaints_assignee_idx"),
        ]

    def __str__(self):
        # The audit log's object name: the receipt number and the organization, never the complainant.
        return f"{self.receipt_no} · {self.organization_name}"

    @property
    def overdue_stage(self) -> str | None:
        from django.utils import timezone

        from .rules import is_overdue

        return is_overdue(self.status, timezone.localdate(), accept_due=self.accept_due_on,
                          conclude_due=self.conclude_due_on)


def _attachment_path(instance, filename: str) -> str:
    import os

    from socorg.activities.attachments import storage_name

    return storage_name("complaints", os.path.splitext(filename)[1].lower())


class ComplaintAttachment(models.Model):
    """A file kept with a complaint: what the complainant sent, investigation evidence, decision documents."""

    scope_domain = "complaints"
    scope_region_field = "complaint__region__code"

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="attachments")
    stage = models.CharField(_("stage"), max_length=16, choices=AttachmentStage.choices)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", db_index=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("complaint attachment")
        verbose_name_plural = _("complaint attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name
