"""Reads of the ratings app: the scorecard in force, the evaluation grade in force, eligibility, and the figures
(stars by region and level, model branches, grades and their expiry) with the rows behind every number.

For other apps (TEAM.md): `current_grade(org, on=day)` and `current_grades(org_ids, on=day)`."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from socorg.core.scope import in_subtree, organization_scope
from socorg.regions.models import Region
from socorg.reports.choices import Conclusion  # noqa: F401 — re-exported for the eligibility tests

from . import credit_link, rules
from .choices import RatingStatus, ScorecardKind
from .models import EvaluationGrade, ModelBranch, Rating, RatingCounts, Scorecard
from .scorecards import DEFAULT_EVALUATION_CODE, DEFAULT_STAR_CODE, DEFAULT_STAR_DEFINITION, EVALUATION_PRESETS

# --- scorecards ------------------------------------------------------------------------------------------------


def default_scorecard(kind: str, code: str | None = None) -> Scorecard:
    """The shipped scorecard (created on first use, version 1, applying from the first cycle)."""
    from django.utils.translation import gettext as _

    if kind == ScorecardKind.STAR:
        code, definition, name = DEFAULT_STAR_CODE, DEFAULT_STAR_DEFINITION, _("National minimums (default)")
    else:
        code = code or DEFAULT_EVALUATION_CODE
        preset = EVALUATION_PRESETS[code]
        definition, name = preset["definition"], str(preset["name"])
    scorecard, _created = Scorecard.objects.get_or_create(
        kind=kind, code=code, version=1, defaults={"name": name, "first_cycle": 2000, "definition": definition})
    return scorecard


def scorecard_for(kind: str, cycle: int) -> Scorecard:
    """The scorecard that applies to a cycle: the deployment's newest version from an earlier or the same year,
    else the shipped default."""
    found = (Scorecard.objects.filter(kind=kind, first_cycle__lte=cycle)
             .exclude(code__in=[DEFAULT_STAR_CODE, *EVALUATION_PRESETS]).order_by("-first_cycle", "-version").first())
    return found or default_scorecard(kind)


# --- evaluation grades -------------------------------------------------------------------------------------------

def valid_on_q(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day, f"{prefix}valid_to__gte": day})


def current_grade(org, on: datetime.date | None = None) -> EvaluationGrade | None:
    """The evaluation grade in force for the organization on a day (default today); an expired grade is None."""
    day = on or timezone.localdate()
    org_id = getattr(org, "pk", org)
    return EvaluationGrade.objects.filter(valid_on_q(day), organization_id=org_id).order_by("-valid_from").first()


def current_grades(org_ids, on: datetime.date | None = None) -> dict[int, EvaluationGrade]:
    """{org_id: grade in force on the day} for a set of organizations, in one query."""
    day = on or timezone.localdate()
    found: dict[int, EvaluationGrade] = {}
    for grade in EvaluationGrade.objects.filter(valid_on_q(day), organization_id__in=list(org_ids)) \
            .order_by("organization_id", "-valid_from"):
        found.setdefault(grade.organization_id, grade)
    return found


def expiring_grades(queryset, on: datetime.date | None = None):
    """Grades in force that expire within the warning period (6 months by default), soonest first."""
    day = on or timezone.localdate()
    from socorg.alerts.periods import add_months

    horizon = add_months(day, rules.expiry_warning_months())
    return queryset.filter(valid_on_q(day), valid_to__lte=horizon).order_by("valid_to")


# --- eligibility -------------------------------------------------------------------------------------------------

def eligibility(org, on: datetime.date | None = None) -> dict:
    """{"eligible": bool, "reasons": [{"rule", "passed", "detail"}]} for an evaluation on a day (default today)."""
    return eligibility_many([org], on)[org.pk]


def eligibility_many(orgs, on: datetime.date | None = None) -> dict[int, dict]:
    """eligibility() for many organizations at once (an evaluation round's list): three queries in all."""
    from django.utils.translation import gettext as _

    from socorg.reports import rules as report_rules
    from socorg.reports.models import AnnualReport

    day = on or timezone.localdate()
    orgs = list(orgs)
    ids = [org.pk for org in orgs]
    reports = {(org_id, year): {"submitted": submitted is not None, "conclusion": conclusion}
               for org_id, year, submitted, conclusion in
               AnnualReport.objects.filter(organization_id__in=ids, year__in=[day.year - 1, day.year - 2])
               .values_list("organization_id", "year", "first_submitted_at", "conclusion")}
    credit = credit_link.credit_facts(ids, day)
    checked = credit_link.available()
    verdicts = {}
    for org in orgs:
        # Last year's report once it is due (or filed); before its deadline, the one before.
        report_year = day.year - 1
        last = reports.get((org.pk, report_year))
        if (last is None or not last["submitted"]) and \
                day <= report_rules.deadline(report_year, has_supervisor=bool(org.supervisor)):
            report_year -= 1
            last = reports.get((org.pk, report_year))
        facts = credit.get(org.pk, credit_link.CreditFacts())
        reasons = rules.eligibility_reasons(registered_on=org.registered_on, on=day, last_report=last,
                                            report_year=report_year, penalties=facts.penalties,
                                            listings=facts.listings)
        if not checked:
            for reason in reasons:
                if reason["rule"] in ("no_penalty_past_year", "not_on_credit_list"):
                    reason["detail"] = _("Not checked: the platform holds no credit records yet (the credit module "
                                         "is not installed).")
        verdicts[org.pk] = {"eligible": all(r["passed"] for r in reasons), "reasons": reasons}
    return verdicts


# --- figures -----------------------------------------------------------------------------------------------------

STAR_KEYS = ("5", "4", "3", "2", "1", "0")


@dataclass
class StarFigures:
    cycle: int
    region: Region
    rated: int = 0
    by_stars: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAR_KEYS, 0))
    published: int = 0
    suspended: int = 0
    rows: list[dict] = field(default_factory=list)  # per child region: {"region", "rated", "by_stars", "published"}

    def share(self, key: str) -> float:
        return round(100 * self.by_stars[key] / self.rated, 1) if self.rated else 0.0


