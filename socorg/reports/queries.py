"""Annual-report figures of a region: due, exempt, submitted, late, reviewed, each conclusion, overdue.

One definition, in SQL conditions, shared by the figures and by the lists of organizations behind each number
(`organizations_behind`), so a figure and its list always agree."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, FilteredRelation, OuterRef, Q, Sum, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socorg.core.scope import can, in_subtree
from socorg.regions.models import Region
from socorg.registry.models import SocialOrganization, org_dated_q

from . import rules
from .choices import Conclusion, ReportStatus
from .models import AnnualReport, ReportOrgBucket, ReportYearCounts
from .triggers import YEAR_COLUMNS, maintained_from

FIGURES = ("due", "exempt", "submitted", "late", "reviewed", "overdue")
CONCLUSIONS = tuple(Conclusion.values)  # once: an enum's .values builds a new list on every access
FIGURE_KEYS = (*FIGURES, *CONCLUSIONS)


def _not_ended_by(day: datetime.date) -> Q:
    """Still registered on the deadline (限期停止活动 is still registered, so such an organization is due), judged
    from the organization's current dates as the maintained counts are (registry.models.org_dated_q)."""
    return org_dated_q(on=day)


def _by_deadline(year: int, condition) -> Q:
    """`condition(deadline)` for the organization's own deadline (with or without a supervising unit)."""
    supervised = ~Q(supervisor="")
    return ((supervised & condition(rules.deadline(year, has_supervisor=True)))
            | (~supervised & condition(rules.deadline(year, has_supervisor=False))))


def due_q(year: int) -> Q:
    registered = Q(registered_on__isnull=True) | Q(registered_on__lte=rules.exemption_cutoff(year))
    return registered & _by_deadline(year, _not_ended_by)


def exempt_q(year: int) -> Q:
    registered = Q(registered_on__gt=rules.exemption_cutoff(year), registered_on__lte=datetime.date(year, 12, 31))
    return registered & _by_deadline(year, _not_ended_by)


def _submitted_exists(year: int) -> Exists:
    return Exists(AnnualReport.objects.filter(organization=OuterRef("pk"), year=year,
                                              first_submitted_at__isnull=False))


def overdue_q(year: int, today: datetime.date) -> Q:
    past_deadline = _by_deadline(year, lambda deadline: Q() if today > deadline else Q(pk__in=[]))
    return due_q(year) & past_deadline & ~_submitted_exists(year)


REPORT_CONDITIONS = {
    "submitted": Q(first_submitted_at__isnull=False),
    "late": Q(late=True),
    "reviewed": Q(status=ReportStatus.REVIEWED),
    **{conclusion: Q(status=ReportStatus.REVIEWED, conclusion=conclusion) for conclusion in Conclusion.values},
}


def _scoped(user, region: Region):
    orgs = SocialOrganization.objects.filter(in_subtree("authority_region__code", region.scope_prefix))
    reports = AnnualReport.objects.filter(in_subtree("organization__authority_region__code", region.scope_prefix))
    if user is not None:  # None: the command, run by an operator over everything
        orgs = orgs & organizations_visible(user)
        reports = reports & AnnualReport.objects.visible_to(user, "view")
    return orgs, reports


@dataclass
class ReportFigures:
    year: int
    region: Region
    due: int
    exempt: int
    submitted: int
    late: int
    reviewed: int
    conclusions: dict
    overdue: int

    def as_json(self) -> dict:
        return {"year": self.year, "region": self.region.code, "due": self.due, "exempt": self.exempt,
                "submitted": self.submitted, "late": self.late, "reviewed": self.reviewed,
                "conclusions": dict(self.conclusions), "overdue": self.overdue}


