"""Reads of funded projects and matching that are more than a filter.

Eligibility: each rule's data comes from ONE function below taking a set of organization ids (a list or a
queryset of ids, so the national check stays set-based): credit lists (socorg.credit), evaluation grades
(socorg.ratings), annual reports (socorg.reports), coverage flags (the registry's maintained columns), alerts
(socorg.alerts) and the projects in progress. `iter_facts()` gathers them; projects.rules evaluates them."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

from django.apps import apps
from django.db.models import BooleanField, Count, ExpressionWrapper, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.regions.models import Region
from socorg.registry.models import SocialOrganization, org_active_q

from . import rules
from .choices import NeedStatus, ProjectStatus
from .models import Need, Offer, OfferKey, Project, ProjectCall, ancestor_codes

UNAVAILABLE = rules.UNAVAILABLE


# --- one function per rule's data ----------------------------------------------------------------------------------

def credit_listings(org_ids, on: datetime.date | None = None) -> dict[int, dict] | str:
    """{org id: {"list": Chinese list name, "since": ISO date}} for organizations with a credit-list entry in force
    on `on` (the serious list before the abnormal one, since its oldest entry in force); UNAVAILABLE while the
    credit app is not installed. Reads socorg.credit.queries.active_entries (one query, any number of ids)."""
    if not apps.is_installed("socorg.credit"):
        return UNAVAILABLE
    from socorg.credit.choices import CreditList
    from socorg.credit.queries import active_entries

    found: dict[int, dict] = {}
    labels = {code: str(label) for code, label in CreditList.choices}
    rows = (active_entries(on=on).filter(organization_id__in=org_ids).order_by()
            .values("organization_id", "list").annotate(since=Min("decided_on")))
    for row in sorted(rows, key=lambda r: (r["organization_id"], r["list"] != CreditList.SERIOUS)):
        found.setdefault(row["organization_id"], {"list": labels[row["list"]], "since": row["since"].isoformat()})
    return found


def evaluation_grades(org_ids, on: datetime.date) -> dict[int, int] | str:
    """{org id: rank 1–5 of the evaluation grade valid on `on`}; UNAVAILABLE while socorg.ratings is not installed.
    The same definition as socorg.ratings.queries.current_grades (valid_on_q, the latest grade), as one query over
    a set of ids or a subquery."""
    if not apps.is_installed("socorg.ratings"):
        return UNAVAILABLE
    from socorg.ratings.choices import GRADE_RANK
    from socorg.ratings.models import EvaluationGrade
    from socorg.ratings.queries import valid_on_q

    found: dict[int, int] = {}
    rows = (EvaluationGrade.objects.filter(valid_on_q(on), organization_id__in=org_ids)
            .order_by("organization_id", "-valid_from").values_list("organization_id", "grade"))
    for org_id, grade in rows:
        if org_id not in found:
            found[org_id] = GRADE_RANK[grade]  # EvaluationGrade.rank, without a model instance per row
    return found


def last_reports(org_ids) -> dict[int, dict]:
    """{org id: {"year", "conclusion", "conclusion_label"}} of each organization's latest reviewed annual report."""
    from socorg.reports.choices import Conclusion, ReportStatus
    from socorg.reports.models import AnnualReport

    labels = {code: str(label) for code, label in Conclusion.choices}  # translated once, not once per report
    latest: dict[int, dict] = {}
    rows = (AnnualReport.objects.filter(organization_id__in=org_ids, status=ReportStatus.REVIEWED)
            .order_by("organization_id", "-year").values_list("organization_id", "year", "conclusion"))
    for org_id, year, conclusion in rows:
        if org_id not in latest:
            latest[org_id] = {"year": year, "conclusion": conclusion,
                              "conclusion_label": labels.get(conclusion, conclusion)}
    return latest


