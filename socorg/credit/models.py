"""Credit lists (活动异常名录, 严重违法失信名单), administrative penalties and the findings that feed them.

Write only through credit.services (validation, audit). Every scoped model is reached through the registration
authority's region of its organization, like the organization itself; an organization's own account reaches its own
rows. An entry is in force on a day when it was decided by then and neither removed nor expired by then
(credit.queries.in_force_q)."""

import os

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socorg.activities.attachments import storage_name
from socorg.core.scope import ScopedManager

from .choices import CreditList, FactKind, ObjectionStatus, PenaltyKind, RemovalKind

SCOPE_REGION = "organization__authority_region__code"


class ReasonSetting(models.Model):
    """Per-deployment settings of one listing reason (the reasons themselves are code in credit.rules.REASONS):
    enabled, parameters, citation. Deployment-wide, so not region-scoped."""

    code = models.CharField(_("reason"), max_length=64, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    citation = models.CharField(_("citation"), max_length=500, blank=True,
                                help_text=_("Empty means the reason's built-in citation."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("listing reason setting")
        verbose_name_plural = _("listing reason settings")
        ordering = ["code"]

    def __str__(self):
        from .rules import reason_label

        return reason_label(self.code)


class Penalty(models.Model):
    """An administrative penalty (行政处罚) on a social organization, by the registration authority or another
    department. 限期停止活动 suspends the organization until `suspension_until`; 吊销登记证书 and 撤销登记 end it
    (registry status, as of the decision date)."""

    scope_domain = "credit"
    scope_region_field = SCOPE_REGION
    scope_organization_paths = ("organization",)

    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="penalties")
    kind = models.CharField(_("kind of penalty"), max_length=24, choices=PenaltyKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    decision_no = models.CharField(_("decision number"), max_length=100)
    decided_on = models.DateField(_("decision date"))
    facts = models.TextField(_("facts of the violation"))
    legal_basis = models.CharField(_("legal basis"), max_length=500)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200)
    suspension_until = models.DateField(_("activities suspended until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("administrative penalty")
        verbose_name_plural = _("administrative penalties")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "decision_no"], name="credit_penalty_one_decision"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0),
                                   name="credit_penalty_amount_positive"),
            models.CheckConstraint(condition=~Q(kind=PenaltyKind.FINE) | Q(amount__isnull=False),
                                   name="credit_penalty_fine_has_amount"),
        ]
        indexes = [models.Index(fields=["kind", "decided_on"], name="credit_penalty_kind_idx"),
                   # The penalty list's keyset order (newest decision first, ties by id) at any depth of its pages.
                   models.Index(fields=["decided_on", "id"], name="credit_penalty_decided_id_idx")]

    def __str__(self):
        return f"{self.organization} · {self.get_kind_display()} · {self.decision_no}"


class RegisteredLetter(models.Model):
    """A registered letter (邮寄专用信函) sent to the organization's registered address; two unanswered ones 20–60
    days apart make it unreachable (credit reason `unreachable`)."""

    scope_domain = "credit"
    scope_region_field = SCOPE_REGION
    scope_organization_paths = ("organization",)

    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="registered_letters")
    sent_on = models.DateField(_("sent on"))
    tracking_no = models.CharField(_("tracking number"), max_length=64)
    answered_on = models.DateField(_("signed for or answered on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("registered letter")
        verbose_name_plural = _("registered letters")
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["organization", "sent_on"], condition=Q(answered_on__isnull=True),
                                name="credit_letter_unanswered_idx")]

    def __str__(self):
        return f"{self.organization} · {self.sent_on} · {self.tracking_no}"


class CreditFact(models.Model):
    """A finding of another authority the platform cannot compute (a court's 失信被执行人 list, a revoked change
    registration, lost public-fundraising conditions), recorded from its document; it feeds a listing reason."""

    scope_domain = "credit"
    scope_region_field = SCOPE_REGION
    scope_organization_paths = ("organization",)

    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="credit_facts")
    kind = models.CharField(_("finding"), max_length=32, choices=FactKind.choices)
    found_on = models.DateField(_("date of the finding"))
    source_document = models.CharField(_("source document"), max_length=200)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("credit finding")
        verbose_name_plural = _("credit findings")
        ordering = ["-found_on", "-id"]

    def __str__(self):
        return f"{self.organization} · {self.get_kind_display()}"


def _document_path(instance, filename: str) -> str:
    return storage_name("credit", os.path.splitext(filename)[1].lower())


