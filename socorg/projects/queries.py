"""Reads of funded projects and matching that are more than a filter.

Eligibility: each rule's data comes from ONE function below taking a set of organization ids (a list or a
queryset of ids, so the national check stays set-based): credit lists (socorg.credit), evaluation grades
(socorg.ratings), annual reports (socorg.reports), coverage flags (the registry's maintained columns), alerts
(socorg.alerts) and the projects in progress. `facts_for()` gathers them; projects.rules evaluates them."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

from django.apps import apps
from django.db.models import Case, Count, ExpressionWrapper, F, FloatField, Min, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.regions.models import Region
from socorg.registry.models import SocialOrganization, org_active_q

from . import rules
from .choices import NeedStatus, ProjectStatus
from .models import Need, OfferKey, Project, ProjectCall, ancestor_codes

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
    rows = (active_entries(on=on).filter(organization_id__in=org_ids).order_by()
            .values("organization_id", "list").annotate(since=Min("decided_on")))
    for row in sorted(rows, key=lambda r: (r["organization_id"], r["list"] != CreditList.SERIOUS)):
        found.setdefault(row["organization_id"], {"list": str(CreditList(row["list"]).label),
                                                  "since": row["since"].isoformat()})
    return found


def evaluation_grades(org_ids, on: datetime.date) -> dict[int, int] | str:
    """{org id: rank 1–5 of the evaluation grade valid on `on`}; UNAVAILABLE while socorg.ratings is not installed.
    The same definition as socorg.ratings.queries.current_grades (valid_on_q, the latest grade), as one query over
    a set of ids or a subquery."""
    if not apps.is_installed("socorg.ratings"):
        return UNAVAILABLE
    from socorg.ratings.models import EvaluationGrade
    from socorg.ratings.queries import valid_on_q

    found: dict[int, int] = {}
    rows = (EvaluationGrade.objects.filter(valid_on_q(on), organization_id__in=org_ids)
            .order_by("organization_id", "-valid_from").values_list("organization_id", "grade"))
    for org_id, grade in rows:
        if org_id not in found:
            found[org_id] = EvaluationGrade(grade=grade).rank
    return found


def last_reports(org_ids) -> dict[int, dict]:
    """{org id: {"year", "conclusion", "conclusion_label"}} of each organization's latest reviewed annual report."""
    from socorg.reports.choices import Conclusion, ReportStatus
    from socorg.reports.models import AnnualReport

    labels = dict(Conclusion.choices)
    latest: dict[int, dict] = {}
    rows = (AnnualReport.objects.filter(organization_id__in=org_ids, status=ReportStatus.REVIEWED)
            .order_by("organization_id", "-year").values_list("organization_id", "year", "conclusion"))
    for org_id, year, conclusion in rows:
        if org_id not in latest:
            latest[org_id] = {"year": year, "conclusion": conclusion,
                              "conclusion_label": str(labels.get(conclusion, conclusion))}
    return latest


def open_high_alerts(org_ids) -> dict[int, list[str]]:
    """{org id: titles of its open high-severity alerts}, about the organization or a party organization
    covering it today."""
    from socorg.alerts.choices import OPEN_STATUSES, Severity
    from socorg.alerts.models import Alert, _rule_title
    from socorg.party.models import PartyCoverage

    found: dict[int, list[str]] = defaultdict(list)
    open_high = Alert.objects.filter(status__in=OPEN_STATUSES, severity=Severity.HIGH)
    for org_id, rule in open_high.filter(organization_id__in=org_ids).values_list("organization_id", "rule"):
        found[org_id].append(_rule_title(rule))
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
                found[org_id].append(_rule_title(rule))
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


def facts_for(call: ProjectCall, organizations, today: datetime.date) -> dict[int, dict]:
    """Each organization's facts for the call's rules, set-based: one query per rule's data, whatever the number
    of organizations. `organizations` is a queryset of SocialOrganization."""
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
    active = set(organizations.filter(org_active_q()).values_list("pk", flat=True))
    region_names = dict(Region.objects.filter(code__in=organizations.values("authority_region_id"))
                        .values_list("code", "name"))
    facts = {}
    rows = organizations.values_list("pk", "authority_region_id", "registered_on", "org_covered", "work_covered")
    for pk, region, registered_on, org_covered, work_covered in rows.iterator(chunk_size=5000):
        facts[pk] = {
            "in_region": region.startswith(prefix) and pk in active,
            "region_name": region_names.get(region, region), "call_region_name": call_region_name,
            "registered_on": registered_on, "org_covered": org_covered, "work_covered": work_covered,
            "credit_listing": (gathered["credit"] if gathered["credit"] == UNAVAILABLE
                               else gathered["credit"].get(pk)),
            "evaluation_grade": (gathered["grades"] if gathered["grades"] == UNAVAILABLE
                                 else gathered["grades"].get(pk)),
            "last_report": gathered["reports"].get(pk),
            "high_alerts": len(gathered["alerts"].get(pk, ())),
            "high_alert_titles": sorted(set(gathered["alerts"].get(pk, ()))),
            "projects_in_progress": gathered["projects"].get(pk, 0),
        }
    return facts


