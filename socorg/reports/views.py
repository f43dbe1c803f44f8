"""Annual-report pages: the review queue with the year's figures, one report (read, edit, submit, return, review).

Every page starts from the user's reports scope (outside → 404); reports.services validates and writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from socorg.activities.choices import ActivityType
from socorg.alerts.choices import OPEN_STATUSES
from socorg.alerts.models import Alert
from socorg.core.decorators import capability_required
from socorg.core.maps import RegionMap, percent
from socorg.core.models import AuditEntry
from socorg.core.pagination import BoundedPaginator, list_page
from socorg.core.scope import can
from socorg.core.xlsx import MAX_EXPORT_ROWS, XLSX_TYPE, table_workbook
from socorg.party.choices import Formation, InstructorKind, PartyOrgKind
from socorg.regions.models import Region

from . import rules, services
from .choices import Conclusion, ReportStatus
from .filters import report_list_filterset
from .forms import AnnualReportForm, ReturnForm, ReviewForm, SyncCheckForm
from .models import AnnualReport, SyncCheck
from .queries import (
    FIGURE_ORG_COLUMNS,
    figure_org_rows,
    organizations_behind,
    organizations_visible,
    report_figures_by_region,
    sync_figures,
    totals_of,
)
from .synchronization import SyncEvent, SyncState, checklist

PAGE_SIZE = 50
FIGURE_LABELS = {
    "due": _lazy("due"), "exempt": _lazy("exempt"), "submitted": _lazy("submitted"), "late": _lazy("late"),
    "reviewed": _lazy("reviewed"), "overdue": _lazy("overdue"),
}
FIGURE_COLUMNS = [*FIGURE_LABELS.items(), (Conclusion.UNQUALIFIED.value, Conclusion.UNQUALIFIED.label)]
ACTION_LABELS = {
    "reports.report.save": _lazy("saved the draft"),
    "reports.report.submit": _lazy("submitted"),
    "reports.report.return": _lazy("returned for correction"),
    "reports.report.review": _lazy("reviewed"),
    "reports.report.import": _lazy("imported from the ledger"),
    "reports.report.import_update": _lazy("updated from the ledger"),
}


def _last_year() -> int:
    return timezone.localdate().year - 1


def _region_map(region, year: int, rows) -> dict | None:
    """The map of the year's figures by child region (core.maps): shares of the reports due."""
    region_map = RegionMap(region.code)
    region_map.measure("submitted_share", _("Share of due reports submitted (%)"))
    region_map.measure("overdue_share", _("Share of due reports overdue (%)"))
    region_map.measure("unqualified_share", _("Share of reviewed reports unqualified (%)"))
    for row in rows:
        if row.direct:
            continue
        f = row.figures
        region_map.item(row.region.code, row.region.name, f"?year={year}&region={row.region.code}",
                        submitted_share=percent(f["submitted"], f["due"]),
                        overdue_share=percent(f["overdue"], f["due"]),
                        unqualified_share=percent(f[Conclusion.UNQUALIFIED.value], f["reviewed"]))
    return region_map.as_json()


def _figures_region(user, code: str | None) -> Region:
    """The region whose figures a page shows: the one asked for, else the user's own top region (one province's
    clerk sees the province, from the maintained counts, rather than the nation counted live over their province),
    else the nation."""
    if code:
        region = Region.objects.filter(code=code).first()
        if region is not None:
            return region
    return user.home_region("reports.view")


@capability_required("reports.view")
def report_list(request):
    params = request.GET.copy()
    params.setdefault("year", str(_last_year()))
    reports = report_list_filterset(params, request.user)
    page = list_page(request, reports.qs, PAGE_SIZE)
    year = reports.form.cleaned_data.get("year") if reports.is_valid() else None
    year = int(year or _last_year())
    region = _figures_region(request.user, params.get("region"))
    region_rows = report_figures_by_region(year=year, region=region, user=request.user)
    return render(request, "reports/report_list.html", {
        "filter": reports, "page": page, "year": year, "region": region,
        "figures": totals_of(region_rows, year, region),
        "figure_columns": FIGURE_COLUMNS,
        "region_rows": _drill_down(region_rows, year),
        "region_map": _region_map(region, year, region_rows),
        "can_file": request.user.has_capability("reports.change"),
        "reports_url": reverse("reports:list"),  # a report's page is <this><uscc>/<year>/: once, not per row
    })


