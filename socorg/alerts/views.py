"""Early-warning pages: the board per region, alert lists, the alert page with its rectification steps, and the rule
settings. Every page starts from visible_to(user, …): outside the scope a page is 404. Views parse input and
render; alerts.services validates and writes."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socorg.core.decorators import capability_required
from socorg.core.maps import RegionMap, percent
from socorg.core.pagination import list_page, page_size
from socorg.core.scope import can
from socorg.regions.models import Region

from . import services
from .board import board_for
from .choices import AlertStatus, Severity
from .config import rule_config, rule_configs
from .filters import alert_list_filterset
from .forms import AssignForm, ReviewForm, RuleSettingForm, SubmitForm, param_value_text
from .labels import evidence_rows, resolution_text
from .models import Alert, EvidenceFile, ScanRun
from .rules import RULES


def _alert_or_404(user, pk: int) -> Alert:
    queryset = Alert.objects.visible_to(user, "view").select_related(
        "party_org", "organization", "region", "assignee", "escalated_to")
    return get_object_or_404(queryset, pk=pk)


def _board_region(user, code: str | None) -> Region:
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None or not can(user, "alerts.view", region.code):
            raise Http404
        return region
    return user.home_region("alerts.view")


@capability_required("alerts.view")
def board(request):
    if not request.user.scope_prefixes("alerts.view"):
        return redirect("alerts:list")  # an organization's own account: its alerts, no regional figures
    region = _board_region(request.user, request.GET.get("region"))
    if not region.scope_prefix and "" not in request.user.scope_prefixes("alerts.view"):
        # A user with several regional grants but no national one sees each of their regions, not the nation.
        return render(request, "alerts/board_pick.html", {"roots": request.user.scope_regions("alerts.view")})
    figures = board_for(region)
    chart = {
        "regions": [row.region.name for row in figures["rows"]],
        "red": [row.red for row in figures["rows"]],
        "amber": [row.amber for row in figures["rows"]],
        "green": [row.green for row in figures["rows"]],
        "labels": {"red": _("Red: a high-severity alert"), "amber": _("Amber: other alerts"),
                   "green": _("Green: no open alert")},
    }
    region_map = RegionMap(region.code)
    region_map.measure("red_share", _("Share of party organizations in red (%)"))
    region_map.measure("alerting_share", _("Share of party organizations with an open alert (%)"))
    region_map.measure("alerts", _("Open alerts"), percent=False)
    for row in figures["rows"]:
        region_map.item(row.region.code, row.region.name, f"?region={row.region.code}",
                        red_share=percent(row.red, row.party_orgs),
                        alerting_share=percent(row.red + row.amber, row.party_orgs), alerts=row.alerts)
    return render(request, "alerts/board.html", {
        "region": region, **figures, "chart": chart, "region_map": region_map.as_json(),
        # Breadcrumbs link only the boards the user may open (a province user's 全国 would answer 404).
        "ancestors": [a for a in region.ancestors() if can(request.user, "alerts.view", a.code)],
        "escalated": Alert.objects.visible_to(request.user, "view").filter(
            escalated_to=region, status=AlertStatus.ASSIGNED).select_related("party_org", "organization")[:20],
        "last_scan": ScanRun.objects.first(),
    })


@capability_required("alerts.view")
def alert_list(request):
    alerts = alert_list_filterset(request.GET, request.user, request)
    page = list_page(request, alerts.qs, page_size(request))
    for alert in page.object_list:
        alert.rule_title = RULES[alert.rule].title if alert.rule in RULES else _("Rule no longer in use")
    return render(request, "alerts/alert_list.html", {"filter": alerts, "page": page, "rules": RULES})


@login_required
def alert_detail(request, pk: int):
    alert = _alert_or_404(request.user, pk)
    config = rule_config(alert.rule) if alert.rule in RULES else None
    user = request.user
    can_change = can(user, "alerts.change", alert.region_id)
    is_assignee = alert.assignee_id == user.pk
    return render(request, "alerts/alert_detail.html", {
        "alert": alert, "rule": RULES.get(alert.rule), "config": config,
        "evidence_rows": evidence_rows(alert.evidence), "resolution": resolution_text(alert.resolution_reason),
        "events": alert.events.select_related("actor", "assignee", "region").prefetch_related("files"),
        "can_assign": can_change and (alert.status == AlertStatus.OPEN or alert.status == AlertStatus.ASSIGNED
                                      and services.deadline_refusal(alert, user) is None),
        "can_submit": is_assignee and alert.status == AlertStatus.ASSIGNED,
        "can_review": services.can_review(user, alert) and not is_assignee and alert.status == AlertStatus.SUBMITTED,
        "assign_form": AssignForm(users=services.assignable_users(alert)),
        "submit_form": SubmitForm(),
        "review_form": ReviewForm(),
    })


@login_required
@require_POST
def alert_assign(request, pk: int):
    alert = _alert_or_404(request.user, pk)
    form = AssignForm(request.POST, users=services.assignable_users(alert))
    return _run(request, alert, form, lambda data: services.alert_assign(
        alert=alert, actor=request.user, assignee=data["assignee"], deadline=data["deadline"], note=data["note"]),
        _("The alert has been assigned."))


@login_required
@require_POST
def alert_submit(request, pk: int):
    alert = _alert_or_404(request.user, pk)
    form = SubmitForm(request.POST, request.FILES)
    return _run(request, alert, form, lambda data: services.alert_submit(
        alert=alert, actor=request.user, note=data["note"], files=data["files"]),
        _("The rectification has been submitted for review."))


@login_required
@require_POST
def alert_review(request, pk: int):
    alert = _alert_or_404(request.user, pk)
    form = ReviewForm(request.POST)
    if request.POST.get("decision") == "accept":
        return _run(request, alert, form, lambda data: services.alert_accept(
            alert=alert, actor=request.user, note=data["note"]), _("The rectification has been accepted."))
    return _run(request, alert, form, lambda data: services.alert_return(
        alert=alert, actor=request.user, note=data["note"], deadline=data["deadline"]),
        _("The rectification has been returned to the assignee."))


def _run(request, alert, form, step, done: str):
    if form.is_valid():
        try:
            step(form.cleaned_data)
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, done)
            return redirect("alerts:detail", pk=alert.pk)
    for field, errors in form.errors.items():
        for error in errors:
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{error}" if label else error)
    return redirect("alerts:detail", pk=alert.pk)


@login_required
def evidence_download(request, pk: int):
    evidence = get_object_or_404(EvidenceFile.objects.visible_to(request.user, "view"), pk=pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
                        content_type=evidence.content_type)


@capability_required("alerts.view")
def rule_list(request):
    configs = []
    for config in rule_configs().values():
        specs = {p.name: p for p in config.rule.param_specs}
        configs.append(SimpleNamespace(**vars(config), severity_label=Severity(config.severity).label, param_rows=[
            (specs[name].label, param_value_text(specs[name], value)) for name, value in config.params.items()
            if name in specs]))
    return render(request, "alerts/rule_list.html", {
        "configs": configs, "can_configure": services.can_configure_rules(request.user)})


@login_required
def rule_edit(request, code: str):
    if code not in RULES:
        raise Http404
    if not services.can_configure_rules(request.user):
        raise PermissionDenied
    config = rule_config(code)
    initial = {"enabled": config.enabled, "severity": config.severity,
               "citation": "" if config.citation == config.rule.citation else config.citation,
               **RuleSettingForm.initial_params(config.params)}
    form = RuleSettingForm(request.POST or None, initial=initial, rule=config.rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_setting_update(code=code, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("The settings of the rule have been saved; they apply from the next scan."))
            return redirect("alerts:rules")
    return render(request, "alerts/rule_form.html", {"form": form, "config": config, "rule": config.rule})