def eligibility_of(call: ProjectCall, org: SocialOrganization, today: datetime.date | None = None) -> dict:
    """{"eligible", "reasons": [{"rule", "passed", "detail"}]} for one organization."""
    today = today or timezone.localdate()
    facts = facts_for(call, SocialOrganization.objects.filter(pk=org.pk), today)[org.pk]
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
    for pk, facts in facts_for(call, organizations, today).items():
        yield pk, rules.eligibility(call.rules, facts, today)


def eligibility_summary(call: ProjectCall, today: datetime.date | None = None) -> dict:
    """How many organizations of the call's region are eligible, and how many each rule excludes."""
    today = today or timezone.localdate()
    total = eligible = 0
    failed: Counter = Counter()
    for _pk, facts in facts_for(call, _region_organizations(call), today).items():
        total += 1
        codes = rules.failed_rules(call.rules, facts, today)
        eligible += not codes
        failed.update(codes)
    return {"organizations": total, "eligible": eligible, "failed_by_rule": dict(failed)}


# --- matching ------------------------------------------------------------------------------------------------------

MATCH_LIMIT = 50
ID_CHUNK = 5000


def _candidate_keys(need: Need, today: datetime.date, weights: dict[str, float]):
    """Offer keys that may serve the need, best first by the score's lower bound (category, area, capacity — what
    the key alone decides, the same formula as rules.match_fractions): of the need's category anywhere in its
    province (or serving the nation), of other categories in its prefecture or covering it; active offers whose
    period overlaps the need's. The ranges are scope_prefix (index) ranges."""
    code = need.region_id
    province, prefecture, own = code[:2], code[:4], rules.prefix_of(code)
    covering = ancestor_codes(code)
    period = Q(starts_on__lte=need.ends_on, ends_on__gte=max(need.starts_on, today))
    same = Q(category=need.category) & (Q(region_code__scope_prefix=province) | Q(region_code="100000"))
    other = ~Q(category=need.category) & (Q(region_code__scope_prefix=prefecture) | Q(region_code__in=covering))
    area_weight = weights["area"]
    tiers = [When(region_code__in=covering, then=Value(area_weight * rules.AREA_FRACTION[rules.AREA_COVERS]))]
    def under(prefix: str) -> Q:  # the one subtree condition (an empty prefix: the whole country)
        from socorg.core.scope import in_subtree

        return in_subtree("region_code", prefix) if prefix else Q(region_code__isnull=False)

    tiers.append(When(under(own), then=Value(area_weight * rules.AREA_FRACTION[rules.AREA_INSIDE])))
    if len(own) >= 4:
        tiers.append(When(under(prefecture),
                          then=Value(area_weight * rules.AREA_FRACTION[rules.AREA_PREFECTURE])))
    if len(own) >= 2:
        tiers.append(When(under(province),
                          then=Value(area_weight * rules.AREA_FRACTION[rules.AREA_PROVINCE])))
    people = max(need.people, 1)
    lower = (Case(When(category=need.category, then=Value(weights["category"])), default=Value(0.0),
                  output_field=FloatField())
             + Case(*tiers, default=Value(0.0), output_field=FloatField())
             + Case(When(capacity__gte=need.people, then=Value(weights["capacity"])),
                    default=ExpressionWrapper(F("capacity") * Value(weights["capacity"] / people),
                                              output_field=FloatField()), output_field=FloatField()))
    columns = ("offer_id", "organization_id", "category", "region_code", "capacity", "lower")
    parts = [OfferKey.objects.filter(period).filter(condition).annotate(lower=lower).values_list(*columns)
             for condition in (same, other)]  # each part from its own index range
    return parts[0].union(parts[1], all=True).order_by("-lower", "offer_id")