def _drill_down(rows, year: int) -> list[dict]:
    """The drill-down table as the page shows it, formatted here once per cell (its number, and the link to the
    organizations behind it) rather than by template lookups and filters per cell: the nation's table is 31
    provinces × 7 figures."""
    behind = reverse("reports:figure-orgs")
    table = []
    for row in rows:
        code = row.region.code
        cells = []
        for key, _label in FIGURE_COLUMNS:
            value = row.figures[key]
            link = f"{behind}?figure={key}&year={year}&region={code}" if value and not row.direct else ""
            cells.append((intcomma(value), link))
        table.append({"direct": row.direct, "name": row.region.name, "link": f"?year={year}&region={code}",
                      "cells": cells})
    return table


@capability_required("reports.view")
def report_open(request):
    """「填报年度报告」: go to an organization's report for a year (USCC typed or chosen)."""
    uscc = (request.GET.get("uscc") or "").strip().upper()
    year = request.GET.get("year") or str(_last_year())
    if not organizations_visible(request.user).filter(uscc=uscc).exists() or not year.isdigit():
        messages.error(request, _("No organization with credit code “%(uscc)s” is in your scope; check the 18 "
                                  "characters.") % {"uscc": uscc})
        return redirect("reports:list")
    return redirect("reports:detail", uscc=uscc, year=int(year))


def _organization(user, uscc: str):
    return get_object_or_404(organizations_visible(user), uscc=uscc.upper())


def _labelled_party_building(section: dict) -> dict:
    """The snapshot with Chinese labels instead of stored codes, for display."""
    kinds, formations = dict(PartyOrgKind.choices), dict(Formation.choices)
    instructor_kinds, activity_types = dict(InstructorKind.choices), dict(ActivityType.choices)
    return {
        **section,
        "party_orgs": [{**p, "kind": kinds.get(p["kind"], p["kind"]),
                        "formation": formations.get(p["formation"], p["formation"])}
                       for p in section.get("party_orgs", [])],
        "instructors": [{**i, "kind": instructor_kinds.get(i["kind"], i["kind"])}
                        for i in section.get("instructors", [])],
        "activities": [(activity_types.get(k, k), n) for k, n in section.get("activities", {}).items()],
    }


@login_required
def report_detail(request, uscc: str, year: int):
    org = _organization(request.user, uscc)
    report = services.report_for(org=org, year=year)
    region = org.authority_region_id
    own = {org.pk}
    can_file = can(request.user, "reports.change", region, organizations=own) and (
        report.pk is None or report.is_editable)
    can_review = report.status == ReportStatus.SUBMITTED and can(request.user, "reports.review", region,
                                                                 organizations=own)
    alerts = []
    if can_review and request.user.has_capability("alerts.view"):
        alerts = list(Alert.objects.visible_to(request.user, "view")
                      .filter(organization=org, status__in=OPEN_STATUSES).order_by("-opened_on")[:20])
    history = []
    if report.pk:
        entries = AuditEntry.objects.filter(object_type=AnnualReport._meta.label_lower, object_id=str(report.pk))
        history = [(e.at, e.actor_name, ACTION_LABELS.get(e.action, _("changed"))) for e in entries[:50]]
    return render(request, "reports/report_detail.html", {
        "org": org, "report": report, "year": year, "party_building": _labelled_party_building(report.party_building),
        "can_file": can_file, "can_review": can_review, "alerts": alerts, "history": history,
        "return_form": ReturnForm(), "review_form": ReviewForm(),
        "corrections": report.corrections.all() if report.pk else [],
        "year_problem": rules.year_problem(year, org.registered_on, timezone.localdate()),
        "sync_items": _sync_items(org, SyncEvent.ANNUAL_REPORT, str(year)) if can_review else [],
        "states": SyncState.choices,
    })


def _sync_items(org, event: str, occasion: str) -> list[dict]:
    """The event's checklist with what has been recorded for this occasion."""
    recorded = {c.item: c for c in SyncCheck.objects.filter(organization=org, event=event, occasion=occasion)}
    return [{"item": code, "label": label, "check": recorded.get(code)} for code, label in checklist(event)]


