"""Funded projects (项目申报 → 申报 → 专家评审 → 立项 → 里程碑 → 中期/结项评估 → 拨付 → 成效) and the matching of
needs to offers (精准对接 → 对接 → 成效). Write only through projects.services.

Scope: a call and a need belong to the region that issued them; an application, project, offer and everything
under them to the organization's registration authority region (the organization's own account reaches them
through `scope_organization_paths`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socorg.core.scope import ScopedManager, ScopedQuerySet

from .choices import (
    ApplicationStatus,
    CallKind,
    EvaluationConclusion,
    EvaluationStage,
    MatchStatus,
    MilestoneStatus,
    NeedStatus,
    OfferStatus,
    ProjectStatus,
    ReviewStatus,
    TerminationReason,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
USER = {"null": True, "blank": True, "on_delete": models.SET_NULL, "related_name": "+", "db_index": False}


def ancestor_codes(code: str) -> list[str]:
    """The region's own code and those of the units above it (prefecture, province, the nation)."""
    codes = [code]
    if not code.endswith("00"):
        codes.append(code[:4] + "00")
    if not code.endswith("0000"):
        codes.append(code[:2] + "0000")
    codes.append("100000")
    return list(dict.fromkeys(codes))


class ProjectCallQuerySet(ScopedQuerySet):
    def visible_to(self, user, action: str = "view", *, domain: str | None = None):
        """The calls of the regions in the user's scope; an organization's own account (projects.apply over its
        organization) also sees — never changes — the calls of its region and the regions above it: those it may
        apply to."""
        rows = super().visible_to(user, action, domain=domain)
        if action != "view" or domain not in (None, "projects"):
            return rows
        from socorg.core.scope import organization_scope
        from socorg.registry.models import SocialOrganization

        own = organization_scope(user, "projects.apply")
        if not own:
            return rows
        codes = set()
        for region in SocialOrganization.objects.filter(pk__in=own).values_list("authority_region_id", flat=True):
            codes.update(ancestor_codes(region))
        return (rows | self.filter(region_id__in=sorted(codes))).distinct()


class ProjectCall(models.Model):
    """A call for projects (项目申报) with its eligibility rules as configuration (`rules`, a list of
    {"rule": code, …parameters}; projects.rules validates and evaluates them) and its review criteria."""

    scope_domain = "projects"
    scope_region_field = "region__code"

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=CallKind.choices)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    budget = models.DecimalField(_("budget (yuan)"), **MONEY)
    max_per_project = models.DecimalField(_("limit per project (yuan)"), null=True, blank=True, **MONEY)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    categories = models.JSONField(_("service categories"), default=list, blank=True)
    rules = models.JSONField(_("eligibility rules"), default=list, blank=True)
    criteria = models.JSONField(_("review criteria"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), **USER)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProjectCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("project call")
        verbose_name_plural = _("project calls")
        ordering = ["-opens_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")),
                                              name="projects_call_dates_ordered")]

    def __str__(self):
        return self.name

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


class Expert(models.Model):
    """A reviewer on a region's expert pool: the account that scores, and the organization the expert works for
    (an expert never reviews that organization's applications)."""

    scope_domain = "projects"
    scope_region_field = "region__code"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT,
                             related_name="project_expert_roles")
    name = models.CharField(_("name"), max_length=64)
    specialty = models.CharField(_("specialty"), max_length=200, blank=True)
    affiliation = models.ForeignKey("registry.SocialOrganization", verbose_name=_("works for"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="projects_one_expert_per_region")]

    def __str__(self):
        return self.name


class Application(models.Model):
    """An organization's application to a call: plan, budget lines (adding up to the amount requested), targets
    (people served, places), and the eligibility verdict at submission."""

    scope_domain = "projects"
    scope_region_field = "organization__authority_region__code"
    scope_organization_paths = ("organization",)

    call = models.ForeignKey(ProjectCall, verbose_name=_("project call"), on_delete=models.PROTECT,
                             related_name="applications")
    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="project_applications")
    title = models.CharField(_("project title"), max_length=200)
    category = models.CharField(_("service category"), max_length=32, blank=True)
    plan = models.TextField(_("plan"))
    budget_lines = models.JSONField(_("budget lines"), default=list)
    amount_requested = models.DecimalField(_("amount requested (yuan)"), **MONEY)
    people_served = models.PositiveIntegerField(_("people to serve"))
    places = models.JSONField(_("places served"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED)
    eligibility = models.JSONField(_("eligibility at submission"), default=dict, blank=True)
    average_score = models.DecimalField(_("average score"), max_digits=7, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), **USER)
    decision_reason = models.TextField(_("decision reason"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("project application")
        verbose_name_plural = _("project applications")
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["call", "organization", "title"],
                                               name="projects_one_application_per_title")]
        indexes = [models.Index(fields=["call", "status"], name="projects_app_call_status_idx")]

    def __str__(self):
        return self.title