def report_figures(*, year: int, region: Region, user=None, today: datetime.date | None = None) -> ReportFigures:
    today = today or timezone.localdate()
    if uses_maintained(year=year, region=region, user=user):
        totals = dict.fromkeys(FIGURE_KEYS, 0)
        for counts in maintained_by_code(year=year, region=region, today=today).values():
            for key, value in counts.items():
                totals[key] += value
        return _figures(year, region, totals)
    orgs, reports = _scoped(user, region)
    org_counts = orgs.aggregate(due=Count("pk", filter=due_q(year)), exempt=Count("pk", filter=exempt_q(year)),
                                overdue=Count("pk", filter=overdue_q(year, today)))
    report_counts = reports.filter(year=year).aggregate(
        **{name: Count("pk", filter=condition) for name, condition in REPORT_CONDITIONS.items()})
    return _figures(year, region, {**org_counts, **report_counts})


def _figures(year: int, region: Region, counts: dict) -> ReportFigures:
    return ReportFigures(
        year=year, region=region, due=counts["due"], exempt=counts["exempt"], submitted=counts["submitted"],
        late=counts["late"], reviewed=counts["reviewed"], conclusions={c: counts[c] for c in CONCLUSIONS},
        overdue=counts["overdue"],
    )


def uses_maintained(*, year: int, region: Region, user=None) -> bool:
    """The maintained counts (reports.triggers) answer for whole regions from SOCORG_REPORT_MAINTAINED_FROM on: for
    the command (no user) and for a user whose scope holds the whole region; an organization's own account and
    earlier years are counted live. Both give the same figures (tests/test_maintained_counts.py)."""
    return year >= maintained_from() and (user is None or can(user, "reports.view", region.code))


def maintained_by_code(*, year: int, region: Region, today: datetime.date) -> dict[str, dict]:
    """{authority region code: the year's figures} from the maintained counts, for the region's subtree: two
    grouped reads of a few rows per region, whatever the number of organizations. For the nation the codes are the
    provinces' (the buckets' province totals, and the year counts summed per province in SQL: a few dozen rows
    instead of one per county and supervision), which the drill-down folds exactly as the regions below them."""
    per_code: dict[str, dict] = defaultdict(lambda: dict.fromkeys(FIGURE_KEYS, 0))
    submitted_due: dict[tuple[str, bool], int] = defaultdict(int)
    due_by_group: dict[tuple[str, bool], int] = defaultdict(int)
    # The nation reads the province totals; a province or below reads its regions' own rows.
    rows = (ReportOrgBucket.objects.filter(rollup=True) if not region.scope_prefix
            else ReportOrgBucket.objects.filter(in_subtree("region__code", region.scope_prefix), rollup=False))
    buckets = (rows.filter(end_year__gt=year)
               .filter(Q(first_due_year__lte=year) | Q(second_half=True, first_due_year=year + 1))
               .order_by().values_list("region_id", "supervised")
               .annotate(due=Sum("orgs", filter=Q(first_due_year__lte=year)),
                         exempt=Sum("orgs", filter=Q(first_due_year=year + 1))))
    for code, supervised, due, exempt in buckets:
        per_code[code]["exempt"] += exempt or 0
        due_by_group[code, supervised] += due or 0
    counts = ReportYearCounts.objects.filter(in_subtree("region__code", region.scope_prefix), year=year).order_by()
    if region.scope_prefix:
        counts = counts.values_list("region_id", "supervised", *YEAR_COLUMNS)
    else:  # per province, as the buckets
        province = Concat(Substr("region_id", 1, 2), Value("0000"), output_field=CharField())
        counts = (counts.annotate(province=province).values_list("province", "supervised")
                  .annotate(*(Sum(column) for column in YEAR_COLUMNS)))
    for code, supervised, *values in counts:
        figures = per_code[code]
        for key, value in zip(YEAR_COLUMNS, values, strict=True):
            if key == "submitted_due":
                submitted_due[code, supervised] += value
            else:
                figures[key] += value
    for (code, supervised), due in due_by_group.items():
        per_code[code]["due"] += due
        if today > rules.deadline(year, has_supervisor=supervised):
            per_code[code]["overdue"] += due - submitted_due[code, supervised]
    return per_code


