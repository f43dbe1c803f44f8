from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socorg.core.scope import ScopedManager

from .choices import GRADE_RANK, Grade, RatingStatus, ScorecardKind


class Scorecard(models.Model):
    """One version of a scorecard (评分标准), per deployment: sections and criteria with points, star thresholds and
    vetoes (the `definition`, validated by ratings.rules.scorecard_problems). Versioned: a new version applies from
    its `first_cycle` on; ratings keep the version they were scored with. Deployment-wide, so not region-scoped:
    write only through ratings.services.scorecard_create (a national grant or system.configure)."""

    kind = models.CharField(_("kind"), max_length=16, choices=ScorecardKind.choices)
    code = models.CharField(_("code"), max_length=48)
    version = models.PositiveSmallIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    first_cycle = models.PositiveSmallIntegerField(_("applies from the year"))
    definition = models.JSONField(_("definition"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["kind", "-first_cycle", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "code", "version"], name="ratings_scorecard_version")]

    def __str__(self):
        return f"{self.name}（{self.version}）"

    @property
    def total(self) -> int:
        return int(self.definition.get("total", 0))


class Rating(models.Model):
    """The star rating (评星定级) of one party organization for one cycle (a year).

    `criteria` holds every criterion of the scorecard version: computed points with their evidence, the branch's
    self-assessment of judged items, the committee's adjustments with reasons. Write only through ratings.services
    (compute, self-assessment, review, approval, publication, suspension). Scope: the party organization's region;
    an organization's own account reaches the ratings of the party organizations covering it."""

    scope_domain = "ratings"
    scope_region_field = "region__code"
    scope_organization_paths = ("party_org__coverages__organization",)

    party_org = models.ForeignKey("party.PartyOrganization", verbose_name=_("party organization"),
                                  on_delete=models.CASCADE, related_name="ratings")
    cycle = models.PositiveSmallIntegerField(_("cycle (year)"))
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    scorecard = models.ForeignKey(Scorecard, verbose_name=_("scorecard"), on_delete=models.PROTECT,
                                  related_name="ratings", db_index=False)
    as_of = models.DateField(_("records as of"))
    status = models.CharField(_("status"), max_length=16, choices=RatingStatus.choices,
                              default=RatingStatus.COMPUTED)
    criteria = models.JSONField(_("criteria"), default=list)
    computed_points = models.DecimalField(_("computed points"), max_digits=6, decimal_places=1, default=0)
    total_points = models.DecimalField(_("total points"), max_digits=6, decimal_places=1, default=0)
    stars = models.PositiveSmallIntegerField(_("stars"), default=0)
    vetoes = models.JSONField(_("vetoes"), default=list, blank=True)
    self_assessed_at = models.DateTimeField(_("self-assessed at"), null=True, blank=True)
    self_assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("self-assessed by"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", db_index=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", db_index=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Dynamic management: a veto event after publication suspends the star, with a notice.
    suspended_on = models.DateField(_("star suspended on"), null=True, blank=True)
    suspension_notice = models.TextField(_("suspension notice"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("star rating")
        verbose_name_plural = _("star ratings")
        ordering = ["-cycle", "region_id", "party_org_id"]
        constraints = [
            models.UniqueConstraint(fields=["party_org", "cycle"], name="ratings_one_per_party_org_cycle"),
            models.CheckConstraint(condition=Q(stars__lte=5), name="ratings_stars_at_most_5"),
        ]
        indexes = [models.Index(fields=["cycle", "region", "stars"], name="ratings_cycle_region_idx"),
                   # The list's keyset order within a cycle (most points first, then party organization and id).
                   models.Index(fields=["cycle", "-total_points", "party_org", "id"],
                                name="ratings_cycle_points_idx")]

    def __str__(self):
        return f"{self.party_org} · {self.cycle}"

    @property
    def is_suspended(self) -> bool:
        return self.suspended_on is not None

    @property
    def shown_stars(self) -> int:
        """The stars shown as held: published and not suspended (0 otherwise)."""
        return self.stars if self.status == RatingStatus.PUBLISHED and not self.is_suspended else 0


class RatingCounts(models.Model):
    """Maintained counts of the star ratings of a cycle per region, stars, status and suspension: derived state, kept
    equal to the ratings by the database triggers of ratings.triggers, so the star figures above the list read a few
    rows per region instead of every rating of the cycle. Scoped by the ratings' own region; an organization's own
    account (which reaches ratings through its party organization, not a region) is counted from the ratings."""

    scope_domain = "ratings"
    scope_region_field = "region__code"

    cycle = models.PositiveSmallIntegerField(_("cycle (year)"))
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.DO_NOTHING,
                               db_constraint=False, db_index=False, related_name="+")
    stars = models.PositiveSmallIntegerField(_("stars"))
    status = models.CharField(_("status"), max_length=16, choices=RatingStatus.choices)
    suspended = models.BooleanField(_("star suspended"))
    ratings = models.BigIntegerField(_("ratings"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("star rating counts")
        verbose_name_plural = _("star rating counts")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["cycle", "region", "stars", "status", "suspended"],
                                               name="ratings_counts_key")]

    def __str__(self):
        return f"{self.cycle} {self.region_id} {self.stars}: {self.ratings}"


class ModelBranch(models.Model):
    """A model branch (示范点 / 标准化规范化示范党支部): a designation of a party organization for a period, on the
    deployment's criteria (the basis is recorded). Write only through ratings.services.model_branch_designate."""

    scope_domain = "ratings"
    scope_region_field = "party_org__region__code"
    scope_organization_paths = ("party_org__coverages__organization",)

    party_org = models.ForeignKey("party.PartyOrganization", verbose_name=_("party organization"),
                                  on_delete=models.CASCADE, related_name="model_designations")
    title = models.CharField(_("designation"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"))
    basis = models.TextField(_("criteria met"))
    decision_number = models.CharField(_("decision number"), max_length=100)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("model branch designation")
        verbose_name_plural = _("model branch designations")
        ordering = ["-valid_from", "party_org_id"]
        constraints = [models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")),
                                              name="ratings_model_branch_period")]

    def __str__(self):
        return f"{self.party_org} · {self.title}"


class EvaluationGrade(models.Model):
    """The evaluation grade (社会组织评估等级, 5A…1A) an organization was given, valid for a period (5 years by
    default). Periods of one organization never overlap (ratings.services.evaluation_record checks it under a
    lock). Read the grade in force with ratings.queries.current_grade / current_grades."""

    scope_domain = "ratings"
    scope_region_field = "organization__authority_region__code"
    scope_organization_paths = ("organization",)

    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="evaluation_grades")
    grade = models.CharField(_("grade"), max_length=2, choices=Grade.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"))
    decision_number = models.CharField(_("decision number"), max_length=100)
    scorecard = models.ForeignKey(Scorecard, verbose_name=_("scorecard"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+", db_index=False)
    total_points = models.DecimalField(_("total points"), max_digits=6, decimal_places=1, null=True, blank=True)
    party_building = models.JSONField(_("party-building section"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("evaluation grade")
        verbose_name_plural = _("evaluation grades")
        ordering = ["-valid_from", "organization_id"]
        constraints = [models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")),
                                              name="ratings_grade_period"),
                       models.CheckConstraint(condition=Q(grade__in=Grade.values), name="ratings_grade_known")]
        indexes = [models.Index(fields=["organization", "valid_to"], name="ratings_grade_org_idx"),
                   models.Index(fields=["valid_to"], name="ratings_grade_expiry_idx"),
                   # The evaluation list's keyset order (latest first, ties by id ascending).
                   models.Index(fields=["-valid_from", "id"], name="ratings_grade_from_id_idx")]

    def __str__(self):
        return f"{self.organization} · {self.grade}"

    @property
    def rank(self) -> int:
        """1 (1A) … 5 (5A)."""
        return GRADE_RANK[Grade(self.grade)]


class EvaluationRound(models.Model):
    """An evaluation round (一轮社会组织等级评估): the year, the registration authority that runs it (its region and
    name), the evaluation scorecard it scores with (party building weighed as a section: the presets 10 of 100 or
    100 of 200, or the deployment's own), the dates, and its participating organizations (RoundEntry). Write only
    through ratings.services.round_create / round_enter / round_grade."""

    scope_domain = "ratings"
    scope_region_field = "region__code"

    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey("regions.Region", verbose_name=_("region of the registration authority"),
                               on_delete=models.PROTECT, related_name="+")
    authority = models.CharField(_("registration authority"), max_length=200)
    scorecard = models.ForeignKey(Scorecard, verbose_name=_("scorecard"), on_delete=models.PROTECT,
                                  related_name="rounds", db_index=False)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year", "region_id", "-opens_on"]
        constraints = [models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")),
                                              name="ratings_round_dates")]

    def __str__(self):
        return f"{self.authority} · {self.year}"


class RoundEntry(models.Model):
    """A participating organization of an evaluation round: its eligibility as computed when it entered (the same
    rules as GET /api/v1/orgs/{uscc}/evaluation-eligibility/, with the reasons), and the grade recorded in the
    round (through ratings.services.evaluation_record)."""

    scope_domain = "ratings"
    scope_region_field = "organization__authority_region__code"
    scope_organization_paths = ("organization",)

    round = models.ForeignKey(EvaluationRound, verbose_name=_("evaluation round"), on_delete=models.CASCADE,
                              related_name="entries")
    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="+")
    entered_on = models.DateField(_("entered on"))
    eligible = models.BooleanField(_("eligible"))
    reasons = models.JSONField(_("eligibility reasons"), default=list)
    grade = models.OneToOneField(EvaluationGrade, verbose_name=_("grade"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="round_entry")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("round participant")
        verbose_name_plural = _("round participants")
        ordering = ["round_id", "organization_id"]
        constraints = [models.UniqueConstraint(fields=["round", "organization"], name="ratings_round_entry_once")]

    def __str__(self):
        return f"{self.round} · {self.organization}"