def open_high_alerts(org_ids) -> dict[int, list[str]]:
    """{org id: titles of its open high-severity alerts}, about the organization or a party organization
    covering it today."""
    from socorg.alerts.choices import OPEN_STATUSES, Severity
    from socorg.alerts.models import Alert, _rule_title
    from socorg.party.models import PartyCoverage

    found: dict[int, list[str]] = defaultdict(list)
    titles: dict[str, str] = {}

    def title(rule: str) -> str:
        if rule not in titles:
            titles[rule] = _rule_title(rule)
        return titles[rule]

    open_high = Alert.objects.filter(status__in=OPEN_STATUSES, severity=Severity.HIGH)
    for org_id, rule in open_high.filter(organization_id__in=org_ids).values_list("organization_id", "rule"):
        found[org_id].append(title(rule))
    today = timezone.localdate()
    covering = (PartyCoverage.objects.filter(organization_id__in=org_ids, start_on__lte=today)
                .filter(Q(end_on__isnull=True) | Q(end_on__gte=today)))
    by_party_org = defaultdict(list)
    for party_org_id, org_id in covering.values_list("party_org_id", "organization_id"):
        by_party_org[party_org_id].append(org_id)
    if by_party_org:
        party_alerts = open_high.filter(party_org_id__in=covering.values("party_org_id"))
        for party_org_id, rule in party_alerts.values_list("party_org_id", "rule"):
            for org_id in by_party_org[party_org_id]:
                found[org_id].append(title(rule))
    return found


def projects_in_progress(org_ids) -> dict[int, int]:
    rows = (Project.objects.filter(application__organization_id__in=org_ids, status=ProjectStatus.IN_PROGRESS)
            .values("application__organization_id").annotate(n=Count("id")))
    return {r["application__organization_id"]: r["n"] for r in rows}


def completed_projects(org_ids) -> dict[int, int]:
    rows = (Project.objects.filter(application__organization_id__in=org_ids, status=ProjectStatus.COMPLETED)
            .values("application__organization_id").annotate(n=Count("id")))
    return {r["application__organization_id"]: r["n"] for r in rows}


# --- eligibility -------------------------------------------------------------------------------------------------

def _rule_codes(call: ProjectCall) -> set[str]:
    return {r["rule"] for r in call.rules}


def iter_facts(call: ProjectCall, organizations, today: datetime.date, *, stream: bool = True):
    """(org id, facts) of each organization (a queryset of SocialOrganization) for the call's rules, set-based:
    one query per rule's data, whatever the number of organizations; yielded one organization at a time, so a
    national check keeps only the rules' data in memory, not a million fact dicts. `stream`: read the
    organizations in chunks (a server-side cursor on PostgreSQL: three round trips, pointless for one)."""
    codes = _rule_codes(call)
    ids = organizations.values("pk")
    prefix = call.region.scope_prefix
    call_region_name = call.region.full_name or call.region.name
    gathered = {
        "credit": credit_listings(ids, today) if "not_on_credit_list" in codes else {},
        "grades": evaluation_grades(ids, today) if "min_evaluation_grade" in codes else {},
        "reports": last_reports(ids) if "annual_report_ok" in codes else {},
        "alerts": open_high_alerts(ids) if "no_high_alert" in codes else {},
        "projects": projects_in_progress(ids) if "max_awards" in codes else {},
    }
    region_names = dict(Region.objects.filter(code__in=organizations.values("authority_region_id"))
                        .values_list("code", "name"))
    credit, grades = gathered["credit"], gathered["grades"]
    credit_of = (lambda pk: UNAVAILABLE) if credit == UNAVAILABLE else credit.get
    grade_of = (lambda pk: UNAVAILABLE) if grades == UNAVAILABLE else grades.get
    reports, alerts, in_progress = gathered["reports"], gathered["alerts"], gathered["projects"]
    rows = (organizations.annotate(in_force=ExpressionWrapper(org_active_q(), output_field=BooleanField()))
            .values_list("pk", "authority_region_id", "registered_on", "org_covered", "work_covered", "in_force"))
    for pk, region, registered_on, org_covered, work_covered, in_force in (rows.iterator(chunk_size=5000) if stream
                                                                            else rows):
        titles = alerts.get(pk, ())
        yield pk, {
            "in_region": region.startswith(prefix) and in_force,
            "region_name": region_names.get(region, region), "call_region_name": call_region_name,
            "registered_on": registered_on, "org_covered": org_covered, "work_covered": work_covered,
            "credit_listing": credit_of(pk), "evaluation_grade": grade_of(pk), "last_report": reports.get(pk),
            "high_alerts": len(titles), "high_alert_titles": sorted(set(titles)) if titles else [],
            "projects_in_progress": in_progress.get(pk, 0),
        }


