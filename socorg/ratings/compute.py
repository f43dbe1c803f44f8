"""The computed criteria, set-based (like the early-warning scan): a fixed number of grouped queries over the whole
region answer every party organization at once, never one query per branch.

`compute_ratings(cycle, region_prefix, definition)` → one ComputedRating per party organization in force at the
end of the cycle (or today, for the running year), each criterion with its points, its maximum and the evidence
behind the points. `org_party_section(org_ids, cycle, definition)` computes the party-building section of the
evaluation scorecard for social organizations from the same facts.

What each measure reads (docs/ratings.md):
- activity_periods: socorg.activities records of the type, per month / quarter / half-year / year of the cycle up to
  the date, counting only periods the branch existed for; `applies` limits it to branches with a committee (full
  members ≥ the committee rule's threshold, alerts' committee_meeting_shortfall) or with party groups.
- secretary_in_post, term_on_time: the party organization's secretary and term (current fields, as the alert scan).
- standalone_where_should_build, party_clause, instructor_in_post: the covered organizations (coverage state).
- annual_report_party_section: the covered organizations' annual report on the previous year (filed during the
  cycle), submitted with no open party-building correction (socorg.reports).
- sync_items: 三同步 checks of the covered organizations (registration, the annual report filed in the cycle,
  evaluations and re-elections of the cycle; reports.synchronization).
- no_open_alerts, rectifications_on_time: early-warning alerts about the party organization (socorg.alerts).
- vetoes: open high-severity alerts; credit lists of covered organizations (ratings.credit_link); an unqualified
  annual report.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from socorg.activities.models import Activity
from socorg.alerts.choices import OPEN_STATUSES, AlertStatus, EventKind, Severity, SubjectType
from socorg.alerts.models import Alert, AlertEvent
from socorg.alerts.periods import add_months
from socorg.core.scope import in_subtree
from socorg.party.choices import Formation, Membership
from socorg.party.models import (
    InstructorAssignment,
    PartyCoverage,
    PartyOrganization,
    active_on,
    add_years,
    instructor_on_duty_q,
    party_org_active_q,
)
from socorg.party.rules import should_build_min_full_members
from socorg.registry.models import SocialOrganization
from socorg.reports import rules as report_rules
from socorg.reports.choices import Conclusion
from socorg.reports.models import AnnualReport, PartyBuildingCorrection, SyncCheck
from socorg.reports.synchronization import SyncEvent, SyncState

from . import credit_link
from .rules import one_decimal, share_points, tenth
from .scorecards import criteria_of

PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


def cycle_as_of(cycle: int, today: datetime.date | None = None) -> datetime.date:
    """The records a cycle is rated on: up to 31 December, or up to yesterday while the year runs."""
    today = today or timezone.localdate()
    end = datetime.date(cycle, 12, 31)
    return end if end < today else today - datetime.timedelta(days=1)


@dataclass(slots=True)
class ComputedRating:
    party_org_id: int
    region_id: str
    name: str
    criteria: list[dict]
    computed_points: Decimal
    vetoes: list[dict] = field(default_factory=list)


@dataclass
class OrgFacts:
    """What the platform knows about one covered social organization for the cycle."""

    name: str = ""
    basis_full_members: int = 0
    party_clause: bool = False
    registered_on: datetime.date | None = None
    has_supervisor: bool = False
    covered: bool = False
    standalone: bool = False
    instructor: bool = False
    report: dict | None = None  # {"submitted", "complete", "conclusion"} of the report filed during the cycle
    sync_done: int = 0
    sync_not_done: int = 0


def _covered_orgs_q(day: datetime.date) -> Q:
    return active_on("", day) & party_org_active_q("party_org__", day)


def org_facts(org_ids, cycle: int, day: datetime.date) -> dict[int, OrgFacts]:
    """Facts of the organizations (a list of ids or a values("organization_id") subquery), in six queries."""
    facts: dict[int, OrgFacts] = {}
    for pk, name, basis, clause, registered, supervisor in (
            SocialOrganization.objects.filter(pk__in=org_ids).order_by()
            .values_list("pk", "name", "basis_full_members", "party_clause_in_charter", "registered_on",
                         "supervisor").iterator(chunk_size=20000)):
        facts[pk] = OrgFacts(name, basis, clause, registered, bool(supervisor))
    for org_id, formation, functional in (PartyCoverage.objects.filter(_covered_orgs_q(day),
                                                                       organization_id__in=org_ids).order_by()
                                          .values_list("organization_id", "party_org__formation",
                                                       "party_org__is_functional").iterator(chunk_size=20000)):
        entry = facts.get(org_id)
        if entry is None:
            continue
        entry.covered = True
        if formation == Formation.STANDALONE and not functional:
            entry.standalone = True
    for org_id in (InstructorAssignment.objects.filter(active_on("", day), instructor_on_duty_q("instructor__", day),
                                                       organization_id__in=org_ids)
                   .order_by().values_list("organization_id", flat=True).distinct()):
        if org_id in facts:
            facts[org_id].instructor = True
    report_year = cycle - 1
    open_corrections = PartyBuildingCorrection.objects.filter(resolved_at__isnull=True, report__year=report_year)
    incomplete = set(open_corrections.filter(report__organization_id__in=org_ids)
                     .values_list("report__organization_id", flat=True))
    for org_id, submitted_at, conclusion in (AnnualReport.objects.filter(year=report_year, organization_id__in=org_ids)
                                             .order_by().values_list("organization_id", "first_submitted_at",
                                                                     "conclusion")):
        if org_id in facts:
            submitted = submitted_at is not None and timezone.localdate(submitted_at) <= day
            facts[org_id].report = {"submitted": submitted, "complete": submitted and org_id not in incomplete,
                                    "conclusion": conclusion}
    occasions = (Q(event=SyncEvent.REGISTRATION) | Q(event=SyncEvent.ANNUAL_REPORT, occasion=str(report_year))
                 | Q(event=SyncEvent.EVALUATION, occasion=str(cycle))
                 | Q(event=SyncEvent.RE_ELECTION, occasion__startswith=f"{cycle}-"))
    for org_id, state, n in (SyncCheck.objects.filter(occasions, organization_id__in=org_ids)
                             .exclude(state=SyncState.NOT_APPLICABLE).order_by()
                             .values_list("organization_id", "state").annotate(n=Count("pk"))):
        if org_id in facts:
            if state == SyncState.DONE:
                facts[org_id].sync_done += n
            else:
                facts[org_id].sync_not_done += n
    return facts


# --- measures over a set of covered organizations -------------------------------------------------------------

def _names(items, limit: int = 5) -> list[str]:
    return sorted(items)[:limit]


def _org_measure(measure: str, params: dict, maximum, orgs: list[OrgFacts], cycle: int, day: datetime.date,
                 minimum: int | None = None):
    """(points, evidence) of an organization-level measure over the covered organizations `orgs` (`minimum`: the
    should-build threshold, read once by the caller)."""
    if measure == "standalone_where_should_build":
        minimum = should_build_min_full_members() if minimum is None else minimum
        should = [o for o in orgs if o.basis_full_members >= minimum]
        built = [o for o in should if o.standalone]
        return share_points(maximum, len(built), len(should)), {
            "should_build": len(should), "built": len(built), "min_full_members": minimum,
            "missing": _names(o.name for o in should if not o.standalone)}
    if measure == "party_clause":
        with_clause = [o for o in orgs if o.party_clause]
        return share_points(maximum, len(with_clause), len(orgs)), {
            "organizations": len(orgs), "with_clause": len(with_clause),
            "missing": _names(o.name for o in orgs if not o.party_clause)}
    if measure == "instructor_in_post":
        with_instructor = [o for o in orgs if o.instructor]
        return share_points(maximum, len(with_instructor), len(orgs)), {
            "organizations": len(orgs), "with_instructor": len(with_instructor)}
    if measure == "org_coverage":
        covered = [o for o in orgs if o.covered]
        return share_points(maximum, len(covered), len(orgs)), {"organizations": len(orgs), "covered": len(covered)}
    if measure == "work_coverage":
        covered = [o for o in orgs if o.covered or o.instructor]
        return share_points(maximum, len(covered), len(orgs)), {"organizations": len(orgs), "covered": len(covered)}
    if measure == "annual_report_party_section":
        report_year = cycle - 1
        checked = complete = 0
        missing = []
        for o in orgs:
            if report_rules.is_exempt(o.registered_on, report_year) or (
                    o.registered_on is not None and o.registered_on.year > report_year):
                continue
            deadline = report_rules.deadline(report_year, has_supervisor=o.has_supervisor)
            submitted = bool(o.report and o.report["submitted"])
            if not submitted and day <= deadline:
                continue  # not yet due
            checked += 1
            if o.report and o.report["complete"]:
                complete += 1
            else:
                missing.append(o.name)
        return share_points(maximum, complete, checked), {"report_year": report_year, "due": checked,
                                                          "complete": complete, "missing": _names(missing)}
    if measure == "sync_items":
        done = sum(o.sync_done for o in orgs)
        not_done = sum(o.sync_not_done for o in orgs)
        if done + not_done == 0:
            return 0.0, {"done": 0, "not_done": 0, "recorded": False}
        return share_points(maximum, done, done + not_done), {"done": done, "not_done": not_done, "recorded": True}
    raise KeyError(measure)


# --- the star rating -------------------------------------------------------------------------------------------

_PERIODS: dict[tuple, list[tuple[int, int]]] = {}


def _periods(cycle: int, period: str, founded_on, day: datetime.date) -> list[tuple[int, int]]:
    """The (first month, last month) of each period of the cycle that ended by `day` and that the branch existed
    for from its first day (memoised: a founding date before the cycle counts as the cycle's first day)."""
    if founded_on is not None and founded_on <= datetime.date(cycle, 1, 1):
        founded_on = None
    key = (cycle, period, founded_on, day)
    found = _PERIODS.get(key)
    if found is None:
        if len(_PERIODS) > 100_000:
            _PERIODS.clear()
        found = _PERIODS[key] = _compute_periods(cycle, period, founded_on, day)
    return found


def _compute_periods(cycle: int, period: str, founded_on, day: datetime.date) -> list[tuple[int, int]]:
    months = PERIOD_MONTHS[period]
    found = []
    for first in range(1, 13, months):
        start = datetime.date(cycle, first, 1)
        end = add_months(start, months) - datetime.timedelta(days=1)
        if end > day or (founded_on is not None and founded_on > start):
            continue
        found.append((first, first + months - 1))
    return found


def _activity_months(party_org_q: Q, cycle: int, day: datetime.date) -> dict[tuple[int, str], dict[int, int]]:
    """{(party_org, type): {month: count}} of the cycle up to `day`: one grouped query, read through a plain cursor
    (the ORM's per-value converters cost more than the query on hundreds of thousands of groups)."""
    from django.db import connection

    counts: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    rows = (Activity.objects.filter(party_org_q, date__gte=datetime.date(cycle, 1, 1), date__lte=day)
            .annotate(month=ExtractMonth("date")).order_by().values_list("party_org_id", "type", "month")
            .annotate(n=Count("pk")))
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(20000):
            for party_org, kind, month, n in batch:
                counts[(party_org, kind)][int(month)] = n
    return counts


def _full_members(party_org_q: Q, day: datetime.date) -> dict[int, int]:
    from socorg.alerts.rules import members_on

    return dict(members_on(day).filter(party_org_q, membership=Membership.FULL).order_by().values("party_org_id")
                .annotate(n=Count("pk")).values_list("party_org_id", "n"))


def _committee_threshold() -> int:
    from socorg.alerts.config import rule_config

    return rule_config("committee_meeting_shortfall").params["min_full_members"]


def _alert_facts(party_org_q: Q, cycle: int, day: datetime.date):
    """({party_org: [open, overdue, open high]}, {party_org: [due, on time]}) from the alerts about party
    organizations: open at `day` (opened by then, not resolved by then), and rectifications whose deadline fell in
    the cycle up to `day`, closed (accepted or resolved) by the deadline without escalation."""
    open_counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    alerts = Alert.objects.filter(party_org_q, subject_type=SubjectType.PARTY_ORG, opened_on__lte=day)
    still_open = Q(status__in=OPEN_STATUSES) | Q(resolved_on__gt=day)
    for party_org, severity, deadline in (alerts.filter(still_open).order_by()
                                          .values_list("party_org_id", "severity", "deadline")
                                          .iterator(chunk_size=20000)):
        entry = open_counts[party_org]
        if deadline is not None and deadline < day:
            entry[1] += 1
        else:
            entry[0] += 1
        if severity == Severity.HIGH:
            entry[2] += 1
    rectifications: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    due = alerts.filter(Q(deadline__gte=datetime.date(cycle, 1, 1), deadline__lte=day)
                        | Q(escalated_deadline__gte=datetime.date(cycle, 1, 1), escalated_deadline__lte=day))
    accepted = dict(AlertEvent.objects.filter(kind=EventKind.ACCEPTED, alert__in=due.values("pk")).order_by()
                    .values("alert_id").annotate(at=Min("at")).values_list("alert_id", "at"))
    for pk, party_org, deadline, escalated, status, resolved_on in (
            due.order_by().values_list("pk", "party_org_id", "deadline", "escalated_deadline", "status",
                                       "resolved_on")):
        missed = escalated is not None
        deadline = escalated or deadline
        closed_on = timezone.localdate(accepted[pk]) if pk in accepted else (
            resolved_on if status in (AlertStatus.RESOLVED, AlertStatus.ACCEPTED) else None)
        entry = rectifications[party_org]
        entry[0] += 1
        if not missed and closed_on is not None and closed_on <= deadline:
            entry[1] += 1
    return open_counts, rectifications


def compute_ratings(cycle: int, region_prefix: str, definition: dict, *, as_of: datetime.date | None = None,
                    party_org_ids=None) -> list[ComputedRating]:
    """The computed criteria of every party organization in force on the cycle's date in the region subtree (or
    only `party_org_ids`). Judged criteria come back with 0 points and no evidence: people score them."""
    day = as_of or cycle_as_of(cycle)
    party_orgs_q = party_org_active_q("", day) & in_subtree("region__code", region_prefix)
    if party_org_ids is not None:
        party_orgs_q &= Q(pk__in=list(party_org_ids))
    party_orgs = list(PartyOrganization.objects.filter(party_orgs_q).order_by("pk").values_list(
        "pk", "region_id", "name", "has_party_groups", "secretary_name", "secretary_vacant_since",
        "term_started_on", "term_years", "founded_on"))
    # The same set, as a condition on rows that point at a party organization.
    related_q = Q(party_org__in=PartyOrganization.objects.filter(party_orgs_q).values("pk"))
    criteria = criteria_of(definition)
    measures = {c.get("measure") for c in criteria}
    covered: dict[int, list[int]] = defaultdict(list)
    coverage_rows = PartyCoverage.objects.filter(related_q, active_on("", day)).order_by()
    for party_org, org_id in coverage_rows.values_list("party_org_id", "organization_id").iterator(chunk_size=20000):
        covered[party_org].append(org_id)
    facts = org_facts(coverage_rows.values("organization_id"), cycle, day) if covered else {}
    activity = _activity_months(related_q, cycle, day) if "activity_periods" in measures else {}
    needs_members = any(c.get("params", {}).get("applies") == "committee" for c in criteria)
    full_members = _full_members(related_q, day) if needs_members else {}
    committee_min = _committee_threshold() if needs_members else 0
    open_alerts, rectifications = _alert_facts(related_q, cycle, day)
    vetoes = {v["code"]: v["cap"] for v in definition.get("vetoes", [])}
    credit = (credit_link.credit_facts(coverage_rows.values("organization_id"), day)
              if facts and {"serious_list", "abnormal_list"} & set(vetoes) else {})
    should_build_min = should_build_min_full_members()

    results = []
    for pk, region, name, groups, secretary, vacant_since, term_start, term_years, founded in party_orgs:
        orgs = [facts[o] for o in covered.get(pk, ()) if o in facts]
        rows = []
        total = 0.0
        for criterion in criteria:
            maximum = criterion["points"]
            params = criterion.get("params", {})
            measure = criterion.get("measure")
            if criterion["kind"] != "computed":
                rows.append({"code": criterion["code"], "kind": "judged", "section": criterion["section"],
                             "points": None, "max": maximum, "evidence": {}})
                continue
            if measure == "activity_periods":
                points, evidence = _activity_points(params, maximum, activity.get((pk, params["type"]), {}), cycle,
                                                    founded, day, groups, full_members.get(pk, 0), committee_min)
            elif measure == "secretary_in_post":
                months = params.get("months", 3)
                tolerated = vacant_since is not None and add_months(vacant_since, months) >= day
                in_post = bool(secretary) or tolerated
                points = float(maximum if in_post else 0)
                evidence = {"in_post": bool(secretary), "vacant_since": _iso(vacant_since), "months": months}
            elif measure == "term_on_time":
                ends = add_years(term_start, term_years) if term_start else None
                on_time = ends is not None and ends >= day
                points = float(maximum if on_time else 0)
                evidence = {"term_started_on": _iso(term_start), "term_years": term_years, "term_ends_on": _iso(ends)}
            elif measure == "no_open_alerts":
                open_count, overdue, _high = open_alerts.get(pk, (0, 0, 0))
                deduction = params.get("per_open", 2) * open_count + params.get("per_overdue", 3) * overdue
                points = tenth(max(0.0, maximum - deduction))
                evidence = {"open": open_count, "overdue": overdue}
            elif measure == "rectifications_on_time":
                due_count, on_time = rectifications.get(pk, (0, 0))
                points = share_points(maximum, on_time, due_count)
                evidence = {"due": due_count, "on_time": on_time}
            else:
                points, evidence = _org_measure(measure, params, maximum, orgs, cycle, day, should_build_min)
            total += points
            rows.append({"code": criterion["code"], "kind": "computed", "section": criterion["section"],
                         "points": points, "max": maximum, "evidence": evidence})
        applied = []
        if "open_high_alert" in vetoes and open_alerts.get(pk, (0, 0, 0))[2]:
            applied.append({"code": "open_high_alert", "cap": vetoes["open_high_alert"],
                            "count": open_alerts[pk][2]})
        for code, list_code in (("serious_list", "serious"), ("abnormal_list", "abnormal")):
            if code in vetoes:
                listed = [facts[o].name for o in covered.get(pk, ()) if o in credit and credit[o].on_list(list_code)]
                if listed:
                    applied.append({"code": code, "cap": vetoes[code], "organizations": _names(listed)})
        if "unqualified_report" in vetoes:
            failed = [o.name for o in orgs if o.report and o.report["conclusion"] == Conclusion.UNQUALIFIED]
            if failed:
                applied.append({"code": "unqualified_report", "cap": vetoes["unqualified_report"],
                                "organizations": _names(failed)})
        results.append(ComputedRating(pk, region, name, rows, one_decimal(tenth(total)), applied))
    return results


def _activity_points(params, maximum, months: dict[int, int], cycle, founded, day, groups, full, committee_min):
    kind, period = params["type"], params["period"]
    applies = params.get("applies", "all")
    if (applies == "committee" and full < committee_min) or (applies == "party_groups" and not groups):
        evidence = {"applies": False}
        if applies == "committee":
            evidence.update(full_members=full, min_full_members=committee_min)
        return float(maximum), evidence
    minimum = params.get("min_count", 1)
    periods = _periods(cycle, period, founded, day)
    if PERIOD_MONTHS[period] == 1:
        held = [months.get(first, 0) for first, _last in periods]
    else:
        held = [sum(months.get(m, 0) for m in range(first, last + 1)) for first, last in periods]
    met = sum(1 for n in held if n >= minimum)
    return share_points(maximum, met, len(periods)), {
        "type": kind, "period": period, "periods": len(periods), "periods_met": met, "held": sum(held),
        "min_per_period": minimum}


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def org_party_section(org_ids: list[int], cycle: int, definition: dict, *, as_of: datetime.date | None = None
                      ) -> dict[int, dict]:
    """The evaluation scorecard's party-building section for organizations: {org_id: {"points", "max",
    "criteria": [{"code", "kind", "points", "max", "evidence"}]}}; judged items come back without points."""
    day = as_of or cycle_as_of(cycle)
    section = next(s for s in definition["sections"] if s.get("party_building"))
    facts = org_facts(org_ids, cycle, day)
    result = {}
    for org_id in org_ids:
        entry = facts.get(org_id)
        rows, total = [], 0.0
        for criterion in section["criteria"]:
            if criterion["kind"] != "computed" or entry is None:
                rows.append({"code": criterion["code"], "kind": criterion["kind"], "points": None,
                             "max": criterion["points"], "evidence": {}})
                continue
            points, evidence = _org_measure(criterion["measure"], criterion.get("params", {}), criterion["points"],
                                            [entry], cycle, day)
            total += points
            rows.append({"code": criterion["code"], "kind": "computed", "points": points,
                         "max": criterion["points"], "evidence": evidence})
        result[org_id] = {"cycle": cycle, "as_of": day.isoformat(), "points": tenth(total),
                          "max": section["points"], "criteria": rows}
    return result
