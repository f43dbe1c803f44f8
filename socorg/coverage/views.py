"""Dashboard (/coverage/): figure cards, the table by child region (本级 first) with every number a link to the
organizations behind it, bar chart and trend line (ECharts), drill-down, Excel export. Scoped to the user's subtree."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from socorg.core.maps import RegionMap
from socorg.core.pagination import list_page, page_size
from socorg.core.scope import can
from socorg.party.rules import with_should_build_min
from socorg.registry.choices import OrgType

from . import services
from .access import ancestors_in_scope, figures_scope
from .api.serializers import FiguresQuerySerializer
from .excel import XLSX_TYPE, figures_workbook
from .models import SHOULD_BUILD_MIN_FULL_MEMBERS, CoverageSnapshot
from .queries import BY_CHOICES, MEASURES, orgs_behind, party_orgs_behind, region_figures
from .snapshots import parse_period, period_of, trend, year_on_year
from .tables import COLUMNS, figure_rows, format_cell

ORG_ORDERINGS = {"uscc", "-uscc", "name_pinyin", "-name_pinyin", "full_members", "-full_members"}
BY_LABELS = {"region": gettext_lazy("child region"), "type": gettext_lazy("type"),
             "category": gettext_lazy("category"), "level": gettext_lazy("registration level"),
             "supervisor": gettext_lazy("supervising unit"), "responsible": gettext_lazy("responsible party body")}


def _require_view(user):
    if not user.has_capability("coverage.view"):
        raise PermissionDenied(_("You do not have permission to view coverage statistics."))


QUERY_LABELS = {"by": gettext_lazy("Breakdown"), "as_of": gettext_lazy("As of"),
                "responsible": gettext_lazy("responsible party body")}


def _figures_request(request):
    """Region, breakdown, date and responsible-body filter of the request, validated as the API validates them
    (FiguresQuerySerializer); an invalid value is named in a message above the page and not used (figures by region,
    as of today, unfiltered). The region and the body lie within the user's scope (access.figures_scope)."""
    _require_view(request.user)
    given = {key: request.GET[key].strip() for key in QUERY_LABELS if request.GET.get(key, "").strip()}
    query = FiguresQuerySerializer(data=given)
    if not query.is_valid():
        for key, errors in query.errors.items():
            messages.error(request, _("%(label)s “%(value)s”: %(error)s The figures shown do not use this value.")
                           % {"label": QUERY_LABELS[key], "value": given[key], "error": " ".join(errors)})
        query = FiguresQuerySerializer(data={k: v for k, v in given.items() if k not in query.errors})
        query.is_valid()
    data = query.validated_data
    region, responsible = figures_scope(request.user, request.GET.get("region"), data.get("responsible"))
    return region, data.get("by", "region"), data.get("as_of"), responsible


def _orgs_link(code, measure, *, direct=False, as_of=None, group=None, responsible=None) -> str:
    query = {"region": code, "measure": measure}
    if responsible is not None:
        query["responsible"] = responsible.pk
    if direct:
        query["direct"] = "1"
    if as_of:
        query["as_of"] = as_of.isoformat()
    if group:
        query["group_by"], query["group"] = group
    return f"{reverse('coverage:orgs')}?{urlencode(query)}"


def _party_link(code, *, direct=False, functional=False) -> str:
    query = {"region": code}
    if direct:
        query["direct"] = "1"
    if functional:
        query["functional"] = "1"
    return f"{reverse('coverage:party_orgs')}?{urlencode(query)}"


def _cells(row, figures, by, as_of):
    """Each column's text and the link to the records behind it (None for rates, for past party figures and for
    party figures filtered by a responsible body)."""
    group = (by, row.group_key) if row.kind == "group" else None
    code = row.code or figures.region.code
    cells = []
    for column in COLUMNS:
        link = None
        if column.measure:
            link = _orgs_link(code, column.measure, direct=row.direct, as_of=as_of, group=group,
                              responsible=figures.responsible)
        elif (column.key.startswith("party_orgs") and as_of is None and group is None
              and figures.responsible is None):
            link = _party_link(code, direct=row.direct, functional=column.key.endswith("functional"))
        cells.append({"text": format_cell(row.totals, column), "link": link, "is_rate": column.is_rate})
    return cells


