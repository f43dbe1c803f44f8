from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socorg.core.crypto import EncryptedTextField
from socorg.core.history import HistoryPeriodQuerySet
from socorg.core.scope import ScopedManager, ScopedQuerySet
from socorg.registry.models import is_past, outer_pk

from .choices import (
    JOINT_BRANCH_MAX_ORGS,
    TERM_YEARS_CHOICES,
    Formation,
    Gender,
    InstructorKind,
    InstructorStatus,
    Membership,
    PartyOrgKind,
    PartyOrgStatus,
    ResponsibleBodyKind,
)


def add_years(day, years: int):
    """The same calendar day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def active_on(prefix: str = "", on=None) -> Q:
    """The one definition of a period row (coverage, instructor assignment: start_on / end_on) in force on a date
    (default today): started on or before it, and not ended on or before it (end_on is the first day without).
    `prefix` reaches the rows through a relation."""
    on = on or timezone.localdate()
    return Q(**{f"{prefix}start_on__lte": on}) & (
        Q(**{f"{prefix}end_on__isnull": True}) | Q(**{f"{prefix}end_on__gt": on})
    )


def party_org_active_q(prefix: str = "", on=None, **values) -> Q:
    """The one definition of a party organization in force on a date (docs/domain.md): founded by then — an
    unknown founding date counts — and not dissolved on or before it (status_changed_on records the dissolution).
    For today (None) this is the current status: no date may lie in the future. A past day reads the dated history
    (PartyOrgPeriod, kept by triggers; docs/history.md). `values` (kind, formation, is_functional, region_id) are
    those the party organization had on the day."""
    if not is_past(on):
        return Q(**{f"{prefix}status": PartyOrgStatus.ACTIVE}, **{f"{prefix}{k}": v for k, v in values.items()})
    periods = PartyOrgPeriod.objects.valid_on(on).filter(party_org=OuterRef(outer_pk(prefix)), **values)
    return Q(Exists(periods))


def instructor_on_duty_q(prefix: str = "", on=None) -> Q:
    """The one definition of an instructor or liaison on duty on a date: today their status; for a past date,
    also those who left the post after it."""
    on_duty = Q(**{f"{prefix}status": InstructorStatus.ON_DUTY})
    if is_past(on):
        on_duty |= Q(**{f"{prefix}status": InstructorStatus.LEFT, f"{prefix}left_on__gt": on})
    return on_duty


class PeriodQuerySet(models.QuerySet):
    def active_on(self, day=None):
        """Rows in force on `day` (default today): active_on()."""
        return self.filter(active_on(on=day))


class InstructorQuerySet(ScopedQuerySet):
    def active_on(self, day=None):
        """Instructors and liaisons on duty on `day` (default today): instructor_on_duty_q."""
        return self.filter(instructor_on_duty_q(on=day))


class PartyOrganizationQuerySet(ScopedQuerySet):
    def active_on(self, day=None):
        """Party organizations in force on `day` (default today): party_org_active_q."""
        return self.filter(party_org_active_q(on=day))

    def with_covered_count(self, on=None):
        """Annotate `covered_count`: organizations covered on a date (default today), one correlated subquery."""
        covering = (PartyCoverage.objects.filter(active_on(on=on), party_org=OuterRef("pk")).order_by()
                    .values("party_org").annotate(n=Count("pk")).values("n"))
        return self.annotate(covered_count=Coalesce(Subquery(covering), Value(0), output_field=IntegerField()))

    def too_wide(self, flagged: bool = True):
        """Branches covering more than JOINT_BRANCH_MAX_ORGS organizations today (or, flagged=False, the others)."""
        rows = self.with_covered_count()
        condition = Q(kind=PartyOrgKind.BRANCH, covered_count__gt=JOINT_BRANCH_MAX_ORGS)
        return rows.filter(condition) if flagged else rows.exclude(condition)


class PartyOrganization(models.Model):
    """A party committee, general branch or branch in (or across) social organizations.

    Scope: `region`, the region of the committee that leads it (by default the registration region of the
    organizations it covers). Write only through party.services."""

    scope_domain = "party"
    scope_region_field = "region__code"
    scope_organization_paths = ("coverages__organization",)

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_pinyin = models.CharField(_("name (pinyin)"), max_length=600, blank=True, db_index=True)
    name_initials = models.CharField(_("name (pinyin initials)"), max_length=200, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=PartyOrgKind.choices)
    formation = models.CharField(_("formation"), max_length=32, choices=Formation.choices)
    is_functional = models.BooleanField(_("functional party organization"), default=False)
    parent = models.ForeignKey("self", verbose_name=_("parent party organization"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    organizations = models.ManyToManyField("registry.SocialOrganization", through="PartyCoverage",
                                           verbose_name=_("covered social organizations"),
                                           related_name="party_organizations")
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    has_party_groups = models.BooleanField(_("has party groups"), default=False,
                                           help_text=_("The branch is divided into party groups (党小组), which "
                                                       "meet monthly."))
    secretary_name = models.CharField(_("secretary"), max_length=64, blank=True,
                                      help_text=_("Empty means the post is vacant."))
    secretary_vacant_since = models.DateField(_("secretary vacant since"), null=True, blank=True)
    term_started_on = models.DateField(_("current term started on"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(_("term length"), choices=TERM_YEARS_CHOICES, default=3)
    status = models.CharField(_("status"), max_length=16, choices=PartyOrgStatus.choices,
                              default=PartyOrgStatus.ACTIVE)  # indexed with id (Meta.indexes)
    status_changed_on = models.DateField(_("status change date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PartyOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["region", "status"], name="party_org_region_status_idx"),
            # A county's party organizations (and through them its members) in name order, the lists' default:
            # one index range (core.scope states a county as equality) instead of walking the nation's name index.
            models.Index(fields=["region", "name"], name="party_org_region_name_idx"),
            # Keyset pages (core.keyset) of every order the list offers (party.filters), completed by id: one index
            # range from the cursor at any depth instead of sorting the scope (benchmarks/README.md, lists).
            models.Index(fields=["status", "id"], name="party_org_status_id_idx"),
            models.Index(fields=["kind", "id"], name="party_org_kind_id_idx"),
            models.Index(fields=["formation", "id"], name="party_org_formation_id_idx"),
            models.Index(fields=["founded_on", "id"], name="party_org_founded_id_idx"),
            models.Index(fields=["secretary_vacant_since", "id"], name="party_org_vacant_id_idx"),
            models.Index(fields=["term_started_on", "id"], name="party_org_term_id_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == PartyOrgStatus.ACTIVE

    @property
    def secretary_vacant(self) -> bool:
        return not self.secretary_name

    @property
    def term_ends_on(self):
        """End of the current term (start + 3 or 5 years), None while the term start is unknown."""
        if not self.term_started_on:
            return None
        return add_years(self.term_started_on, self.term_years)

    @property
    def too_wide(self) -> bool:
        """A branch covering more than JOINT_BRANCH_MAX_ORGS organizations: allowed, but flagged for review.

        Reads the `covered_count` annotation (PartyOrganizationQuerySet.with_covered_count) when present."""
        count = getattr(self, "covered_count", None)
        if count is None:
            count = self.coverages.filter(active_on()).count()
        return self.kind == PartyOrgKind.BRANCH and count > JOINT_BRANCH_MAX_ORGS

    def organization_ids(self) -> set[int]:
        """The social organizations this party organization covers or covered: whose own accounts reach it."""
        return set(self.coverages.values_list("organization_id", flat=True))


class PartyCoverage(models.Model):
    """A party organization covers a social organization over a period (end_on empty = still covering)."""

    party_org = models.ForeignKey(PartyOrganization, verbose_name=_("party organization"), on_delete=models.CASCADE,
                                  related_name="coverages")
    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="coverages")
    start_on = models.DateField(_("from"), default=timezone.localdate)
    end_on = models.DateField(_("until"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        db_table = "party_coverage"  # the name the coverage triggers and raw SQL use
        verbose_name = _("coverage")
        verbose_name_plural = _("coverages")
        indexes = [
            models.Index(fields=["organization", "end_on"], name="party_cov_org_end_idx"),
            models.Index(fields=["party_org", "end_on"], name="party_cov_party_end_idx"),
        ]

    def __str__(self):
        return f"{self.party_org} → {self.organization}"


class PartyMember(models.Model):
    """A party member. The ID number and phone are encrypted at rest; the ID number has an HMAC blind index for
    exact look-up and de-duplication. Show them masked; revealing needs members.reveal and is audited."""

    scope_domain = "members"
    scope_region_field = "party_org__region__code"

    name = models.CharField(_("name"), max_length=64)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_index = models.CharField(_("ID number index"), max_length=64, blank=True, db_index=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    membership = models.CharField(_("membership"), max_length=16, choices=Membership.choices,
                                  default=Membership.FULL)
    joined_on = models.DateField(_("joined the party on"), null=True, blank=True)
    probation_ends_on = models.DateField(_("probation ends on"), null=True, blank=True)
    party_org = models.ForeignKey(PartyOrganization, verbose_name=_("party organization"),
                                  on_delete=models.PROTECT, related_name="members")
    employer = models.ForeignKey("registry.SocialOrganization", verbose_name=_("employing social organization"),
                                 null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    is_full_time_staff = models.BooleanField(
        _("full-time staff of the standing office"), default=False,
        help_text=_("Works full time in the employing organization's standing office (专职工作人员); counts toward "
                    "should-build where the deployment counts full-time staff only."))
    is_active = models.BooleanField(_("active"), default=True)  # indexed with id (Meta.indexes)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], condition=~Q(id_number_index=""),
                                    name="party_member_unique_id_number"),
        ]
        indexes = [
            models.Index(fields=["employer", "is_active", "membership"], name="party_member_employer_idx"),
            # The list's default ordering: the first page is read in index order instead of sorting every member.
            models.Index(fields=["name", "id"], name="party_member_name_id_idx"),
            # Keyset pages of the list's other orders (party.filters), completed by id: without them a page of the
            # nation's members sorted by joining date or membership sorted three million rows.
            models.Index(fields=["joined_on", "id"], name="party_member_joined_id_idx"),
            models.Index(fields=["membership", "id"], name="party_member_membership_id_idx"),
            models.Index(fields=["is_active", "id"], name="party_member_active_id_idx"),
            # A scope's members are read party organization by party organization (scopes are regions of party
            # organizations): with the membership and the name in the index, counting a province's probationary
            # members, or those whose name contains a word, reads the index alone (benchmarks/README.md, search).
            # Beside the party_org index, not in its place: PostgreSQL rates a heap walk through a multi-column
            # index as less ordered (correlation × 0.75: cost 132 instead of 13 for one party organization's
            # members), and without the single-column index a county's member list sorted its party
            # organizations instead of walking them in name order (15 → 77 ms).
            models.Index(fields=["party_org", "membership", "name"], name="party_member_org_ms_name_idx"),
        ]

    def __str__(self):
        return self.name


class Instructor(models.Model):
    """A party-building instructor (党建工作指导员) or committee liaison (挂钩联系) sent to organizations."""

    scope_domain = "party"
    scope_region_field = "region__code"

    kind = models.CharField(_("kind"), max_length=16, choices=InstructorKind.choices,
                            default=InstructorKind.INSTRUCTOR)
    name = models.CharField(_("name"), max_length=64)
    name_pinyin = models.CharField(_("name (pinyin)"), max_length=200, blank=True, db_index=True)
    name_initials = models.CharField(_("name (pinyin initials)"), max_length=64, blank=True, db_index=True)
    unit_and_post = models.CharField(_("unit and post"), max_length=200, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = models.CharField(_("phone index"), max_length=64, blank=True, db_index=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("dispatching region"), on_delete=models.PROTECT,
                               related_name="+")
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=InstructorStatus.choices,
                              default=InstructorStatus.ON_DUTY, db_index=True)
    left_on = models.DateField(_("left the post on"), null=True, blank=True)
    organizations = models.ManyToManyField("registry.SocialOrganization", through="InstructorAssignment",
                                           verbose_name=_("assigned social organizations"),
                                           related_name="instructors")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InstructorQuerySet.as_manager()

    class Meta:
        verbose_name = _("instructor or liaison")
        verbose_name_plural = _("instructors and liaisons")
        ordering = ["name", "id"]
        constraints = [
            # The ledger's key for an instructor is name + phone.
            models.UniqueConstraint(fields=["name", "phone_index"], condition=~Q(phone_index=""),
                                    name="party_instructor_unique_name_phone"),
        ]

    def __str__(self):
        return self.name


class InstructorAssignment(models.Model):
    instructor = models.ForeignKey(Instructor, verbose_name=_("instructor"), on_delete=models.CASCADE,
                                   related_name="assignments")
    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="instructor_assignments")
    start_on = models.DateField(_("from"), default=timezone.localdate)
    end_on = models.DateField(_("until"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("instructor assignment")
        verbose_name_plural = _("instructor assignments")
        indexes = [models.Index(fields=["organization", "end_on"], name="party_assign_org_end_idx")]

    def __str__(self):
        return f"{self.instructor} → {self.organization}"


class ResponsibleBody(models.Model):
    """A party body responsible for the party building of social organizations (党建工作管理关系): the bureau's
    社会组织综合党委, an industry 行业党委, a supervising unit's party organization, or a 属地 street / township
    committee. Scope: `region`, where the body sits (a 行业党委 may be responsible for organizations of many
    regions)."""

    scope_domain = "party"
    scope_region_field = "region__code"

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ResponsibleBodyKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("responsible party body")
        verbose_name_plural = _("responsible party bodies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Responsibility(models.Model):
    """A body is responsible for an organization's party building over a period: `start_on` is the day it took
    over, `end_on` (empty = still) the day another took over (a 脱钩 hand-over ends one and starts the next).
    Write only through party.services.responsibility."""

    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="responsibilities")
    body = models.ForeignKey(ResponsibleBody, verbose_name=_("responsible party body"), on_delete=models.PROTECT,
                             related_name="responsibilities")
    start_on = models.DateField(_("took over on"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True,
                              help_text=_("E.g. 脱钩: the industry association left its supervising unit."))

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("party-building responsibility")
        verbose_name_plural = _("party-building responsibilities")
        ordering = ["organization", "start_on"]
        indexes = [models.Index(fields=["organization", "end_on"], name="party_resp_org_end_idx"),
                   models.Index(fields=["body", "end_on"], name="party_resp_body_end_idx")]
        constraints = [models.UniqueConstraint(fields=["organization"], condition=Q(end_on__isnull=True),
                                               name="party_resp_one_current")]

    def __str__(self):
        return f"{self.body} → {self.organization}"


class PartyOrgPeriod(models.Model):
    """A stretch of time [valid_from, valid_to) during which a party organization was in force (founded, not
    dissolved) with these values (docs/history.md). Kept by database triggers (party.history); never by hand."""

    # db_index=False: the composite (party_org, valid_to) index serves every lookup by party organization
    party_org = models.ForeignKey(PartyOrganization, verbose_name=_("party organization"),
                                  on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                  related_name="periods")
    kind = models.CharField(_("kind"), max_length=32, choices=PartyOrgKind.choices)
    formation = models.CharField(_("formation"), max_length=32, choices=Formation.choices)
    is_functional = models.BooleanField(_("functional party organization"), default=False)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.DO_NOTHING,
                               db_constraint=False, related_name="+")
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)

    objects = HistoryPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("party organization period")
        verbose_name_plural = _("party organization periods")
        default_permissions = ()
        indexes = [models.Index(fields=["party_org", "valid_to"], name="party_orgperiod_org_idx")]

    def __str__(self):
        return f"{self.party_org_id} {self.valid_from or '…'}–{self.valid_to or '…'}"


class MemberPeriod(models.Model):
    """A stretch of time [valid_from, valid_to) during which a party member was on the records (joined, not left)
    with this employer, party organization and membership: joins, leaves, transfers and 转正 as dated rows
    (docs/history.md). Kept by database triggers (party.history); never by hand."""

    # db_index=False on member and employer: the composite (member, valid_to) and (employer, valid_to) indexes
    # serve every lookup by either
    member = models.ForeignKey(PartyMember, verbose_name=_("party member"), on_delete=models.DO_NOTHING,
                               db_constraint=False, db_index=False, related_name="periods")
    employer = models.ForeignKey("registry.SocialOrganization", verbose_name=_("employing social organization"),
                                 null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                 db_index=False, related_name="+")
    party_org = models.ForeignKey(PartyOrganization, verbose_name=_("party organization"),
                                  on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    membership = models.CharField(_("membership"), max_length=16, choices=Membership.choices)
    is_full_time_staff = models.BooleanField(_("full-time staff of the standing office"), default=False)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)

    objects = HistoryPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member period")
        verbose_name_plural = _("party member periods")
        default_permissions = ()
        indexes = [models.Index(fields=["member", "valid_to"], name="party_mperiod_member_idx"),
                   models.Index(fields=["employer", "valid_to"], name="party_mperiod_employer_idx")]

    def __str__(self):
        return f"{self.member_id} {self.valid_from or '…'}–{self.valid_to or '…'}"