class Review(models.Model):
    """One expert's review of one application: scores per criterion, hidden from everyone but the expert until
    every expert not excluded by a conflict declaration has scored."""

    scope_domain = "projects"
    scope_region_field = "application__organization__authority_region__code"

    application = models.ForeignKey(Application, verbose_name=_("project application"), on_delete=models.CASCADE,
                                    related_name="reviews")
    expert = models.ForeignKey(Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(_("status"), max_length=16, choices=ReviewStatus.choices,
                              default=ReviewStatus.ASSIGNED)
    conflict_reason = models.CharField(_("conflict of interest"), max_length=500, blank=True)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.DecimalField(_("total score"), max_digits=7, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("expert review")
        verbose_name_plural = _("expert reviews")
        ordering = ["application_id", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="projects_one_review")]

    def __str__(self):
        return f"{self.application} · {self.expert}"


class Project(models.Model):
    """An awarded application: the amount, the contract's milestones, evaluations, payments and the outcome — or
    its termination (终止): when, why, the decision; its milestones not accepted by then are cancelled."""

    scope_domain = "projects"
    scope_region_field = "application__organization__authority_region__code"
    scope_organization_paths = ("application__organization",)

    application = models.OneToOneField(Application, verbose_name=_("project application"),
                                       on_delete=models.PROTECT, related_name="project")
    amount = models.DecimalField(_("amount awarded (yuan)"), **MONEY)
    awarded_on = models.DateField(_("awarded on"))
    status = models.CharField(_("status"), max_length=16, choices=ProjectStatus.choices,
                              default=ProjectStatus.IN_PROGRESS)
    people_served = models.PositiveIntegerField(_("people served"), null=True, blank=True)
    money_spent = models.DecimalField(_("money spent (yuan)"), null=True, blank=True, **MONEY)
    outcome = models.TextField(_("outcome"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("awarded by"), **USER)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.CharField(_("reason for terminating"), max_length=24, blank=True,
                                          choices=TerminationReason.choices)
    termination_detail = models.TextField(_("termination decision"), blank=True)
    terminated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("terminated by"), **USER)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("funded project")
        verbose_name_plural = _("funded projects")
        ordering = ["-awarded_on", "-id"]

    def __str__(self):
        return self.application.title


class CountyContribution(models.Model):
    """The project's contribution in one county (乡村振兴 by county): people served and money spent there."""

    scope_domain = "projects"
    scope_region_field = "project__application__organization__authority_region__code"
    scope_organization_paths = ("project__application__organization",)

    project = models.ForeignKey(Project, verbose_name=_("funded project"), on_delete=models.CASCADE,
                                related_name="contributions")
    county = models.ForeignKey("regions.Region", verbose_name=_("county"), on_delete=models.PROTECT,
                               related_name="+")
    people_served = models.PositiveIntegerField(_("people served"), default=0)
    money_spent = models.DecimalField(_("money spent (yuan)"), default=0, **MONEY)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("contribution by county")
        verbose_name_plural = _("contributions by county")
        constraints = [models.UniqueConstraint(fields=["project", "county"], name="projects_one_per_county")]

    def __str__(self):
        return f"{self.project} · {self.county}"


class Milestone(models.Model):
    """A contract milestone with the tranche paid against it once it is accepted."""

    scope_domain = "projects"
    scope_region_field = "project__application__organization__authority_region__code"
    scope_organization_paths = ("project__application__organization",)

    project = models.ForeignKey(Project, verbose_name=_("funded project"), on_delete=models.CASCADE,
                                related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    tranche = models.DecimalField(_("tranche (yuan)"), **MONEY)
    status = models.CharField(_("status"), max_length=16, choices=MilestoneStatus.choices,
                              default=MilestoneStatus.PENDING)
    report = models.TextField(_("progress report"), blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project_id", "due_on", "id"]

    def __str__(self):
        return self.title


class Evaluation(models.Model):
    """A mid-term or final evaluation: score, site visit, findings and the rectification asked for."""

    scope_domain = "projects"
    scope_region_field = "project__application__organization__authority_region__code"
    scope_organization_paths = ("project__application__organization",)

    project = models.ForeignKey(Project, verbose_name=_("funded project"), on_delete=models.CASCADE,
                                related_name="evaluations")
    stage = models.CharField(_("stage"), max_length=16, choices=EvaluationStage.choices)
    evaluated_on = models.DateField(_("evaluated on"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=EvaluationConclusion.choices)
    site_visit_on = models.DateField(_("site visit on"), null=True, blank=True)
    findings = models.TextField(_("findings"))
    rectification = models.TextField(_("rectification required"), blank=True)
    rectification_due = models.DateField(_("rectification due"), null=True, blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), **USER)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("project evaluation")
        verbose_name_plural = _("project evaluations")
        ordering = ["project_id", "evaluated_on", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="projects_one_evaluation_per_stage")]

    def __str__(self):
        return f"{self.project} · {self.get_stage_display()}"


class Payment(models.Model):
    """A tranche paid against an accepted milestone."""

    scope_domain = "projects"
    scope_region_field = "project__application__organization__authority_region__code"
    scope_organization_paths = ("project__application__organization",)

    project = models.ForeignKey(Project, verbose_name=_("funded project"), on_delete=models.CASCADE,
                                related_name="payments")
    milestone = models.OneToOneField(Milestone, verbose_name=_("milestone"), on_delete=models.PROTECT,
                                     related_name="payment")
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), **USER)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["project_id", "paid_on", "id"]

    def __str__(self):
        return f"{self.project} · {self.amount}"