def _child_prefix_length(region: Region) -> int:
    return min(len(region.scope_prefix) + 2, 6)


def star_figures(*, cycle: int, region: Region, queryset=None, user=None,
                 published_only: bool = False) -> StarFigures:
    """Stars of the cycle in the region, with one level of drill-down (province → prefecture → county); two grouped
    queries. What is counted: the ratings `user` may see (read from the maintained RatingCounts of ratings.triggers,
    scoped as the ratings are, unless the user reaches ratings as an organization's own account), else those of
    `queryset` (counted from the ratings), else all. Both ways give the same figures
    (tests/test_rating_counts.py)."""
    prefix = region.scope_prefix
    length = _child_prefix_length(region)
    child = Substr("region_id", 1, length)  # grouped by child region in SQL: a few hundred rows for the nation
    if user is not None and queryset is None and not organization_scope(user, "ratings.view"):
        rows = RatingCounts.objects.visible_to(user, "view").filter(cycle=cycle)
        rows = rows.filter(in_subtree("region__code", prefix)).exclude(ratings=0)
        if published_only:
            rows = rows.filter(status=RatingStatus.PUBLISHED)
        grouped = (rows.order_by().annotate(child=child).values_list("child", "stars", "status")
                   .annotate(suspended=Coalesce(Sum("ratings", filter=Q(suspended=True)), 0), n=Sum("ratings")))
    else:
        if queryset is None:
            queryset = Rating.objects.all() if user is None else Rating.objects.visible_to(user, "view")
        rows = queryset.filter(cycle=cycle).filter(in_subtree("region__code", prefix))
        if published_only:
            rows = rows.filter(status=RatingStatus.PUBLISHED)
        grouped = (rows.order_by().annotate(child=child).values_list("child", "stars", "status")
                   .annotate(suspended=Count("pk", filter=Q(suspended_on__isnull=False)), n=Count("pk")))
    figures = StarFigures(cycle, region)
    children: dict[str, dict] = defaultdict(lambda: {"rated": 0, "by_stars": dict.fromkeys(STAR_KEYS, 0),
                                                     "published": 0})
    for child_prefix, stars, status, suspended, n in grouped:
        key, suspended, n = str(stars), int(suspended), int(n)  # int(): a PostgreSQL sum of bigint is a numeric
        figures.rated += n
        figures.by_stars[key] += n
        figures.suspended += suspended
        child = children[child_prefix]
        child["rated"] += n
        child["by_stars"][key] += n
        if status == RatingStatus.PUBLISHED:
            figures.published += n
            child["published"] += n
    codes = {prefix.ljust(6, "0") for prefix in children}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for child_prefix in sorted(children):
        code = child_prefix.ljust(6, "0")
        figures.rows.append({"code": code, "name": names.get(code, code), **children[child_prefix]})
    return figures


def ratings_behind(queryset, *, cycle: int, region_code: str, stars: str | None = None):
    """The ratings behind a number of star_figures: the cycle, the region subtree and (optionally) the stars."""
    from socorg.core.scope import region_prefix_of

    rows = queryset.filter(cycle=cycle).filter(in_subtree("region__code", region_prefix_of(region_code) or ""))
    if stars not in (None, ""):
        rows = rows.filter(stars=int(stars))
    return rows


def model_branches_in_force(queryset, on: datetime.date | None = None):
    day = on or timezone.localdate()
    return queryset.filter(valid_from__lte=day, valid_to__gte=day, revoked_on__isnull=True)


def grade_figures(queryset, on: datetime.date | None = None) -> dict:
    """Grades in force on a day by grade, and how many expire within the warning period."""
    day = on or timezone.localdate()
    in_force = queryset.filter(valid_on_q(day))
    by_grade = dict(in_force.order_by().values("grade").annotate(n=Count("pk")).values_list("grade", "n"))
    return {"by_grade": {grade: by_grade.get(grade, 0) for grade in ("5A", "4A", "3A", "2A", "1A")},
            "in_force": sum(by_grade.values()), "expiring": expiring_grades(queryset, day).count()}


__all__ = ["ModelBranch", "current_grade", "current_grades", "eligibility", "expiring_grades", "grade_figures",
           "model_branches_in_force", "ratings_behind", "scorecard_for", "star_figures"]