def organizations_behind(*, figure: str, year: int, region: Region, user=None, today=None):
    """The organizations a figure counts (same conditions as report_figures)."""
    today = today or timezone.localdate()
    orgs, reports = _scoped(user, region)
    if figure == "due":
        return orgs.filter(due_q(year))
    if figure == "exempt":
        return orgs.filter(exempt_q(year))
    if figure == "overdue":
        return orgs.filter(overdue_q(year, today))
    if figure in REPORT_CONDITIONS:
        ids = reports.filter(REPORT_CONDITIONS[figure], year=year).values("organization_id")
        return orgs.filter(pk__in=ids)
    raise ValueError(figure)


# The workbook of the organizations behind a figure: who they are and where their report stands.
FIGURE_ORG_COLUMNS = [
    (gettext_lazy("unified social credit code"), 22), (gettext_lazy("social organization"), 36),
    (gettext_lazy("type"), 14), (gettext_lazy("registration authority region"), 22),
    (gettext_lazy("registration date"), 12), (gettext_lazy("supervising unit"), 20),
    (gettext_lazy("report status"), 12), (gettext_lazy("first submitted on"), 12),
    (gettext_lazy("submitted late"), 8), (gettext_lazy("conclusion"), 12),
]


def figure_org_rows(orgs, year: int):
    """One row per organization in FIGURE_ORG_COLUMNS order, with its report on `year` (one LEFT JOIN, streamed)."""
    from socorg.registry.choices import OrgType

    statuses, conclusions, types = dict(ReportStatus.choices), dict(Conclusion.choices), dict(OrgType.choices)
    rows = (orgs.annotate(report=FilteredRelation("annual_reports", condition=Q(annual_reports__year=year)))
            .values_list("uscc", "name", "org_type", "authority_region__full_name", "registered_on", "supervisor",
                         "report__status", "report__first_submitted_at", "report__late", "report__conclusion"))
    for uscc, name, org_type, region, registered, supervisor, status, submitted, late, conclusion in rows.iterator(
            chunk_size=2000):
        yield [uscc, name, types.get(org_type, ""), region, registered, supervisor,
               str(statuses.get(status, _("not started"))),
               timezone.localtime(submitted).date() if submitted else None,
               (_("yes") if late else _("no")) if submitted else "", str(conclusions.get(conclusion, ""))]


def organizations_visible(user, capability: str = "reports.view"):
    """Organizations whose reports `user` may see (or, with reports.change / reports.review, act on)."""
    domain, action = capability.split(".")
    return SocialOrganization.objects.visible_to(user, action, domain=domain)


def sync_population(*, event: str, year: int, region: Region, user=None):
    """The organizations a 三同步 figure is about: registered in the year (registration), with a submitted report
    on the year (annual report), or with any check recorded for that year's evaluations or re-elections."""
    from .models import SyncCheck
    from .synchronization import SyncEvent

    orgs, reports = _scoped(user, region)
    if event == SyncEvent.REGISTRATION:
        return orgs.filter(registered_on__year=year)
    if event == SyncEvent.ANNUAL_REPORT:
        return orgs.filter(pk__in=reports.filter(year=year, first_submitted_at__isnull=False)
                           .values("organization_id"))
    checked = SyncCheck.objects.filter(event=event, occasion__startswith=str(year)).values("organization_id")
    return orgs.filter(pk__in=checked)


def _occasion_q(event: str, year: int) -> Q:
    from .synchronization import SyncEvent

    if event == SyncEvent.REGISTRATION:
        return Q(occasion="")
    if event in (SyncEvent.ANNUAL_REPORT, SyncEvent.EVALUATION):
        return Q(occasion=str(year))
    return Q(occasion__startswith=str(year))


