"""Random inspections (双随机、一公开): plans, their committed pools, inspectors, the draw and the inspections.

Write only through inspections.services (validation, the commitment, the draw, audit). The draw itself is
inspections.draw (pure, socorg-draw-v1); what is published is built by inspections.proof."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socorg.core.scope import ScopedManager
from socorg.registry.choices import AuthorityLevel

from .choices import InspectionResult, PlanStatus


class InspectorAccount(models.Model):
    """A staff account marked as an inspector (执法检查人员名录): it may be put into a plan's inspector pool by
    username. Scope: the region of the bureau that keeps the roster."""

    scope_domain = "inspections"
    scope_region_field = "region__code"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE,
                                related_name="inspector_mark")
    name = models.CharField(_("person's name"), max_length=64)
    unit = models.CharField(_("unit"), max_length=200)
    region = models.ForeignKey("regions.Region", verbose_name=_("roster region"), on_delete=models.PROTECT,
                               related_name="+")
    active = models.BooleanField(_("active"), default=True)
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("inspector account")
        verbose_name_plural = _("inspector accounts")
        ordering = ["region_id", "name", "id"]

    def __str__(self):
        return f"{self.name}（{self.unit}）"


class InspectionPlan(models.Model):
    """A year's random-inspection plan of one registration authority (region + level): the population filters, the
    share or number to draw, the checklist, the inspector pool and how many inspectors per organization."""

    scope_domain = "inspections"
    scope_region_field = "region__code"

    uid = models.UUIDField(_("plan identifier"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey("regions.Region", verbose_name=_("registration authority region"),
                               on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("registration level"), max_length=16, choices=AuthorityLevel.choices)
    # Population filters.
    org_types = models.JSONField(_("types"), default=list, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    registered_before = models.DateField(_("registered before"), null=True, blank=True)
    active_only = models.BooleanField(_("registered organizations only"), default=True)
    # How many to draw.
    share = models.DecimalField(_("share to draw"), max_digits=5, decimal_places=4, null=True, blank=True)
    count = models.PositiveIntegerField(_("number to draw"), null=True, blank=True)
    below_minimum_reason = models.TextField(_("reason for a share below the minimum"), blank=True)
    items = models.JSONField(_("inspection items"), default=list)
    per_org = models.PositiveSmallIntegerField(_("inspectors per organization"), default=2)
    max_per_inspector = models.PositiveIntegerField(_("most organizations per inspector"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # The commitment.
    pool_sha256 = models.CharField(_("pool SHA-256"), max_length=64, blank=True)
    pool_size = models.PositiveIntegerField(_("pool size"), null=True, blank=True)
    n = models.PositiveIntegerField(_("organizations to draw"), null=True, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    # The draw.
    public_value = models.CharField(_("public value"), max_length=200, blank=True)
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed and published at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancellation"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "-created_at", "-id"]
        indexes = [models.Index(fields=["year", "status"], name="inspections_plan_year_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(share__isnull=True) | Q(count__isnull=True),
                                   name="inspections_share_or_count"),
        ]

    def __str__(self):
        return f"{self.year} · {self.name}"

    @property
    def plan_uid(self) -> str:
        return str(self.uid)

    @property
    def is_committed(self) -> bool:
        return bool(self.pool_sha256)

    @property
    def is_drawn(self) -> bool:
        return self.drawn_at is not None


class PlanPool(models.Model):
    """The committed pool of a plan: its USCCs sorted ascending, joined by newlines (what pool_sha256 hashes)."""

    plan = models.OneToOneField(InspectionPlan, verbose_name=_("inspection plan"), on_delete=models.CASCADE,
                                related_name="pool", primary_key=True)
    usccs = models.TextField(_("credit codes"))

    class Meta:
        verbose_name = _("committed pool")
        verbose_name_plural = _("committed pools")

    def __str__(self):
        return str(self.plan)

    def as_list(self) -> list[str]:
        return self.usccs.split("\n") if self.usccs else []


class PlanInspector(models.Model):
    """One inspector of a plan's pool: a marked staff account or an outside expert (name and unit). `code` is the
    stable identifier the draw ranks by (published in the proof)."""

    plan = models.ForeignKey(InspectionPlan, verbose_name=_("inspection plan"), on_delete=models.CASCADE,
                             related_name="inspectors")
    code = models.CharField(_("inspector identifier"), max_length=16)
    name = models.CharField(_("person's name"), max_length=64)
    unit = models.CharField(_("unit"), max_length=200)
    account = models.ForeignKey(InspectorAccount, verbose_name=_("inspector account"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    # Frozen at the draw: the pool's USCCs this inspector was excluded for (conflicts), as published in the proof.
    excluded_for = models.JSONField(_("excluded for"), default=list, blank=True)

    class Meta:
        verbose_name = _("plan inspector")
        verbose_name_plural = _("plan inspectors")
        ordering = ["plan_id", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="inspections_inspector_code")]

    def __str__(self):
        return f"{self.name}（{self.unit}）"


class ConflictDeclaration(models.Model):
    """An inspector's declared conflict of interest with an organization (回避), recorded before the draw."""

    inspector = models.ForeignKey(PlanInspector, verbose_name=_("inspector"), on_delete=models.CASCADE,
                                  related_name="declarations")
    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        constraints = [models.UniqueConstraint(fields=["inspector", "organization"],
                                               name="inspections_one_declaration")]

    def __str__(self):
        return f"{self.inspector} · {self.organization}"


