"""The computed criteria, set-based (like the early-warning scan): a fixed number of grouped queries per chunk of
party organizations answer every branch of the chunk at once, never one query per branch.

`compute_chunks(cycle, region_prefix, definition)` yields, chunk by chunk of CHUNK_SIZE party organizations in id
order (memory stays bounded by one chunk, whatever the region), one ComputedRating per party organization in force
at the end of the cycle (or today, for the running year), each criterion with its points, its maximum and the
evidence behind the points; `compute_ratings` is the same as one list. Within a chunk each criterion is evaluated as
a column (_Column): a key per branch of what decides its points and evidence, and the criterion's JSON encoded once
per distinct key. `org_party_section(org_ids, cycle, definition)` computes the party-building section of the
evaluation scorecard for social organizations from the same facts and the same per-organization rules (_org_part).

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
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Q
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


ID_BATCH = 30_000  # ids per IN (…) list: below SQLite's limit of 32,766 parameters


def org_facts(org_ids, cycle: int, day: datetime.date) -> dict[int, OrgFacts]:
    """Facts of the organizations (a list of ids, six queries per ID_BATCH of them, or a values("organization_id")
    subquery), in six queries."""
    if isinstance(org_ids, list) and len(org_ids) > ID_BATCH:
        found: dict[int, OrgFacts] = {}
        for start in range(0, len(org_ids), ID_BATCH):
            found.update(org_facts(org_ids[start:start + ID_BATCH], cycle, day))
        return found
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


def _org_part(measure: str, o: OrgFacts, cycle: int, day: datetime.date, minimum: int) -> tuple[int, int, str | None]:
    """One covered organization's part in an organization-level measure: (counted, met, its name when counted and
    not met). A measure over several organizations adds the parts up (_org_points)."""
    if measure == "standalone_where_should_build":
        if o.basis_full_members < minimum:
            return 0, 0, None
        return (1, 1, None) if o.standalone else (1, 0, o.name)
    if measure == "party_clause":
        return (1, 1, None) if o.party_clause else (1, 0, o.name)
    if measure == "instructor_in_post":
        return 1, int(o.instructor), None
    if measure == "org_coverage":
        return 1, int(o.covered), None
    if measure == "work_coverage":
        return 1, int(o.covered or o.instructor), None
    if measure == "annual_report_party_section":
        report_year = cycle - 1
        if report_rules.is_exempt(o.registered_on, report_year) or (
                o.registered_on is not None and o.registered_on.year > report_year):
            return 0, 0, None
        submitted = bool(o.report and o.report["submitted"])
        if not submitted and day <= report_rules.deadline(report_year, has_supervisor=o.has_supervisor):
            return 0, 0, None  # not yet due
        return (1, 1, None) if o.report and o.report["complete"] else (1, 0, o.name)
    if measure == "sync_items":
        return o.sync_done + o.sync_not_done, o.sync_done, None
    raise KeyError(measure)


def _org_points(measure: str, maximum, counted: int, met: int, missing, cycle: int, minimum: int):
    """(points, evidence) of an organization-level measure from its parts added up (`missing`: the names of the
    organizations counted and not meeting it)."""
    if measure == "standalone_where_should_build":
        return share_points(maximum, met, counted), {"should_build": counted, "built": met,
                                                     "min_full_members": minimum, "missing": _names(missing)}
    if measure == "party_clause":
        return share_points(maximum, met, counted), {"organizations": counted, "with_clause": met,
                                                     "missing": _names(missing)}
    if measure == "instructor_in_post":
        return share_points(maximum, met, counted), {"organizations": counted, "with_instructor": met}
    if measure in ("org_coverage", "work_coverage"):
        return share_points(maximum, met, counted), {"organizations": counted, "covered": met}
    if measure == "annual_report_party_section":
        return share_points(maximum, met, counted), {"report_year": cycle - 1, "due": counted, "complete": met,
                                                     "missing": _names(missing)}
    if measure == "sync_items":
        if counted == 0:
            return 0.0, {"done": 0, "not_done": 0, "recorded": False}
        return share_points(maximum, met, counted), {"done": met, "not_done": counted - met, "recorded": True}
    raise KeyError(measure)


def _org_measure(measure: str, params: dict, maximum, orgs: list[OrgFacts], cycle: int, day: datetime.date,
                 minimum: int | None = None):
    """(points, evidence) of an organization-level measure over the covered organizations `orgs` (`minimum`: the
    should-build threshold, read once by the caller)."""
    minimum = should_build_min_full_members() if minimum is None else minimum
    counted = met = 0
    missing = []
    for o in orgs:
        c, m, name = _org_part(measure, o, cycle, day, minimum)
        counted += c
        met += m
        if name is not None:
            missing.append(name)
    return _org_points(measure, maximum, counted, met, missing, cycle, minimum)


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


def _activity_months(party_org_q: Q, types, cycle: int, day: datetime.date) -> dict[str, dict[int, tuple]]:
    """{type: {party_org: (count in January, …, count in December)}} of the cycle up to `day`: one grouped query
    with a filtered count per month, read through a plain cursor (the ORM's per-value converters cost more than the
    query on hundreds of thousands of groups)."""
    from django.db import connection

    per_month = {f"m{month}": Count("pk", filter=Q(date__gte=datetime.date(cycle, month, 1),
                                                   date__lt=add_months(datetime.date(cycle, month, 1), 1)))
                 for month in range(1, 13)}
    rows = (Activity.objects.filter(party_org_q, type__in=sorted(types), date__gte=datetime.date(cycle, 1, 1),
                                    date__lte=day)
            .order_by().values_list("party_org_id", "type").annotate(**per_month))
    sql, params = rows.query.sql_with_params()
    counts: dict[str, dict[int, tuple]] = {kind: {} for kind in types}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(20000):
            for row in batch:
                counts[row[1]][row[0]] = row[2:]
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


@dataclass(slots=True)
class ComputedRating:
    """One party organization's computed criteria: `criteria_json` is the stored list of criteria as JSON text
    (each {"code", "kind", "section", "points", "max", "evidence"}; judged ones with points null), `points` the sum
    of the computed points before rounding."""

    party_org_id: int
    region_id: str
    name: str
    criteria_json: str
    computed_points: Decimal
    points: float
    vetoes: list[dict] = field(default_factory=list)

    @property
    def criteria(self) -> list[dict]:
        return json.loads(self.criteria_json)


@dataclass(slots=True)
class Chunk:
    """The computed ratings of the party organizations in force with ids first_id…last_id (ascending)."""

    first_id: int
    last_id: int
    ratings: list[ComputedRating]


class _Column:
    """One criterion evaluated for a whole chunk: `cells`, one (points, JSON text of the criterion) per party
    organization in chunk order. The cell is memoised by the key that decides points and evidence (`make(key)` →
    (points, evidence)): most branches share the same figures, so a criterion's JSON is encoded once per distinct
    evidence, not once per branch. Loops add cells as `cells.append(memo.get(key) or encode(key))`."""

    __slots__ = ("cells", "criterion", "make", "memo")

    def __init__(self, criterion: dict, make):
        self.criterion, self.make, self.memo = criterion, make, {}
        self.cells: list[tuple[float, str]] = []

    def encode(self, key) -> tuple[float, str]:
        points, evidence = self.make(key)
        found = self.memo[key] = (points, json.dumps(
            {"code": self.criterion["code"], "kind": "computed", "section": self.criterion["section"],
             "points": points, "max": self.criterion["points"], "evidence": evidence}, ensure_ascii=False))
        return found

    def fill(self, keys) -> "_Column":
        memo, encode = self.memo, self.encode
        self.cells = [memo.get(key) or encode(key) for key in keys]
        return self


class _Run:
    """The figures of one run that do not depend on the chunk: the scorecard's criteria, vetoes and the rule
    thresholds read from configuration."""

    def __init__(self, cycle: int, day: datetime.date, definition: dict):
        self.cycle, self.day = cycle, day
        self.criteria = criteria_of(definition)
        self.measures = {c.get("measure") for c in self.criteria if c["kind"] == "computed"}
        self.activity_types = {c["params"]["type"] for c in self.criteria
                               if c["kind"] == "computed" and c.get("measure") == "activity_periods"}
        self.needs_members = any(c["kind"] == "computed" and c.get("params", {}).get("applies") == "committee"
                                 for c in self.criteria)
        self.committee_min = _committee_threshold() if self.needs_members else 0
        self.vetoes = {v["code"]: v["cap"] for v in definition.get("vetoes", [])}
        self.should_build_min = should_build_min_full_members()
        self.judged_texts = {c["code"]: json.dumps({"code": c["code"], "kind": "judged", "section": c["section"],
                                                    "points": None, "max": c["points"], "evidence": {}},
                                                   ensure_ascii=False)
                             for c in self.criteria if c["kind"] != "computed"}
        self.rounded: dict[float, Decimal] = {}

    def compute(self, party_orgs_q: Q, first_id: int, last_id: int) -> list[ComputedRating]:
        cycle, day = self.cycle, self.day
        party_orgs = list(PartyOrganization.objects.filter(party_orgs_q).order_by("pk").values_list(
            "pk", "region_id", "name", "has_party_groups", "secretary_name", "secretary_vacant_since",
            "term_started_on", "term_years", "founded_on"))
        if not party_orgs:
            return []
        # The same set, as a condition on rows that point at a party organization (the id range lets the planner
        # probe the (party_org, …) indexes).
        related_q = Q(party_org_id__gte=first_id, party_org_id__lte=last_id,
                      party_org__in=PartyOrganization.objects.filter(party_orgs_q).values("pk"))
        covered: dict[int, list[int]] = defaultdict(list)
        coverage_rows = PartyCoverage.objects.filter(related_q, active_on("", day)).order_by()
        for party_org, org_id in coverage_rows.values_list("party_org_id", "organization_id").iterator(
                chunk_size=20000):
            covered[party_org].append(org_id)
        # The covered organizations by their ids (a list: the planner knows how many; a subquery per chunk led it to
        # nested loops on a freshly loaded national set).
        org_ids = sorted({org_id for orgs in covered.values() for org_id in orgs})
        facts = org_facts(org_ids, cycle, day) if org_ids else {}
        activity = _activity_months(related_q, self.activity_types, cycle, day) if self.activity_types else {}
        full_members = _full_members(related_q, day) if self.needs_members else {}
        open_alerts, rectifications = _alert_facts(related_q, cycle, day)
        credit = {}
        if facts and {"serious_list", "abnormal_list"} & set(self.vetoes):
            for start in range(0, len(org_ids), ID_BATCH):
                credit.update(credit_link.credit_facts(org_ids[start:start + ID_BATCH], day))
        orgs_of = [tuple(o for o in covered.get(row[0], ()) if o in facts) for row in party_orgs]

        texts_by_criterion = []
        points_by_criterion = []
        for criterion in self.criteria:
            if criterion["kind"] != "computed":
                texts_by_criterion.append([self.judged_texts[criterion["code"]]] * len(party_orgs))
                continue
            cells = self._column(criterion, party_orgs, orgs_of, facts, activity, full_members, open_alerts,
                                 rectifications).cells
            texts_by_criterion.append([cell[1] for cell in cells])
            points_by_criterion.append([cell[0] for cell in cells])
        totals = [sum(points) for points in zip(*points_by_criterion, strict=True)] if points_by_criterion else \
            [0.0] * len(party_orgs)
        results = []
        rounded = self.rounded
        for index, (texts, row) in enumerate(zip(zip(*texts_by_criterion, strict=True), party_orgs, strict=True)):
            pk, total = row[0], totals[index]
            computed_points = rounded.get(total)
            if computed_points is None:
                computed_points = rounded[total] = one_decimal(tenth(total))
            results.append(ComputedRating(pk, row[1], row[2], "[" + ", ".join(texts) + "]", computed_points, total,
                                          self._vetoes(pk, orgs_of[index], facts, open_alerts, credit)))
        if len(rounded) > 100_000:
            rounded.clear()
        return results

    def _column(self, criterion, party_orgs, orgs_of, facts, activity, full_members, open_alerts,
                rectifications) -> _Column:
        """The criterion's cells for the chunk: first the key of every party organization (what decides its
        points and evidence), then the memoised cells."""
        cycle, day = self.cycle, self.day
        maximum, params, measure = criterion["points"], criterion.get("params", {}), criterion["measure"]
        if measure == "activity_periods":
            kind, period = params["type"], params["period"]
            applies, minimum = params.get("applies", "all"), params.get("min_count", 1)
            committee_min = self.committee_min

            def make(key):
                if key[0] == "committee":
                    return float(maximum), {"applies": False, "full_members": key[1],
                                            "min_full_members": committee_min}
                if key[0] == "groups":
                    return float(maximum), {"applies": False}
                periods, met, held = key
                return share_points(maximum, met, periods), {
                    "type": kind, "period": period, "periods": periods, "periods_met": met, "held": held,
                    "min_per_period": minimum}

            counts = activity.get(kind, {})
            periods_of: dict = {}

            def keys():
                for pk, _region, _name, groups, *_rest, founded in party_orgs:
                    if applies == "committee":
                        full = full_members.get(pk, 0)
                        if full < committee_min:
                            yield "committee", full
                            continue
                    elif applies == "party_groups" and not groups:
                        yield ("groups",)
                        continue
                    periods = periods_of.get(founded)
                    if periods is None:
                        periods = periods_of[founded] = _periods(cycle, period, founded, day)
                    months = counts.get(pk)
                    if months is None:
                        yield len(periods), 0, 0
                        continue
                    held = [sum(months[first - 1:last]) for first, last in periods]
                    yield len(periods), sum(1 for n in held if n >= minimum), sum(held)

            return _Column(criterion, make).fill(keys())
        if measure == "secretary_in_post":
            months = params.get("months", 3)

            def make(key):
                secretary, vacant_since = key
                tolerated = vacant_since is not None and add_months(vacant_since, months) >= day
                return float(maximum if secretary or tolerated else 0), {
                    "in_post": secretary, "vacant_since": _iso(vacant_since), "months": months}

            return _Column(criterion, make).fill((bool(row[4]), row[5]) for row in party_orgs)
        if measure == "term_on_time":
            def make(key):
                term_start, term_years = key
                ends = add_years(term_start, term_years) if term_start else None
                return float(maximum if ends is not None and ends >= day else 0), {
                    "term_started_on": _iso(term_start), "term_years": term_years, "term_ends_on": _iso(ends)}

            return _Column(criterion, make).fill((row[6], row[7]) for row in party_orgs)
        if measure == "no_open_alerts":
            per_open, per_overdue = params.get("per_open", 2), params.get("per_overdue", 3)

            def make(key):
                open_count, overdue = key
                deduction = per_open * open_count + per_overdue * overdue
                return tenth(max(0.0, maximum - deduction)), {"open": open_count, "overdue": overdue}

            none = (0, 0, 0)
            return _Column(criterion, make).fill(tuple(open_alerts.get(row[0], none)[:2]) for row in party_orgs)
        if measure == "rectifications_on_time":
            none = (0, 0)
            return _Column(criterion, lambda key: (share_points(maximum, key[1], key[0]),
                                                   {"due": key[0], "on_time": key[1]})
                           ).fill(tuple(rectifications.get(row[0], none)) for row in party_orgs)
        # An organization-level measure: each covered organization's part once, added up per branch.
        minimum = self.should_build_min
        parts = {org_id: _org_part(measure, entry, cycle, day, minimum) for org_id, entry in facts.items()}

        def org_keys():
            for orgs in orgs_of:
                if len(orgs) == 1:
                    counted, met, name = parts[orgs[0]]
                    yield counted, met, () if name is None else (name,)
                    continue
                counted = met = 0
                missing = []
                for org_id in orgs:
                    c, m, name = parts[org_id]
                    counted += c
                    met += m
                    if name is not None:
                        missing.append(name)
                yield counted, met, tuple(sorted(missing))

        return _Column(criterion, lambda key: _org_points(measure, maximum, key[0], key[1], key[2], cycle, minimum)
                       ).fill(org_keys())

    def _vetoes(self, pk: int, orgs: tuple, facts, open_alerts, credit) -> list[dict]:
        vetoes = self.vetoes
        applied = []
        if "open_high_alert" in vetoes:
            found = open_alerts.get(pk)
            if found and found[2]:
                applied.append({"code": "open_high_alert", "cap": vetoes["open_high_alert"], "count": found[2]})
        if credit:
            for code, list_code in (("serious_list", "serious"), ("abnormal_list", "abnormal")):
                if code in vetoes:
                    listed = [facts[o].name for o in orgs if o in credit and credit[o].on_list(list_code)]
                    if listed:
                        applied.append({"code": code, "cap": vetoes[code], "organizations": _names(listed)})
        if "unqualified_report" in vetoes:
            failed = [facts[o].name for o in orgs
                      if facts[o].report and facts[o].report["conclusion"] == Conclusion.UNQUALIFIED]
            if failed:
                applied.append({"code": "unqualified_report", "cap": vetoes["unqualified_report"],
                                "organizations": _names(failed)})
        return applied


CHUNK_SIZE = 20_000


def compute_chunks(cycle: int, region_prefix: str, definition: dict, *, as_of: datetime.date | None = None,
                   party_org_ids=None, chunk_size: int | None = None):
    """The computed criteria of every party organization in force on the cycle's date in the region subtree (or
    only `party_org_ids`), chunk by chunk of `chunk_size` party organizations in id order (default CHUNK_SIZE): a
    generator of Chunk, so that memory stays bounded by one chunk whatever the region. Each chunk is a fixed number
    of grouped queries; each criterion is then evaluated as a column over the chunk (_Column). Judged criteria come
    back with no points and no evidence: people score them."""
    day = as_of or cycle_as_of(cycle)
    size = chunk_size or CHUNK_SIZE
    in_force = party_org_active_q("", day) & in_subtree("region__code", region_prefix)
    if party_org_ids is not None:
        in_force &= Q(pk__in=list(party_org_ids))
    ids = list(PartyOrganization.objects.filter(in_force).order_by("pk").values_list("pk", flat=True))
    run = _Run(cycle, day, definition)
    for start in range(0, len(ids), size):
        first, last = ids[start], ids[min(start + size, len(ids)) - 1]
        yield Chunk(first, last, run.compute(in_force & Q(pk__gte=first, pk__lte=last), first, last))


def compute_ratings(cycle: int, region_prefix: str, definition: dict, *, as_of: datetime.date | None = None,
                    party_org_ids=None, chunk_size: int | None = None) -> list[ComputedRating]:
    """Every chunk of compute_chunks at once (a list: for a region or a few party organizations)."""
    return [rating for chunk in compute_chunks(cycle, region_prefix, definition, as_of=as_of,
                                               party_org_ids=party_org_ids, chunk_size=chunk_size)
            for rating in chunk.ratings]


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