def _offer_bounds(candidates: dict[int, dict], need_facts: dict, weights: dict[str, float]):
    for c in candidates.values():
        facts = {"categories": c["categories"], "area": rules.best_area(need_facts["region"], c["regions"]),
                 "capacity": c["capacity"], "credit_listing": UNAVAILABLE, "grade": None, "completed": 0}
        yield rules.match_points(need=need_facts, offer=facts, weights=weights)


def matches_for(need: Need, *, limit: int = MATCH_LIMIT, today: datetime.date | None = None) -> list[dict]:
    """The offers ranked for the need: [{"offer_id", "organization_id", "score", "reasons"}], best first (ties by
    the offer's id). Factors and weights: projects.rules.match_score."""
    today = today or timezone.localdate()
    weights = rules.weights()
    need_facts = {"category": need.category, "region": need.region_id, "people": need.people}
    # The keys come best first by the lower bound of the score (no credit, grade or track record); the rest of the
    # score adds at most `extra`. Reading stops once the next key's bound lies below the `limit`-th best offer's
    # bound minus `extra`: no offer after it can be listed. Credit lists, grades and projects are then read only
    # for the offers that can.
    extra = sum(weights[f] for f in ("credit", "rating", "track_record")) + 0.05  # + rounding
    keys = _candidate_keys(need, today, weights)
    candidates: dict[int, dict] = {}
    offset, size = 0, max(limit * 10, 500)
    while True:
        rows = list(keys[offset:offset + size])
        for offer_id, org_id, category, region_code, capacity, _lower in rows:
            entry = candidates.setdefault(offer_id, {"organization": org_id, "categories": set(), "regions": set(),
                                                     "capacity": capacity})
            entry["categories"].add(category)
            entry["regions"].add(region_code)
        if len(rows) < size:
            break
        bounds = sorted((rows_lower for rows_lower in _offer_bounds(candidates, need_facts, weights)),
                        reverse=True)
        if len(bounds) >= limit and rows[-1][5] < bounds[limit - 1] - extra:
            break
        offset += size
    if not candidates:
        return []
    bounded = []
    for offer_id, c in candidates.items():
        area = rules.best_area(need.region_id, c["regions"])
        if area[0] == rules.AREA_NONE:
            continue
        facts = {"categories": sorted(c["categories"]), "area": area, "capacity": c["capacity"],
                 "credit_listing": UNAVAILABLE, "grade": None, "completed": 0}
        bounded.append((rules.match_points(need=need_facts, offer=facts, weights=weights), offer_id, c, facts))
    if len(bounded) > limit:
        threshold = sorted((row[0] for row in bounded), reverse=True)[limit - 1] - extra
        bounded = [row for row in bounded if row[0] >= threshold]
    org_ids = sorted({c["organization"] for _low, _id, c, _f in bounded})
    listings, grades, completed = {}, {}, {}
    for start in range(0, len(org_ids), ID_CHUNK):  # SQLite allows a bounded number of query parameters
        chunk = org_ids[start:start + ID_CHUNK]
        for found, part in ((listings, credit_listings(chunk, today)), (grades, evaluation_grades(chunk, today)),
                            (completed, completed_projects(chunk))):
            if part == UNAVAILABLE:
                found[UNAVAILABLE] = True
            else:
                found.update(part)
    listings = UNAVAILABLE if listings.get(UNAVAILABLE) else listings
    grades = UNAVAILABLE if grades.get(UNAVAILABLE) else grades
    scored = []
    for _low, offer_id, c, facts in bounded:
        org_id = c["organization"]
        offer_facts = {
            **facts,
            "credit_listing": listings if listings == UNAVAILABLE else listings.get(org_id),
            "grade": grades if grades == UNAVAILABLE else grades.get(org_id),
            "completed": completed.get(org_id, 0),
        }
        score = rules.match_points(need=need_facts, offer=offer_facts, weights=weights)
        scored.append((-score, offer_id, org_id, offer_facts))
    scored.sort(key=lambda row: (row[0], row[1]))
    top = scored[:limit]
    codes = {need.region_id} | {f["area"][1] for *_x, f in top if f["area"][1]}
    need_facts["region_names"] = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    results = []
    for _neg, offer_id, org_id, offer_facts in top:
        score, reasons = rules.match_score(need=need_facts, offer=offer_facts, weights=weights)
        results.append({"offer_id": offer_id, "organization_id": org_id, "score": score, "reasons": reasons})
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