# --- 精准对接: needs, offers, matches ------------------------------------------------------------------------------

class Need(models.Model):
    """A need posted by a bureau, township or community for a place (a region, and the township where known)."""

    scope_domain = "projects"
    scope_region_field = "region__code"

    title = models.CharField(_("title"), max_length=200)
    region = models.ForeignKey("regions.Region", verbose_name=_("place"), on_delete=models.PROTECT,
                               related_name="+")
    township = models.CharField(_("township or community"), max_length=100, blank=True)
    category = models.CharField(_("service category"), max_length=32)
    description = models.TextField(_("description"), blank=True)
    people = models.PositiveIntegerField(_("people affected"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("posted by"), **USER)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    matched_at = models.DateTimeField(_("first engaged at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="projects_need_dates_ordered")]
        indexes = [models.Index(fields=["region", "status"], name="projects_need_region_idx"),
                   # The need list's keyset order (newest first, ties by id) at any depth.
                   models.Index(fields=["created_at", "id"], name="projects_need_created_id_idx")]

    def __str__(self):
        return self.title


class Offer(models.Model):
    """What an organization offers: categories, service area (regions), capacity (people), period. The matching
    reads `OfferKey`, one row per category × region, written with the offer."""

    scope_domain = "projects"
    scope_region_field = "organization__authority_region__code"
    scope_organization_paths = ("organization",)

    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     on_delete=models.PROTECT, related_name="offers")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    categories = models.JSONField(_("service categories"), default=list)
    regions = models.JSONField(_("service area"), default=list)
    capacity = models.PositiveIntegerField(_("capacity (people)"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=16, choices=OfferStatus.choices, default=OfferStatus.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("posted by"), **USER)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="projects_offer_dates_ordered")]
        # The offer list's keyset order (newest first, ties by id): a million offers page at any depth.
        indexes = [models.Index(fields=["created_at", "id"], name="projects_offer_created_id_idx")]

    def __str__(self):
        return self.title


class OfferKey(models.Model):
    """The matching index: one row per active offer × category × region of its service area, carrying what the
    ranking reads so a need's candidates come from one index range (category, region prefix)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="keys", db_index=False)
    organization = models.ForeignKey("registry.SocialOrganization", on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    category = models.CharField(max_length=32)
    region_code = models.CharField(max_length=6)
    capacity = models.PositiveIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["category", "region_code"], name="projects_offerkey_cat_idx"),
            models.Index(fields=["region_code"], name="projects_offerkey_region_idx"),
            models.Index(fields=["offer"], name="projects_offerkey_offer_idx"),
        ]

    def __str__(self):
        return f"{self.offer_id} · {self.category} · {self.region_code}"


class Match(models.Model):
    """An offer proposed for a need, with the score and reasons of the ranking at that moment. The organization
    (or the bureau for it) accepts — it is then an engagement — or declines with a reason; the outcome closes it."""

    scope_domain = "projects"
    scope_region_field = "need__region__code"
    scope_organization_paths = ("offer__organization",)

    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.CASCADE, related_name="matches")
    offer = models.ForeignKey(Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="matches")
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(_("status"), max_length=16, choices=MatchStatus.choices, default=MatchStatus.PROPOSED)
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), **USER)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), **USER)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    people_served = models.PositiveIntegerField(_("people served"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-proposed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["need", "offer"], name="projects_one_match_per_pair")]

    def __str__(self):
        return f"{self.need} · {self.offer}"