def sync_figures(*, event: str, year: int, region: Region, user=None) -> dict:
    """Per checklist item: organizations done / not done / not applicable / not yet checked, and the share done
    among those it applies to. `{"total": n, "items": [{"item", "label", "done", …, "share_done"}]}`."""
    from .models import SyncCheck
    from .synchronization import SyncState, checklist

    population = sync_population(event=event, year=year, region=region, user=user)
    items = checklist(event)
    occasion = _occasion_q(event, year)

    def has(item, state):
        return Exists(SyncCheck.objects.filter(occasion, organization=OuterRef("pk"), event=event, item=item,
                                               state=state))

    aggregates = {"total": Count("pk")}
    for code, _label in items:
        for state in SyncState.values:
            aggregates[f"{code}:{state}"] = Count("pk", filter=Q(has(code, state)))
    counts = population.aggregate(**aggregates)
    rows = []
    for code, label in items:
        done, not_done, not_applicable = (counts[f"{code}:{state}"] for state in SyncState.values)
        applies = counts["total"] - not_applicable
        rows.append({"item": code, "label": label, "done": done, "not_done": not_done,
                     "not_applicable": not_applicable, "unchecked": applies - done - not_done,
                     "share_done": round(done / applies, 4) if applies else None})
    return {"event": event, "year": year, "region": region.code, "total": counts["total"], "items": rows}


@dataclass
class RegionRow:
    """One row of the drill-down: a child region, or the region's own level (本级: organizations registered by
    the region's own authority)."""

    region: Region
    direct: bool
    figures: dict


def report_figures_by_region(*, year: int, region: Region, user=None,
                             today: datetime.date | None = None) -> list[RegionRow]:
    """The year's figures for the region's own level and each child region, from two GROUP BY queries over the
    registration-authority region (the maintained counts or, see uses_maintained, the rows themselves), folded to
    children by code prefix. Empty children are left out."""
    today = today or timezone.localdate()
    if uses_maintained(year=year, region=region, user=user):
        per_code = maintained_by_code(year=year, region=region, today=today)
    else:
        per_code = _live_by_code(year=year, region=region, user=user, today=today)
    children = list(region.children.order_by("code")) if region.level != "county" else []
    by_prefix = {child.scope_prefix: child for child in children}
    lengths = sorted({len(prefix) for prefix in by_prefix}, reverse=True)
    direct = dict.fromkeys(FIGURE_KEYS, 0)
    per_child: dict[str, dict] = {}
    for code, counts in per_code.items():
        child = next((by_prefix[code[:n]] for n in lengths if code[:n] in by_prefix), None)
        target = direct if child is None or code == region.code else per_child.setdefault(
            child.code, dict.fromkeys(counts, 0))
        for key, value in counts.items():
            target[key] += value
    rows = [RegionRow(region, True, direct)] if any(direct.values()) else []
    rows += [RegionRow(child, False, per_child[child.code]) for child in children if child.code in per_child]
    return rows


def totals_of(rows: list[RegionRow], year: int, region: Region) -> ReportFigures:
    """The region's figures as the sum of its drill-down rows (本级 and every child: each code lies in exactly one),
    so a page showing both computes them once."""
    totals = dict.fromkeys(FIGURE_KEYS, 0)
    for row in rows:
        for key in totals:
            totals[key] += row.figures[key]
    return _figures(year, region, totals)


def _live_by_code(*, year: int, region: Region, user, today: datetime.date) -> dict[str, dict]:
    """{authority region code: the year's figures}, counted from the organizations and reports in scope."""
    orgs, reports = _scoped(user, region)
    per_code: dict[str, dict] = defaultdict(lambda: dict.fromkeys(FIGURE_KEYS, 0))
    org_counts = (orgs.order_by().values("authority_region_id")
                  .annotate(due=Count("pk", filter=due_q(year)), exempt=Count("pk", filter=exempt_q(year)),
                            overdue=Count("pk", filter=overdue_q(year, today))))
    for row in org_counts:
        code = row.pop("authority_region_id")
        for key, value in row.items():
            per_code[code][key] += value
    report_counts = (reports.filter(year=year).order_by().values("organization__authority_region_id")
                     .annotate(**{name: Count("pk", filter=c) for name, c in REPORT_CONDITIONS.items()}))
    for row in report_counts:
        code = row.pop("organization__authority_region_id")
        for key, value in row.items():
            per_code[code][key] += value
    return per_code