def eligibility_of(call: ProjectCall, org: SocialOrganization, today: datetime.date | None = None) -> dict:
    """{"eligible", "reasons": [{"rule", "passed", "detail"}]} for one organization."""
    today = today or timezone.localdate()
    facts = dict(iter_facts(call, SocialOrganization.objects.filter(pk=org.pk), today, stream=False))[org.pk]
    return rules.eligibility(call.rules, facts, today)


def _region_organizations(call: ProjectCall):
    from socorg.core.scope import in_subtree

    return SocialOrganization.objects.filter(org_active_q()).filter(
        in_subtree("authority_region__code", call.region.scope_prefix))


def eligibility_all(call: ProjectCall, today: datetime.date | None = None, organizations=None):
    """(org id, verdict) for every organization registered in the call's region (or `organizations`), set-based:
    the same one-query-per-rule facts as for one organization, evaluated in memory."""
    today = today or timezone.localdate()
    if organizations is None:
        organizations = _region_organizations(call)
    for pk, facts in iter_facts(call, organizations, today):
        yield pk, rules.eligibility(call.rules, facts, today)


def eligibility_summary(call: ProjectCall, today: datetime.date | None = None) -> dict:
    """How many organizations of the call's region are eligible, and how many each rule excludes."""
    today = today or timezone.localdate()
    total = eligible = 0
    failed: Counter = Counter()
    checks = rules.rule_checks(call.rules, today)
    for _pk, facts in iter_facts(call, _region_organizations(call), today):
        total += 1
        codes = rules.failed_rules(checks, facts)
        eligible += not codes
        failed.update(codes)
    return {"organizations": total, "eligible": eligible, "failed_by_rule": dict(failed)}


# --- termination -------------------------------------------------------------------------------------------------

def termination_effect(project: Project) -> dict:
    """What terminating the project does to its money: the milestones not accepted are cancelled and their tranches
    withheld (never paid); accepted milestones keep their tranche payable, paid or not.
    {"cancelled": [Milestone], "withheld": Decimal, "payable": Decimal (accepted, unpaid), "paid": Decimal}."""
    from .choices import MilestoneStatus
    from .models import Milestone

    milestones = list(Milestone.objects.filter(project=project).select_related("payment").order_by("due_on", "pk"))
    cancelled = [m for m in milestones if m.status not in (MilestoneStatus.ACCEPTED, MilestoneStatus.CANCELLED)]
    accepted = [m for m in milestones if m.status == MilestoneStatus.ACCEPTED]
    paid = [m.payment.amount for m in accepted if hasattr(m, "payment")]
    return {"cancelled": cancelled, "withheld": sum((m.tranche for m in cancelled), Decimal(0)),
            "payable": sum((m.tranche for m in accepted if not hasattr(m, "payment")), Decimal(0)),
            "paid": sum(paid, Decimal(0))}


# --- matching ------------------------------------------------------------------------------------------------------

MATCH_LIMIT = 50
ORG_FACTORS = ("credit", "rating", "track_record")  # what the key does not carry: read per organization


def _area_ranges(need: Need) -> list[tuple[int, Q]]:
    """The need's place seen from the offer keys: (area tier, the keys' regions in that tier), closest first and
    disjoint — the regions covering the place (its own code and those above it), then the rest of its own subtree,
    of its prefecture, of its province (rules.area_tier, as index ranges: core.scope.in_subtree)."""
    from socorg.core.scope import in_subtree

    code = need.region_id
    own = rules.prefix_of(code)
    covering = Q(region_code__in=ancestor_codes(code))
    ranges, taken = [(rules.AREA_COVERS, covering)], covering
    nested = [(rules.AREA_INSIDE, own), (rules.AREA_PREFECTURE, code[:4] if len(own) >= 4 else None),
              (rules.AREA_PROVINCE, code[:2] if len(own) >= 2 else None)]
    widest = None
    for area, prefix in nested:
        if prefix is None or prefix == widest or len(prefix) == 6:  # empty, or a single code (covering already)
            continue
        subtree = in_subtree("region_code", prefix) if prefix else Q(region_code__isnull=False)
        ranges.append((area, subtree & ~taken))
        taken, widest = taken | subtree, prefix
    return ranges