@login_required
def dashboard(request):
    region, by, as_of, responsible = _figures_request(request)
    figures = region_figures(region, on=as_of, by=by, responsible=responsible)
    rows = figure_rows(figures)
    for row in rows:
        row.cells = _cells(row, figures, by, as_of)
        row.drill = row.kind == "child" and row.code != region.code
    today = timezone.localdate()
    child_rows = [r for r in rows if r.kind in ("child", "group")]
    chart = {
        "labels": [r.label for r in child_rows],
        "codes": [r.code if r.kind == "child" else None for r in child_rows],
        "series": [{"name": str(c.label), "data": [_percent_value(r.totals.get(c.key)) for r in child_rows]}
                   for c in COLUMNS if c.is_rate],
    }
    points = trend(region)
    region_map = RegionMap(region.code)
    if by == "region":
        for column in COLUMNS:
            if column.is_rate:
                region_map.measure(column.key, column.label)
        for r in child_rows:
            if r.kind == "child" and r.code != region.code:
                query = urlencode({"region": r.code, **({"as_of": as_of.isoformat()} if as_of else {})})
                region_map.item(r.code, r.label, f"?{query}", **{c.key: _percent_value(r.totals.get(c.key))
                                                                  for c in COLUMNS if c.is_rate})
    trend_chart = {
        "periods": [p["period"] for p in points] + [_("Now")],
        "series": [{"name": str(c.label),
                    "data": [_percent_value(p["totals"].get(c.key)) for p in points]
                    + [_percent_value(figures.totals.get(c.key))]} for c in COLUMNS if c.is_rate],
    }
    context = {
        "region": region, "figures": figures, "rows": rows, "columns": COLUMNS, "by": by, "by_choices": BY_LABELS,
        "as_of": as_of, "today": today, "ancestors": ancestors_in_scope(request.user, region),
        "cards": _cards(figures, as_of), "chart": chart, "region_map": region_map.as_json(),
        "trend_chart": trend_chart, "has_trend": bool(points),
        "yoy": _year_on_year_text(year_on_year(region, figures.totals, today)) if as_of is None else None,
        "by_label": BY_LABELS[by],
        "snapshot_offer": _snapshot_offer(request.user, today),
        "export_query": urlencode({k: v for k, v in {"region": region.code, "by": by,
                                                      "as_of": as_of.isoformat() if as_of else "",
                                                      "responsible": responsible.pk if responsible else ""}.items()
                                   if v}),
    }
    return render(request, "coverage/dashboard.html", context)


def period_label(period) -> str:
    """A census period for people: 2026H2 → 2026年下半年 (English: second half of 2026)."""
    period = parse_period(str(period))
    text = _("first half of %(year)s") if period.half == 1 else _("second half of %(year)s")
    return text % {"year": period.year}


def _snapshot_offer(user, today) -> str:
    """The current census period (as text) when the user may take its snapshot and nobody has yet; else ""."""
    period = period_of(today)
    if not can(user, "coverage.snapshot", "100000") or CoverageSnapshot.objects.filter(period=str(period)).exists():
        return ""
    return period_label(period)


@login_required
@require_POST
def snapshot_take(request):
    """「生成本期快照」 on the trend panel: the current half-year through the snapshot service (audited there)."""
    period = str(period_of(timezone.localdate()))
    try:
        regions = services.snapshot_take(period=period, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The snapshot of %(period)s was taken: %(regions)s regions frozen.")
                          % {"period": period_label(period), "regions": intcomma(regions)})
    region = request.POST.get("region", "")
    return redirect(f"{reverse('coverage:dashboard')}?{urlencode({'region': region})}" if region
                    else reverse("coverage:dashboard"))


def _year_on_year_text(comparison):
    if comparison is None:
        return None

    def signed(value, scale=1):
        return "—" if value is None else f"{value * scale:+.1f}" if scale != 1 else f"{value:+d}"

    changes = comparison["changes"]
    return {"period": comparison["period"], "org": signed(changes["org_coverage_rate"]["change"], 100),
            "work": signed(changes["work_coverage_rate"]["change"], 100), "orgs": signed(changes["orgs"]["change"])}


def _percent_value(rate):
    return None if rate is None else round(rate * 100, 1)