class CreditEntry(models.Model):
    """One listing of one organization on one list for one reason, decided with a decision number and date.

    `entry_due_on` is the 5th working day after the decision; `entered_late` says the entry was recorded after it.
    `expires_on` is when it ends by itself (serious: 5 years; nothing to rectify: 6 months), moved forward when the
    organization is listed again on the same list. `removed_on` ends it (with `removal_kind`)."""

    scope_domain = "credit"
    scope_region_field = SCOPE_REGION
    scope_organization_paths = ("organization",)

    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="credit_entries")
    list = models.CharField(_("list"), max_length=16, choices=CreditList.choices)
    reason = models.CharField(_("reason"), max_length=64)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    decision_no = models.CharField(_("decision number"), max_length=100, blank=True)
    decided_on = models.DateField(_("decision date"))
    entered_on = models.DateField(_("entered on"))
    entry_due_on = models.DateField(_("entry due on"))
    entered_late = models.BooleanField(_("entered late"), default=False)
    automatic = models.BooleanField(_("moved automatically"), default=False)
    expires_on = models.DateField(_("ends by itself on"), null=True, blank=True)
    penalty = models.ForeignKey(Penalty, verbose_name=_("administrative penalty"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="entries")
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_kind = models.CharField(_("removal"), max_length=16, choices=RemovalKind.choices, blank=True)
    removal_reason = models.TextField(_("removal reason"), blank=True)
    removal_due_on = models.DateField(_("removal due on"), null=True, blank=True)
    removed_late = models.BooleanField(_("removed late"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("removed by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("credit-list entry")
        verbose_name_plural = _("credit-list entries")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "list", "reason", "decision_no"],
                                    condition=~Q(decision_no=""), name="credit_entry_one_per_decision"),
            # Escalation is idempotent: one automatic abnormal_two_years entry in force per organization.
            models.UniqueConstraint(fields=["organization"], condition=Q(automatic=True, removed_on__isnull=True),
                                    name="credit_entry_one_automatic_in_force"),
            models.CheckConstraint(condition=Q(removed_on__isnull=True, removal_kind="")
                                   | Q(removed_on__isnull=False) & ~Q(removal_kind=""),
                                   name="credit_entry_removal_complete"),
            models.CheckConstraint(condition=Q(automatic=True) | ~Q(decision_no=""),
                                   name="credit_entry_decision_no_required"),
        ]
        indexes = [
            models.Index(fields=["list", "organization"], condition=Q(removed_on__isnull=True),
                         name="credit_entry_in_force_idx"),
            models.Index(fields=["organization", "list", "decided_on"], name="credit_entry_org_idx"),
            models.Index(fields=["entered_late"], condition=Q(entered_late=True), name="credit_entry_late_idx"),
            # The list's keyset order (newest decision first, ties by id) at any depth of its pages.
            models.Index(fields=["decided_on", "id"], name="credit_entry_decided_id_idx"),
            # The few entries the maintained counts do not decide alone (credit.queries.in_force_figures): not removed
            # but past their own end, and removals dated after a day asked about.
            models.Index(fields=["expires_on"], condition=Q(removed_on__isnull=True), name="credit_entry_expiring_idx"),
            models.Index(fields=["removed_on"], condition=Q(removed_on__isnull=False),
                         name="credit_entry_removed_idx"),
        ]

    def __str__(self):
        return f"{self.organization} · {self.get_list_display()} · {self.reason_label}"

    @property
    def reason_label(self) -> str:
        from .rules import reason_label

        return reason_label(self.reason)

    @property
    def is_active(self) -> bool:
        from django.utils import timezone

        today = timezone.localdate()
        return self.removed_on is None and (self.expires_on is None or self.expires_on > today)


class CreditEntryCounts(models.Model):
    """Maintained counts of the entries not removed (removed_on empty), per the organization's authority region,
    list and entered late: derived state, kept equal to the entries by the database triggers of credit.triggers, so
    the figures above the credit list read a few rows per region instead of joining every entry to its
    organization. The entries in force on a day are these counts less the few not yet decided or past their own end
    (credit.queries.in_force_figures). Scoped as the entries by region; an organization's own account is counted
    from the entries."""

    scope_domain = "credit"
    scope_region_field = "region__code"

    region = models.ForeignKey("regions.Region", verbose_name=_("registration authority region"),
                               on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+")
    list = models.CharField(_("list"), max_length=16, choices=CreditList.choices)
    late = models.BooleanField(_("entered late"))
    entries = models.BigIntegerField(_("entries"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("credit-list entry counts")
        verbose_name_plural = _("credit-list entry counts")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["region", "list", "late"], name="credit_entry_counts_key")]

    def __str__(self):
        return f"{self.region_id} {self.list}: {self.entries}"


class SupervisorStatement(models.Model):
    """A written statement of the supervising unit (or another competent department) that the organization is not
    directly responsible for a listing reason: it stops the listing (no candidate, no new entry for that reason;
    an entry in force for it is removed)."""

    scope_domain = "credit"
    scope_region_field = SCOPE_REGION
    scope_organization_paths = ("organization",)

    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="credit_statements")
    reason = models.CharField(_("reason"), max_length=64)
    issued_by = models.CharField(_("issued by"), max_length=200)
    document_no = models.CharField(_("document number"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    document = models.FileField(_("document"), upload_to=_document_path, max_length=200, blank=True)
    document_name = models.CharField(_("document file name"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("supervising unit's statement")
        verbose_name_plural = _("supervising units' statements")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["organization", "reason"], name="credit_statement_org_idx")]

    def __str__(self):
        return f"{self.organization} · {self.document_no}"


class Objection(models.Model):
    """An objection (异议) to an entry, recorded and answered; upheld removes the entry."""

    scope_domain = "credit"
    scope_region_field = "entry__organization__authority_region__code"
    scope_organization_paths = ("entry__organization",)

    entry = models.ForeignKey(CreditEntry, verbose_name=_("credit-list entry"), on_delete=models.PROTECT,
                              related_name="objections")
    received_on = models.DateField(_("received on"))
    content = models.TextField(_("objection"))
    status = models.CharField(_("status"), max_length=16, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.PENDING)
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return f"{self.entry} · {self.received_on}"
