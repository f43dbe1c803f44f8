from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socorg.core.scope import ScopedManager

from .choices import Conclusion, ReportStatus
from .synchronization import SyncEvent, SyncState

MONEY = {"max_digits": 16, "decimal_places": 2, "null": True, "blank": True}


class AnnualReport(models.Model):
    """One organization's annual work report (年度工作报告) for one year, filed by the organization and reviewed by
    the registration authority. Write only through reports.services (validation, workflow, audit).

    Scope: the registration authority's region, like the organization itself. The party-building section is a
    snapshot of the registry as of 31 December of the year (reports.party_building), refreshed while the report is
    a draft and frozen when it is submitted; the organization cannot change it, only comment on it."""

    scope_domain = "reports"
    scope_region_field = "organization__authority_region__code"
    scope_organization_paths = ("organization",)
    # A province's or a prefecture's queue is one equality on the report itself (core.scope.region_subtree).
    scope_level_fields = {2: "province_prefix", 4: "prefecture_prefix"}

    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("year reported"))
    # Derived state: the first 2 and 4 digits of the organization's authority region (its province's and its
    # prefecture's scope prefix), set and kept in step by the triggers of reports.triggers (REGION_TRIGGERS) on every
    # write of a report and every move of its organization. Never set them: whatever is written is replaced.
    province_prefix = models.CharField(_("province of the registration authority"), max_length=2, null=True,
                                       editable=False)
    prefecture_prefix = models.CharField(_("prefecture of the registration authority"), max_length=4, null=True,
                                         editable=False)
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    due_on = models.DateField(_("due on"))
    # Basic information: changes the organization proposes to its registry record ({field: value}); the bureau
    # applies them through the registry, nothing is typed over here.
    proposed_changes = models.JSONField(_("proposed changes to the registry record"), default=dict, blank=True)
    # Governance.
    member_meetings_held = models.PositiveSmallIntegerField(_("member (representative) assemblies held"),
                                                            null=True, blank=True)
    council_meetings_held = models.PositiveSmallIntegerField(_("council meetings held"), null=True, blank=True)
    election_on_time = models.BooleanField(_("board re-election held on time"), null=True, blank=True)
    leader_changes = models.TextField(_("changes of responsible persons"), blank=True)
    # Finances, in yuan. Income is the sum of its parts; net assets may be negative.
    donation_income = models.DecimalField(_("donation income"), **MONEY)
    government_income = models.DecimalField(_("government grants and purchases"), **MONEY)
    service_income = models.DecimalField(_("service and membership income"), **MONEY)
    other_income = models.DecimalField(_("other income"), **MONEY)
    total_income = models.DecimalField(_("total income"), **MONEY)
    total_expenditure = models.DecimalField(_("total expenditure"), **MONEY)
    net_assets = models.DecimalField(_("net assets at year end"), **MONEY)
    charitable_spending = models.DecimalField(_("charitable activity spending"), **MONEY)
    activities_summary = models.TextField(_("main activities"), blank=True)
    # Party building: pre-filled, read-only to the organization.
    party_building = models.JSONField(_("party building (as of 31 December)"), default=dict, blank=True)
    party_building_comment = models.TextField(_("comment on the party-building section"), blank=True)
    # Workflow.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    late = models.BooleanField(_("submitted late"), default=False)
    return_reasons = models.TextField(_("reasons for return"), blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=24, choices=Conclusion.choices, blank=True)
    review_reasons = models.TextField(_("review reasons"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="reports_one_per_org_year"),
            models.CheckConstraint(condition=Q(status=ReportStatus.REVIEWED) | Q(conclusion=""),
                                   name="reports_conclusion_only_when_reviewed"),
        ]
        # The review queue: a year's reports by status, newest submission first.
        indexes = [models.Index(fields=["year", "status", "-submitted_at"], name="reports_queue_idx"),
                   # The queue's default order (every status of a year, newest submission first).
                   models.Index(fields=["year", "-submitted_at", "-id"], name="reports_year_submitted_idx"),
                   # The same order within a province and within a prefecture (a county's queue is small: sorted).
                   models.Index(fields=["year", "province_prefix", "-submitted_at", "-id"],
                                name="reports_province_queue_idx"),
                   models.Index(fields=["year", "prefecture_prefix", "-submitted_at", "-id"],
                                name="reports_prefecture_queue_idx")]

    def __str__(self):
        return f"{self.organization} · {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class PartyBuildingCorrection(models.Model):
    """A difference the organization flagged in its pre-filled party-building section: a task for the bureau to
    check the registry (the figures themselves are never changed from the report)."""

    scope_domain = "reports"
    scope_region_field = "report__organization__authority_region__code"
    scope_organization_paths = ("report__organization",)

    report = models.ForeignKey(AnnualReport, verbose_name=_("annual report"), on_delete=models.CASCADE,
                               related_name="corrections")
    comment = models.TextField(_("comment"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", db_index=False)
    resolution = models.TextField(_("resolution"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("party-building correction")
        verbose_name_plural = _("party-building corrections")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.report} · {self.comment[:40]}"


def _evidence_path(instance, filename: str) -> str:
    import os

    from socorg.activities.attachments import storage_name

    return storage_name("sync", os.path.splitext(filename)[1].lower())


class SyncCheck(models.Model):
    """One item of a 三同步 checklist for one organization and one occasion of an event (the registration, the
    annual report of a year, an evaluation, a re-election): done / not done / not applicable, who checked it, with
    an optional evidence file. Write only through reports.services.sync_check_record."""

    scope_domain = "reports"
    scope_region_field = "organization__authority_region__code"

    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="sync_checks")
    event = models.CharField(_("event"), max_length=16, choices=SyncEvent.choices)
    occasion = models.CharField(_("occasion"), max_length=16, blank=True,
                                help_text=_("The year of the annual report or evaluation, the date of a re-election; "
                                            "empty for the registration."))
    item = models.CharField(_("item"), max_length=48)
    state = models.CharField(_("state"), max_length=16, choices=SyncState.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    evidence = models.FileField(_("evidence"), upload_to=_evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    checked_at = models.DateTimeField(_("checked at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("三同步 check")
        verbose_name_plural = _("三同步 checks")
        ordering = ["event", "occasion", "item"]
        constraints = [models.UniqueConstraint(fields=["organization", "event", "occasion", "item"],
                                               name="reports_one_check_per_item")]
        indexes = [models.Index(fields=["event", "occasion", "item", "state"], name="reports_sync_item_idx")]

    def __str__(self):
        return f"{self.organization} · {self.event} {self.occasion} · {self.item}"


class ReportOrgBucket(models.Model):
    """Maintained counts of organizations by what decides which years they are due (derived state, kept by the
    triggers of reports.triggers; never edit by hand — `socorg annual-report-stats --check` compares with a
    recount). An organization is due for year Y when first_due_year ≤ Y < end_year, exempt for Y when
    second_half and first_due_year = Y + 1 and Y < end_year. Years before SOCORG_REPORT_MAINTAINED_FROM are not
    kept (first_due_year is clamped, rows ending before it are left out): figures for them are counted live."""

    # No index of its own: the key (rollup, region, …) serves every read (a province's or the nation's totals, a
    # region's range) and the triggers' upserts; a region b-tree and its pattern twin only slowed every upsert.
    region = models.ForeignKey("regions.Region", verbose_name=_("registration authority region"),
                               on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    supervised = models.BooleanField(_("has a supervising unit"))
    first_due_year = models.IntegerField(_("first year due"))
    second_half = models.BooleanField(_("registered in the second half of the year before"))
    end_year = models.IntegerField(_("first year no longer due"))
    # The same counts a second time per province (region = the province's code): a national figure then reads a
    # few thousand rows instead of one row set per county.
    rollup = models.BooleanField(_("province total"), default=False)
    orgs = models.BigIntegerField(_("organizations"), default=0)

    class Meta:
        verbose_name = _("annual-report organization counts")
        verbose_name_plural = _("annual-report organization counts")
        default_permissions = ()
        constraints = [models.UniqueConstraint(
            fields=["rollup", "region", "supervised", "first_due_year", "second_half", "end_year"],
            name="reports_bucket_key")]

    def __str__(self):
        return f"{self.region_id} {self.first_due_year}–{self.end_year}: {self.orgs}"


class ReportYearCounts(models.Model):
    """Maintained counts of the reports of one year, per registration-authority region and supervised or not
    (derived state, kept by the triggers of reports.triggers). `submitted_due` counts submitted reports of
    organizations due that year, so overdue = due − submitted_due once the deadline has passed."""

    region = models.ForeignKey("regions.Region", verbose_name=_("registration authority region"),
                               on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    year = models.IntegerField(_("year reported"))
    supervised = models.BooleanField(_("has a supervising unit"))
    submitted = models.BigIntegerField(_("submitted"), default=0)
    late = models.BigIntegerField(_("late"), default=0)
    reviewed = models.BigIntegerField(_("reviewed"), default=0)
    qualified = models.BigIntegerField(_("qualified"), default=0)
    basically_qualified = models.BigIntegerField(_("basically qualified"), default=0)
    unqualified = models.BigIntegerField(_("unqualified"), default=0)
    submitted_due = models.BigIntegerField(_("submitted by organizations due"), default=0)

    class Meta:
        verbose_name = _("annual-report year counts")
        verbose_name_plural = _("annual-report year counts")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["region", "year", "supervised"],
                                               name="reports_year_counts_key")]
        indexes = [models.Index(fields=["year", "region"], name="reports_year_counts_idx")]

    def __str__(self):
        return f"{self.region_id} {self.year}: {self.submitted}"