def _cards(figures, as_of):
    """The figure cards; each states the formula it is computed by, with this region's numbers."""
    t, code = figures.totals, figures.region.code

    def rate(key):
        return "—" if t[key] is None else f"{t[key] * 100:.1f}%"

    def n(key):
        return f"{t[key]:,}"

    return [
        {"label": _("Social organizations"), "value": n("orgs"),
         "link": _orgs_link(code, "all", as_of=as_of, responsible=figures.responsible),
         "formula": _("Active organizations registered by an authority in this region")},
        {"label": _("Organizational coverage (formal)"), "value": rate("org_coverage_rate_formal"),
         "note": _("%(n)s covered, %(m)s not") % {"n": n("org_covered_formal"), "m": n("org_uncovered_formal")},
         "formula": _("Covered by a formal (non-functional) party organization ÷ organizations = %(n)s ÷ %(m)s")
         % {"n": n("org_covered_formal"), "m": n("orgs")},
         "link": _orgs_link(code, "org_uncovered_formal", as_of=as_of, responsible=figures.responsible)},
        {"label": _("Organizational coverage (incl. functional)"), "value": rate("org_coverage_rate"),
         "note": _("%(n)s covered, %(m)s not") % {"n": n("org_covered"), "m": n("org_uncovered")},
         "formula": _("Covered by any party organization, functional included ÷ organizations = %(n)s ÷ %(m)s")
         % {"n": n("org_covered"), "m": n("orgs")},
         "link": _orgs_link(code, "org_uncovered", as_of=as_of, responsible=figures.responsible)},
        {"label": _("Work coverage"), "value": rate("work_coverage_rate"),
         "note": _("%(n)s without party work") % {"n": n("work_uncovered")},
         "formula": _("Organizationally covered (incl. functional) or with an instructor or liaison on duty ÷ "
                      "organizations = %(n)s ÷ %(m)s") % {"n": n("work_covered"), "m": n("orgs")},
         "link": _orgs_link(code, "work_uncovered", as_of=as_of, responsible=figures.responsible)},
        {"label": _("Standalone rate"), "value": rate("standalone_rate"),
         "note": _("%(n)s with their own party organization") % {"n": n("standalone")},
         "formula": _("With a formal party organization formed 单独组建 ÷ organizations = %(n)s ÷ %(m)s")
         % {"n": n("standalone"), "m": n("orgs")},
         "link": _orgs_link(code, "standalone", as_of=as_of, responsible=figures.responsible)},
        {"label": _("Build rate (应建尽建)"), "value": rate("build_rate"),
         "note": _("%(n)s of %(m)s should-build missing") % {"n": n("should_build_missing"), "m": n("should_build")},
         "formula": _("Should build (≥ %(min)s full members) with a standalone party organization ÷ should build = "
                      "%(n)s ÷ %(m)s") % {"min": SHOULD_BUILD_MIN_FULL_MEMBERS, "n": n("should_build_built"),
                                          "m": n("should_build")},
         "link": _orgs_link(code, "should_build_missing", as_of=as_of, responsible=figures.responsible)},
        {"label": _("Party organizations"), "value": n("party_orgs"),
         "note": _("%(n)s functional") % {"n": n("party_orgs_functional")},
         "formula": _("Active party organizations covering an organization here; a joint one spanning several "
                      "regions counts once"),
         "link": _party_link(code) if as_of is None and figures.responsible is None else None},
        {"label": _("Filed community organizations"), "value": n("filed_community_orgs"),
         "formula": _("Community organizations filed (备案) with a street office or township, without a USCC; not "
                      "part of the organizations above nor of any rate")},
    ]


@login_required
def export_table(request):
    region, by, as_of, responsible = _figures_request(request)
    figures = region_figures(region, on=as_of, by=by, responsible=responsible)
    response = HttpResponse(figures_workbook(figures), content_type=XLSX_TYPE)
    name = f"coverage-{region.code}-{figures.as_of.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


MEASURE_LABELS = {
    "all": gettext_lazy("all organizations"), "org_covered": gettext_lazy("organizationally covered"),
    "org_uncovered": gettext_lazy("not organizationally covered"),
    "org_covered_formal": gettext_lazy("organizationally covered by a formal party organization"),
    "org_uncovered_formal": gettext_lazy("not covered by a formal party organization"),
    "work_covered": gettext_lazy("work covered"),
    "work_uncovered": gettext_lazy("not work covered"),
    "standalone": gettext_lazy("with a standalone party organization"),
    "should_build": with_should_build_min(gettext_lazy("should build (≥%(min)d full members)")),
    "should_build_built": gettext_lazy("should build, built"),
    "should_build_missing": gettext_lazy("should build, not built"),
    "with_members": gettext_lazy("with full party members"),
}


@login_required
def org_list(request):
    """The organizations behind a number of the dashboard."""
    region, _by, as_of, responsible = _figures_request(request)
    measure = request.GET.get("measure", "all")
    measure = measure if measure in MEASURES else "all"
    direct = request.GET.get("direct") == "1"
    group_by = request.GET.get("group_by")
    group = (group_by, request.GET.get("group", "")) if group_by in BY_CHOICES and group_by != "region" else None
    rows = orgs_behind(request.user, region, measure, direct=direct, on=as_of, group=group, responsible=responsible)
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(name__contains=query) | rows.filter(uscc__startswith=query.upper())
    ordering = request.GET.get("ordering", "uscc")
    rows = rows.select_related("authority_region").order_by(ordering if ordering in ORG_ORDERINGS else "uscc")
    page = list_page(request, rows, page_size(request))
    export = request.GET.copy()
    export.pop("page", None)
    export.pop("ordering", None)
    export.pop("q", None)
    export["format"] = "xlsx"
    context = {"region": region, "page": page, "measure_label": MEASURE_LABELS[measure], "direct": direct,
               "as_of": as_of, "q": query, "group": group, "ancestors": ancestors_in_scope(request.user, region),
               "export_url": f"{reverse('api-v1:coverage-orgs')}?{export.urlencode()}",
               "org_types": dict(OrgType.choices)}
    return render(request, "coverage/org_list.html", context)


@login_required
def party_org_list(request):
    """The party organizations behind `party_orgs` (today)."""
    region, _by, _as_of, _responsible_body = _figures_request(request)
    direct = request.GET.get("direct") == "1"
    functional = True if request.GET.get("functional") == "1" else None
    rows = party_orgs_behind(request.user, region, direct=direct, functional=functional).select_related("region")
    page = list_page(request, rows.order_by("name"), page_size(request))
    return render(request, "coverage/party_org_list.html", {
        "region": region, "page": page, "direct": direct, "functional": functional,
        "ancestors": ancestors_in_scope(request.user, region)})
