import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socorg.core.crypto import EncryptedTextField
from socorg.core.history import HistoryPeriodQuerySet
from socorg.core.scope import ScopedQuerySet

from .choices import REGISTERED_STATUSES, AuthorityLevel, Category, FilingStatus, OrgStatus, OrgType


def is_past(day: datetime.date | None) -> bool:
    """A date before today; None means today."""
    return day is not None and day < timezone.localdate()


def org_active_q(prefix: str = "", on: datetime.date | None = None) -> Q:
    """The one definition of a social organization in force on a date (docs/domain.md, "In force on a date"):
    registered by then — an unknown registration date counts, unknown is not "later" — and not deregistered or
    revoked on or before it. For today (None) this is the current status: no date may lie in the future, and the
    maintained counts (coverage.triggers) read the status. Still registered = REGISTERED_STATUSES (限期停止活动
    suspends the activities, not the registration). `prefix` reaches the organization through a relation."""
    if not is_past(on):
        return Q(**{f"{prefix}status__in": REGISTERED_STATUSES})
    # A past day reads the dated history (OrgPeriod, kept by triggers; docs/history.md): the periods start at the
    # registration date (unknown: always) and end at deregistration or revocation, as the rule above says, and a
    # change recorded later does not reach back before its day.
    return Q(Exists(OrgPeriod.objects.valid_on(on).filter(organization=OuterRef(outer_pk(prefix)))))


def org_dated_q(prefix: str = "", on: datetime.date | None = None) -> Q:
    """In force on a date judged from the row's current dates alone (registered_on, status, status_changed_on), not
    from the history: the rule the annual-report counts are kept by (reports.triggers derive each organization's due
    years from these columns), so the reports' live recount reads it too and the two agree. Every other "in force
    on a date" question asks org_active_q."""
    if not is_past(on):
        return Q(**{f"{prefix}status__in": REGISTERED_STATUSES})
    registered = Q(**{f"{prefix}registered_on__isnull": True}) | Q(**{f"{prefix}registered_on__lte": on})
    not_ended = Q(**{f"{prefix}status__in": REGISTERED_STATUSES}) | Q(**{f"{prefix}status_changed_on__gt": on})
    return registered & not_ended


def outer_pk(prefix: str) -> str:
    """The path to the primary key of the row a `prefix` ("", "organization__", …) reaches (its foreign key)."""
    return f"{prefix[:-2]}_id" if prefix else "pk"


class SocialOrganizationQuerySet(ScopedQuerySet):
    def active_on(self, day: datetime.date | None = None):
        """Organizations in force on `day` (default today): org_active_q."""
        return self.filter(org_active_q(on=day))


