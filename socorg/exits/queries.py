"""Exit figures per region (the seeds' kind: "注销 315, 撤销 89"): screening cases by outcome over a period, for the
region's own level (本级) and each child region, and the cases behind each number."""

import datetime

from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext_lazy as _

from socorg.core.scope import in_subtree
from socorg.regions.models import Region

from .choices import CaseStatus
from .models import ExitCaseCounts, ScreeningCase

FIGURES = {
    "found": Q(),
    "open": Q(status=CaseStatus.OPEN),
    "rectified": Q(status=CaseStatus.RECTIFIED),
    "deregistered": Q(status=CaseStatus.DEREGISTERED),
    "revoked": Q(status__in=(CaseStatus.REVOKED, CaseStatus.CERTIFICATE_REVOKED)),
}

FIGURE_LABELS = {"found": _("cases found"), "open": _("still open"), "rectified": _("rectified"),
                 "deregistered": _("deregistered (注销)"), "revoked": _("revoked (撤销、吊销)")}


def cases_in(region: Region, *, user=None, since: datetime.date | None = None, until: datetime.date | None = None):
    """Cases under the region opened by runs as of [since, until] (None: any)."""
    cases = ScreeningCase.objects.filter(in_subtree("organization__authority_region__code", region.scope_prefix))
    if since:
        cases = cases.filter(run__as_of__gte=since)
    if until:
        cases = cases.filter(run__as_of__lte=until)
    if user is not None:
        cases = cases & ScreeningCase.objects.visible_to(user, "view")
    return cases


def exit_figures(*, region: Region, user=None, since=None, until=None) -> dict:
    """{"totals": {figure: n}, "rows": [(region, direct, {figure: n})]}: one grouped query. Without a period it
    reads the maintained counts (ExitCaseCounts, kept by exits.triggers: a few rows per region, scoped as the cases
    are); a period (the runs' as-of dates) is counted from the cases. Both give the same figures
    (tests/test_case_counts.py)."""
    children = list(region.children.order_by("code")) if region.level != "county" else []
    if since is None and until is None:
        rows = ExitCaseCounts.objects.filter(in_subtree("region__code", region.scope_prefix)).exclude(cases=0)
        if user is not None:
            rows = rows & ExitCaseCounts.objects.visible_to(user, "view")
        field, aggregates = "region_id", {f"n_{name}": Coalesce(Sum("cases", filter=q), 0)
                                          for name, q in FIGURES.items()}
    else:
        rows = cases_in(region, user=user, since=since, until=until)
        field = "organization__authority_region_id"
        aggregates = {f"n_{name}": Count("pk", filter=q) for name, q in FIGURES.items()}
    grouped = rows.order_by().annotate(key=_fold_key(field, region, children)).values("key").annotate(**aggregates)
    return _by_region(region, children, {row.pop("key"): row for row in grouped})


def _fold_key(field: str, region: Region, children: list[Region]):
    """What _by_region needs of an authority region code, computed in SQL so that the nation's figures come back
    as a row per province rather than per county: the region's own code as it is, any other code cut to the
    longest child prefix (the fold only ever reads code[:n] for the children's prefix lengths n)."""
    longest = max((len(child.scope_prefix) for child in children), default=0)
    if longest >= 6:
        return F(field)
    return Case(When(**{field: region.code}, then=F(field)), default=Substr(field, 1, longest) if longest else
                Value(""), output_field=CharField())


def _by_region(region: Region, children: list[Region], per_key: dict[str, dict]) -> dict:
    """Fold {_fold_key of authority region codes: {"n_<figure>": n}} into the totals, the region's own level and
    its children."""
    totals = dict.fromkeys(FIGURES, 0)
    by_prefix = {child.scope_prefix: child for child in children}
    lengths = sorted({len(p) for p in by_prefix}, reverse=True)
    direct, per_child = dict.fromkeys(FIGURES, 0), {}
    for code, row in per_key.items():
        child = next((by_prefix[code[:n]] for n in lengths if code[:n] in by_prefix), None)
        target = direct if child is None or code == region.code else per_child.setdefault(
            child.code, dict.fromkeys(FIGURES, 0))
        for key, value in row.items():  # int(): a PostgreSQL sum of bigint is a numeric
            target[key[2:]] += int(value)
            totals[key[2:]] += int(value)
    rows = [(region, True, direct)] if any(direct.values()) else []
    rows += [(child, False, per_child[child.code]) for child in children if child.code in per_child]
    return {"totals": totals, "rows": rows}