def _match_tiers(need: Need, weights: dict[str, float]) -> list[tuple[float, int, bool, Q]]:
    """The candidate ranges of a need, best first: (points every offer first found there is sure of — category
    and area, what the key alone decides —, area tier, same category, condition). Offers of the need's category
    anywhere in its province (or serving a region above it); of other categories only in its prefecture or
    covering it. An offer has a key for each category × region, so the first range an offer appears in is the one
    of its best category and area: its true category and area points."""
    ranges = _area_ranges(need)
    near = len(rules.prefix_of(need.region_id)) >= 4
    same = Q(category=need.category)
    tiers = []
    for area, condition in ranges:
        area_points = weights["area"] * rules.AREA_FRACTION[area]
        tiers.append((weights["category"] + area_points, area, True, same & condition))
        if area == rules.AREA_COVERS or (near and area >= rules.AREA_PREFECTURE):
            tiers.append((area_points, area, False, ~same & condition))
    return sorted(tiers, key=lambda tier: -tier[0])


def _organization_facts(org_ids, today: datetime.date) -> tuple[dict | str, dict | str, dict]:
    """(credit listings, grades, completed projects) of a set of organization ids (a queryset of ids, read as a
    subquery); the first two UNAVAILABLE when their app is not installed."""
    return credit_listings(org_ids, today), evaluation_grades(org_ids, today), completed_projects(org_ids)


def matches_for(need: Need, *, limit: int = MATCH_LIMIT, today: datetime.date | None = None) -> list[dict]:
    """The offers ranked for the need: [{"offer_id", "organization_id", "score", "reasons", "offer"}], best first
    (ties by the offer's id; "offer" is the Offer with its organization). Factors and weights:
    projects.rules.match_score.

    The candidate ranges (`_match_tiers`) are read best first, each from its own index range of OfferKey: once
    `limit` offers are scored and the next range's sure points plus everything else an offer can add (capacity,
    credit, rating, track record) fall below the `limit`-th score, no later offer can be listed and reading stops.
    Credit lists, grades and completed projects are read only for the organizations of the ranges read."""
    today = today or timezone.localdate()
    weights = rules.weights()
    need_facts = {"category": need.category, "region": need.region_id, "people": need.people}
    rest = weights["capacity"] + sum(weights[f] for f in ORG_FACTORS) + 0.01  # + rounding to 2 decimals
    period = Q(starts_on__lte=need.ends_on, ends_on__gte=max(need.starts_on, today))
    seen: set[int] = set()
    listings, grades, completed = {}, {}, {}
    scored: list[tuple[float, int, int, dict]] = []  # (-score, offer id, organization id, facts), best `limit`
    for points, area, same, condition in _match_tiers(need, weights):
        if len(scored) >= limit and points + rest < -scored[limit - 1][0]:
            break
        keys = OfferKey.objects.filter(period, condition)
        found: dict[int, tuple[int, str, int, str]] = {}
        for offer_id, org_id, code, capacity, category in keys.values_list("offer_id", "organization_id",
                                                                           "region_code", "capacity", "category"):
            if offer_id in seen:
                continue
            known = found.get(offer_id)
            if known is None or code < known[1]:  # the first code of the best area names it in the reasons
                found[offer_id] = (org_id, code, capacity, category)
        if not found:
            continue
        seen.update(found)
        # The organizations' facts by a subquery of the same range: no list of ids travels to the database.
        more = _organization_facts(keys.values("organization_id"), today)
        listings, grades, completed = (new if new == UNAVAILABLE else {**old, **new}
                                       for old, new in zip((listings, grades, completed), more, strict=True))
        for offer_id, (org_id, code, capacity, category) in found.items():
            facts = {"categories": [category] if same else [], "area": (area, code), "capacity": capacity,
                     "credit_listing": listings if listings == UNAVAILABLE else listings.get(org_id),
                     "grade": grades if grades == UNAVAILABLE else grades.get(org_id),
                     "completed": completed.get(org_id, 0)}
            scored.append((-rules.match_points(need=need_facts, offer=facts, weights=weights), offer_id, org_id,
                           facts))
        scored.sort(key=lambda row: (row[0], row[1]))
        del scored[limit:]
    if not scored:
        return []
    offers = Offer.objects.select_related("organization").in_bulk([row[1] for row in scored])
    codes = {need.region_id} | {facts["area"][1] for *_x, facts in scored}
    need_facts["region_names"] = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    results = []
    for _neg, offer_id, org_id, facts in scored:
        facts["categories"] = offers[offer_id].categories
        score, reasons = rules.match_score(need=need_facts, offer=facts, weights=weights)
        results.append({"offer_id": offer_id, "organization_id": org_id, "score": score, "reasons": reasons,
                        "offer": offers[offer_id]})
    return results