class SocialOrganization(models.Model):
    """A registered social organization, keyed by its unified social credit code (USCC).

    Scope: the registration authority's region. Write only through registry.services (validation, audit).
    The coverage flags are derived state maintained by socorg.coverage.state (the only writer of them); never set
    them by hand — a property test compares them with a from-scratch recount."""

    scope_domain = "registry"
    scope_region_field = "authority_region__code"
    scope_organization_paths = ("pk",)

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    name_pinyin = models.CharField(_("name (pinyin)"), max_length=600, blank=True)
    name_initials = models.CharField(_("name (pinyin initials)"), max_length=200, blank=True, db_index=True)
    org_type = models.CharField(_("type"), max_length=32, choices=OrgType.choices)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, default=Category.OTHER)
    authority_region = models.ForeignKey("regions.Region", verbose_name=_("registration authority region"),
                                         on_delete=models.PROTECT, related_name="+")
    authority_level = models.CharField(_("registration level"), max_length=16, choices=AuthorityLevel.choices)
    supervisor = models.CharField(_("supervising unit"), max_length=200, blank=True,
                                  help_text=_("Empty means direct registration."))
    registered_on = models.DateField(_("registration date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    status_changed_on = models.DateField(_("status change date"), null=True, blank=True)
    status_reason = models.CharField(_("status change reason"), max_length=500, blank=True)
    declared_full_members = models.PositiveIntegerField(_("declared full party members"), default=0)
    declared_probationary_members = models.PositiveIntegerField(_("declared probationary party members"), default=0)
    # Effective counts: from member records where any exist, else the declared counts (party app maintains them).
    full_members = models.PositiveIntegerField(_("full party members"), default=0)
    probationary_members = models.PositiveIntegerField(_("probationary party members"), default=0)
    # The full members counted toward should-build (应建) on the deployment's basis (SOCORG_SHOULD_BUILD_BASIS):
    # full_members, or only those among the member records who are full-time staff of the standing office.
    basis_full_members = models.PositiveIntegerField(_("full party members counted for should-build"), default=0)
    party_clause_in_charter = models.BooleanField(_("party building in charter"), default=False)
    legal_representative = models.CharField(_("legal representative"), max_length=64, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    # Derived coverage state (two coverages), maintained on write.
    org_covered = models.BooleanField(_("organizationally covered"), default=False)
    org_covered_formal = models.BooleanField(_("organizationally covered (formal party organizations)"),
                                             default=False)
    work_covered = models.BooleanField(_("work covered"), default=False)
    standalone = models.BooleanField(_("standalone party organization"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SocialOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("social organization")
        verbose_name_plural = _("social organizations")
        ordering = ["uscc"]
        indexes = [
            # Coverage aggregates and scoped lists read (region, status, flags) together.
            models.Index(fields=["authority_region", "status", "org_covered", "work_covered", "standalone"],
                         name="registry_org_coverage_idx"),
            models.Index(fields=["status", "authority_region"], name="registry_org_status_region_idx"),
            # Keyset pages (core.keyset) of the list's orders: the default (region, code) and the sortable columns
            # completed by id, so that a cursor is one index range in any scope (benchmarks/README.md, lists).
            models.Index(fields=["authority_region", "uscc"], name="registry_org_region_uscc_idx"),
            models.Index(fields=["registered_on", "id"], name="registry_org_registered_id_idx"),
            models.Index(fields=["full_members", "id"], name="registry_org_members_id_idx"),
            # Single-column indexes, each with a reader; the rest were dropped for the cost every insert pays (30
            # indexes made an organization's insert 26-61 times a bare row; benchmarks/README.md, ledger). Status
            # and full members are the leading columns of the indexes above; nothing looks up or sorts by the name
            # (searches go through the trigram and bigram indexes); and no query on these columns or the region is
            # a LIKE 'x%', so none needs the varchar_pattern_ops twin Django adds to an indexed CharField (the
            # region's is dropped by migration 0011) — except the initials (`organization__name_initials__
            # startswith` in the reports, projects and credit filters) and the code (the coverage list's
            # `uscc__startswith`). The region keeps its narrow plain index (the FK's): a scope sorted by another
            # column (full members, registration date) reads the scope from it and sorts (4 ms for a prefecture of
            # the national set); with only the wide composites the planner walked the sort index instead (185 ms).
            models.Index(fields=["org_type"], name="registry_org_type_idx"),
            models.Index(fields=["category"], name="registry_org_category_idx"),
            models.Index(fields=["name_pinyin"], name="registry_org_pinyin_idx"),  # the lists' pinyin sort
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        """Still registered (normal, or activities suspended for a period): not deregistered or revoked."""
        return self.status in REGISTERED_STATUSES

    @property
    def is_direct_registration(self) -> bool:
        return not self.supervisor


def filed_active_q(prefix: str = "", on: datetime.date | None = None) -> Q:
    """The one definition of a filed community organization in force on a date: filed by then (an unknown filing
    date counts) and its filing not cancelled on or before it. For today (None) the current status."""
    if not is_past(on):
        return Q(**{f"{prefix}status": FilingStatus.FILED})
    filed = Q(**{f"{prefix}filed_on__isnull": True}) | Q(**{f"{prefix}filed_on__lte": on})
    return filed & (Q(**{f"{prefix}status": FilingStatus.FILED}) | Q(**{f"{prefix}status_changed_on__gt": on}))


class FiledCommunityOrganizationQuerySet(ScopedQuerySet):
    def active_on(self, day: datetime.date | None = None):
        """Filed community organizations in force on `day` (default today): filed_active_q."""
        return self.filter(filed_active_q(on=day))


class FiledCommunityOrganization(models.Model):
    """A community social organization (社区社会组织) filed (备案) with a street office or township government, not
    registered: it has no USCC. Keyed by its 备案编号. Counted apart from registered organizations: never in their
    totals or rates (docs/domain.md). Scope: the county (or district) of the filing street/township."""

    scope_domain = "registry"
    scope_region_field = "filing_region__code"

    filing_number = models.CharField(_("filing number"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    filing_region = models.ForeignKey("regions.Region", verbose_name=_("filing region"), on_delete=models.PROTECT,
                                      related_name="+",
                                      help_text=_("The county-level region of the filing street or township."))
    filing_township = models.CharField(_("filing street or township"), max_length=100,
                                       help_text=_("The street office or township government it is filed with."))
    filed_on = models.DateField(_("filing date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=FilingStatus.choices, default=FilingStatus.FILED,
                              db_index=True)
    status_changed_on = models.DateField(_("status change date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FiledCommunityOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("filed community organization")
        verbose_name_plural = _("filed community organizations")
        ordering = ["filing_number"]
        indexes = [models.Index(fields=["status", "filing_region"], name="registry_filed_status_idx")]

    def __str__(self):
        return self.name


class OrgPeriod(models.Model):
    """A stretch of time [valid_from, valid_to) during which a social organization was registered (in force) with
    these values: the dated history "as of" figures read (docs/history.md). Kept by database triggers on
    registry_socialorganization (registry.history); never written by hand."""

    # db_index=False: the composite (organization, valid_to) index serves every lookup by organization
    organization = models.ForeignKey(SocialOrganization, verbose_name=_("social organization"),
                                     on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                     related_name="periods")
    status = models.CharField(_("status"), max_length=16, choices=OrgStatus.choices)
    authority_region = models.ForeignKey("regions.Region", verbose_name=_("registration authority region"),
                                         on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    org_type = models.CharField(_("type"), max_length=32, choices=OrgType.choices)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    authority_level = models.CharField(_("registration level"), max_length=16, choices=AuthorityLevel.choices)
    declared_full_members = models.PositiveIntegerField(_("declared full party members"), default=0)
    declared_probationary_members = models.PositiveIntegerField(_("declared probationary party members"),
                                                                default=0)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)

    objects = HistoryPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization period")
        verbose_name_plural = _("organization periods")
        default_permissions = ()
        indexes = [models.Index(fields=["organization", "valid_to"], name="registry_orgperiod_org_idx")]

    def __str__(self):
        return f"{self.organization_id} {self.valid_from or '…'}–{self.valid_to or '…'}"
