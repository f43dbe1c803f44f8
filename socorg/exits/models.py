from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socorg.core.scope import ScopedManager

from .choices import CaseStatus


class ScreeningRun(models.Model):
    """One zombie screening (僵尸型社会组织排查) over a region as of a day, with the configuration it used; it opens a
    case per organization meeting any criterion (organizations with an open case keep it). Write only through
    exits.services."""

    scope_domain = "exits"
    scope_region_field = "region__code"

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(_("as of"))
    configuration = models.JSONField(_("configuration"), default=dict)
    opened = models.PositiveIntegerField(_("cases opened"), default=0)
    already_open = models.PositiveIntegerField(_("cases already open"), default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.region} · {self.as_of}"


class ScreeningCase(models.Model):
    """An organization found by a screening: why (criteria with their evidence), and how it ended — rectified,
    注销 (voluntary deregistration after liquidation), 撤销 or 吊销 (a penalty) — with its documents. The registry
    status follows the outcome (registry / credit services)."""

    scope_domain = "exits"
    scope_region_field = "organization__authority_region__code"

    run = models.ForeignKey(ScreeningRun, verbose_name=_("screening run"), on_delete=models.PROTECT,
                            related_name="cases")
    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="screening_cases")
    criteria = models.JSONField(_("criteria met"), default=list)
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(_("status"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    decision_no = models.CharField(_("decision number"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    penalty = models.ForeignKey("credit.Penalty", verbose_name=_("penalty"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+", db_index=False)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("screening case")
        verbose_name_plural = _("screening cases")
        ordering = ["organization__authority_region_id", "organization__uscc"]
        constraints = [models.UniqueConstraint(fields=["organization"], condition=Q(status=CaseStatus.OPEN),
                                               name="exits_one_open_case_per_org")]
        indexes = [models.Index(fields=["status", "closed_on"], name="exits_case_status_idx")]

    def __str__(self):
        return f"{self.organization} · {self.get_status_display()}"


class ExitCaseCounts(models.Model):
    """Maintained counts of screening cases per registration-authority region (the organization's current one) and
    status: derived state, kept equal to the cases by the database triggers of exits.triggers, so the figures above
    the worklist read a few thousand rows instead of joining every case to its organization. Scoped like the cases
    (same domain, the same region code, no organization path), so visible_to selects the counts of exactly the cases
    a user may see."""

    scope_domain = "exits"
    scope_region_field = "region__code"

    region = models.ForeignKey("regions.Region", verbose_name=_("registration authority region"),
                               on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+")
    status = models.CharField(_("status"), max_length=24, choices=CaseStatus.choices)
    cases = models.BigIntegerField(_("cases"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("screening case counts")
        verbose_name_plural = _("screening case counts")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["region", "status"], name="exits_case_counts_key")]

    def __str__(self):
        return f"{self.region_id} {self.status}: {self.cases}"


def _document_path(instance, filename: str) -> str:
    import os

    from socorg.activities.attachments import storage_name

    return storage_name("exits", os.path.splitext(filename)[1].lower())


class CaseDocument(models.Model):
    scope_domain = "exits"
    scope_region_field = "case__organization__authority_region__code"

    case = models.ForeignKey(ScreeningCase, verbose_name=_("screening case"), on_delete=models.CASCADE,
                             related_name="documents")
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name