# --- figures -------------------------------------------------------------------------------------------------------

def _year(value) -> int | None:
    return value.year if value else None


def project_figures(projects) -> dict:
    """Projects and money by region (province of the organization), kind, category and year; the share of funding
    to organizations with a party organization; 乡村振兴 by county; evaluation outcomes. `projects` is a scoped
    queryset of Project."""
    from .choices import CallKind, EvaluationConclusion, EvaluationStage
    from .models import CountyContribution, Evaluation

    rows = list(projects.values_list("pk", "amount", "awarded_on", "application__call__kind",
                                     "application__category", "application__organization__authority_region_id",
                                     "application__organization__org_covered"))
    by = {"region": defaultdict(lambda: [0, Decimal(0)]), "kind": defaultdict(lambda: [0, Decimal(0)]),
          "category": defaultdict(lambda: [0, Decimal(0)]), "year": defaultdict(lambda: [0, Decimal(0)])}
    total, covered = Decimal(0), Decimal(0)
    kinds = dict(CallKind.choices)
    for _pk, amount, awarded_on, kind, category, region, org_covered in rows:
        for key, value in (("region", region[:2] + "0000"), ("kind", str(kinds.get(kind, kind))),
                           ("category", category or _("Not stated")), ("year", _year(awarded_on))):
            by[key][value][0] += 1
            by[key][value][1] += amount
        total += amount
        if org_covered:
            covered += amount
    names = dict(Region.objects.filter(code__in=list(by["region"])).values_list("code", "name"))
    ids = [r[0] for r in rows]
    counties = (CountyContribution.objects.filter(project_id__in=ids,
                                                  project__application__call__kind="rural_revitalization")
                .values("county_id", "county__name")
                .annotate(projects=Count("project", distinct=True), people=Sum("people_served"),
                          money=Sum("money_spent")).order_by("county_id"))
    conclusions = dict(EvaluationConclusion.choices)
    stages = dict(EvaluationStage.choices)
    evaluations = (Evaluation.objects.filter(project_id__in=ids).values("stage", "conclusion")
                   .annotate(n=Count("id")).order_by("stage", "conclusion"))

    def table(key, label=lambda k: k):
        return [{"key": k, "label": label(k), "projects": v[0], "amount": v[1]}
                for k, v in sorted(by[key].items(), key=lambda kv: str(kv[0]))]

    return {
        "projects": len(rows), "amount": total,
        "party_share": (covered / total * 100).quantize(Decimal("0.1")) if total else None,
        "party_amount": covered,
        "by_region": table("region", lambda k: names.get(k, k)),
        "by_kind": table("kind"), "by_category": table("category"), "by_year": table("year"),
        "rural_by_county": [{"county": c["county__name"], "projects": c["projects"], "people": c["people"] or 0,
                             "amount": c["money"] or Decimal(0)} for c in counties],
        "evaluations": [{"stage": str(stages[e["stage"]]), "conclusion": str(conclusions[e["conclusion"]]),
                         "count": e["n"]} for e in evaluations],
    }


def need_figures(needs) -> dict:
    """Needs posted and met, the median days from posting to the first engagement, by region and category.
    `needs` is a scoped queryset of Need."""
    rows = list(needs.values_list("region_id", "category", "status", "created_at", "matched_at"))
    groups = {"region": defaultdict(list), "category": defaultdict(list)}
    for row in rows:
        groups["region"][row[0][:4] + "00"].append(row)
        groups["category"][row[1]].append(row)
    names = dict(Region.objects.filter(code__in=list(groups["region"])).values_list("code", "name"))

    def summary(items):
        met = sum(1 for r in items if r[2] == NeedStatus.MET)
        engaged = sorted((r[4] - r[3]).total_seconds() / 86400 for r in items if r[4])
        median = round(engaged[len(engaged) // 2], 1) if engaged else None
        return {"needs": len(items), "engaged": len(engaged), "met": met, "median_days_to_match": median}

    return {
        **summary(rows),
        "by_region": [{"key": k, "label": names.get(k, k), **summary(v)} for k, v in sorted(groups["region"].items())],
        "by_category": [{"key": k, "label": k, **summary(v)} for k, v in sorted(groups["category"].items())],
    }