@login_required
def sync_checks(request, uscc: str):
    """三同步 of one organization: every event's checklist, with a form per item for the registration authority."""
    org = _organization(request.user, uscc)
    can_check = can(request.user, "reports.review", org.authority_region_id)
    form = SyncCheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_check:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.sync_check_record(org=org, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The check has been recorded."))
                return redirect(request.POST.get("next") or request.path)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
    occasions = {}
    for check in SyncCheck.objects.filter(organization=org).order_by("event", "-occasion"):
        occasions.setdefault(check.event, []).append(check)
    events = [{"event": value, "label": label, "items": checklist(value), "checks": occasions.get(value, []),
               "needs_occasion": value != SyncEvent.REGISTRATION}
              for value, label in SyncEvent.choices]
    return render(request, "reports/sync_checks.html", {
        "org": org, "events": events, "can_check": can_check, "states": SyncState.choices,
        "registration_items": _sync_items(org, SyncEvent.REGISTRATION, ""),
    })


@capability_required("reports.view")
def sync_overview(request):
    """三同步 figures of a year in the user's scope: per event and item, the share done."""
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 1990 <= int(year) <= 9999 else _last_year()
    region = _figures_region(request.user, request.GET.get("region"))
    tables = [(label, sync_figures(event=value, year=year, region=region, user=request.user))
              for value, label in SyncEvent.choices]
    return render(request, "reports/sync_overview.html", {"year": year, "region": region, "tables": tables})


@login_required
def report_edit(request, uscc: str, year: int):
    org = _organization(request.user, uscc)
    if not can(request.user, "reports.change", org.authority_region_id, organizations={org.pk}):
        raise PermissionDenied
    report = services.report_for(org=org, year=year)
    form = AnnualReportForm(request.POST if request.method == "POST" else None,
                            initial=AnnualReportForm.initial_from(report))
    if request.method == "POST" and form.is_valid():
        try:
            services.report_save_draft(org=org, year=year, actor=request.user, **form.service_values())
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("The draft has been saved."))
            return redirect("reports:detail", uscc=org.uscc, year=year)
    return render(request, "reports/report_form.html", {"org": org, "report": report, "year": year, "form": form})


def _act(request, action, success: str, uscc: str, year: int):
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("reports:detail", uscc=uscc.upper(), year=year)


@login_required
@require_POST
def report_submit(request, uscc: str, year: int):
    org = _organization(request.user, uscc)
    report = get_object_or_404(AnnualReport, organization=org, year=year)
    return _act(request, lambda: services.report_submit(report=report, actor=request.user),
                _("The report has been submitted."), uscc, year)


@login_required
@require_POST
def report_return(request, uscc: str, year: int):
    org = _organization(request.user, uscc)
    report = get_object_or_404(AnnualReport, organization=org, year=year)
    reasons = request.POST.get("reasons", "")
    return _act(request, lambda: services.report_return(report=report, actor=request.user, reasons=reasons),
                _("The report has been returned for correction."), uscc, year)


@login_required
@require_POST
def report_review(request, uscc: str, year: int):
    org = _organization(request.user, uscc)
    report = get_object_or_404(AnnualReport, organization=org, year=year)
    conclusion, reasons = request.POST.get("conclusion", ""), request.POST.get("reasons", "")
    return _act(request, lambda: services.report_review(report=report, actor=request.user, conclusion=conclusion,
                                                        reasons=reasons),
                _("The review has been recorded."), uscc, year)




@capability_required("reports.view")
def figure_orgs(request):
    """The organizations behind one number of the figures (same conditions as the figure); `?format=xlsx` gives
    them as a workbook with their report's state."""
    figure = request.GET.get("figure", "")
    labels = {**FIGURE_LABELS, **dict(Conclusion.choices)}
    year = request.GET.get("year", "")
    region = Region.objects.filter(code=request.GET.get("region") or "100000").first()
    if figure not in labels or not year.isdigit() or region is None:
        messages.error(request, _("Choose a figure, a year and a region from the annual-report figures."))
        return redirect("reports:list")
    orgs = organizations_behind(figure=figure, year=int(year), region=region, user=request.user)
    orgs = orgs.select_related("authority_region").order_by("authority_region_id", "uscc")
    if request.GET.get("format") == "xlsx":
        return _figure_orgs_workbook(request, orgs, figure_label=labels[figure], year=int(year), region=region)
    page = BoundedPaginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))
    export = request.GET.copy()
    export.pop("page", None)
    export["format"] = "xlsx"
    return render(request, "reports/figure_orgs.html", {
        "page": page, "figure_label": labels[figure], "year": int(year), "region": region,
        "export_query": export.urlencode(),
    })


def _figure_orgs_workbook(request, orgs, *, figure_label, year: int, region: Region):
    total = orgs.count()
    if total > MAX_EXPORT_ROWS:
        messages.error(request, _("%(n)d organizations are too many for one workbook (at most %(max)d): choose a "
                                  "smaller region.") % {"n": total, "max": MAX_EXPORT_ROWS})
        query = request.GET.copy()
        query.pop("format", None)
        return redirect(f"{request.path}?{query.urlencode()}")
    title = _("%(region)s · annual reports %(year)d · %(figure)s (%(n)d organizations)") % {
        "region": region.full_name, "year": year, "figure": figure_label, "n": total}
    workbook = table_workbook(sheet_title=_("Organizations"), title=title, columns=FIGURE_ORG_COLUMNS,
                              rows=figure_org_rows(orgs, year))
    response = HttpResponse(workbook, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="annual-reports-{year}-{region.code}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