class Selection(models.Model):
    """An organization the draw selected, with its key and its assigned inspectors (their codes, in rank order)."""

    scope_domain = "inspections"
    scope_region_field = "plan__region__code"

    plan = models.ForeignKey(InspectionPlan, verbose_name=_("inspection plan"), on_delete=models.CASCADE,
                             related_name="selections")
    position = models.PositiveIntegerField(_("position"))
    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="inspection_selections")
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    key = models.CharField(_("draw key"), max_length=64)
    inspector_codes = models.JSONField(_("assigned inspectors"), default=list)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("selected organization")
        verbose_name_plural = _("selected organizations")
        ordering = ["plan_id", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="inspections_selection_position"),
                       models.UniqueConstraint(fields=["plan", "uscc"], name="inspections_selection_once")]

    def __str__(self):
        return f"{self.plan} · {self.uscc}"


class Inspection(models.Model):
    """The on-site inspection of one selected organization: date, inspectors present (≥ 2), checklist results,
    findings, the rectification order with its deadline, the result, documents."""

    scope_domain = "inspections"
    scope_region_field = "selection__plan__region__code"

    selection = models.OneToOneField(Selection, verbose_name=_("selected organization"), on_delete=models.CASCADE,
                                     related_name="inspection")
    inspected_on = models.DateField(_("inspection date"))
    inspectors_present = models.ManyToManyField(PlanInspector, verbose_name=_("inspectors present"),
                                                related_name="inspections")
    checklist = models.JSONField(_("checklist results"), default=dict)
    findings = models.TextField(_("findings"), blank=True)
    result = models.CharField(_("result"), max_length=16, choices=InspectionResult.choices)
    rectification_order = models.TextField(_("rectification order"), blank=True)
    rectification_deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", db_index=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["rectification_deadline", "rectified_on"], name="inspections_rect_idx")]

    def __str__(self):
        return str(self.selection)

    @property
    def problems_found(self) -> bool:
        from .rules import problems_found

        return problems_found(self.checklist, self.result)


def _document_path(instance, filename: str) -> str:
    import os

    from socorg.activities.attachments import storage_name

    return storage_name("inspections", os.path.splitext(filename)[1].lower())


class InspectionDocument(models.Model):
    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
                                   related_name="documents")
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection document")
        verbose_name_plural = _("inspection documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name
