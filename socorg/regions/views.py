from collections import Counter

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.pickers import PICKER_LIMIT, picker_text, within_capability
from socorg.core.scope import can

from .choices import Level
from .filters import RegionFilter
from .models import Region

SEARCH_LIMIT = 100
SEARCH_PARAMS = ("q", "level", "code_prefix", "parent", "include_retired")


@login_required
def region_list(request):
    """Search (name, pinyin, initials or code) when asked; otherwise the drill-down's entry point: the nation, or
    the user's own region when they hold a single one."""
    if any(request.GET.get(name) for name in SEARCH_PARAMS):
        return region_search(request)
    roots = request.user.scope_regions()
    target = roots[0].code if len(roots) == 1 else "100000"
    return redirect("regions:detail", code=target)


def region_search(request):
    found = RegionFilter(request.GET, queryset=Region.objects.select_related("parent"))
    results = found.qs.order_by("code") if found.is_valid() else Region.objects.none()
    total = results.count()
    return render(request, "regions/search.html", {
        "filter": found, "results": results[:SEARCH_LIMIT], "total": total, "limit": SEARCH_LIMIT,
    })


@login_required
def region_pick(request):
    """Suggestions of the region picker (core.pickers): current units matching the text, inside the user's scope
    for the picker's capability (default: the regions the user may see)."""
    text = picker_text(request)
    regions = Region.objects.current().search(text).order_by("code") if text.strip() else Region.objects.none()
    regions = within_capability(regions, request.user, request.GET.get("capability") or "regions.view", "code")
    found = list(regions.select_related("parent")[:PICKER_LIMIT + 1])
    options = [{"value": r.code, "label": r.name, "detail": f"{r.code} {r.parent.full_name if r.parent else ''}",
                "description": r.full_name} for r in found[:PICKER_LIMIT]]
    return render(request, "includes/picker_results.html",
                  {"options": options, "more": len(found) > PICKER_LIMIT, "text": text})


def county_counts(region: Region, children, *, include_retired: bool) -> dict[str, int]:
    """County-level units under each child (one query): a child's subtree is every code starting with its prefix."""
    counties = Region.objects.within(region.scope_prefix).filter(level=Level.COUNTY)
    if not include_retired:
        counties = counties.current()
    codes = list(counties.values_list("code", flat=True))
    counts = {}
    for length in {len(child.scope_prefix) for child in children}:
        per_prefix = Counter(code[:length] for code in codes)
        counts.update({child.code: per_prefix[child.scope_prefix] for child in children
                       if len(child.scope_prefix) == length})
    return counts


@login_required
def region_detail(request, code: str):
    region = get_object_or_404(Region.objects.select_related("parent__parent__parent", "successor"), code=code)
    show_retired = request.GET.get("retired") == "1"
    children = region.children.all() if show_retired else region.children.current()
    today = timezone.localdate()
    child_filter = None if show_retired else Q(children__valid_to__isnull=True) | Q(children__valid_to__gte=today)
    children = list(children.annotate(child_count=Count("children", filter=child_filter)).order_by("code"))
    counts = county_counts(region, children, include_retired=show_retired)
    for child in children:
        child.county_count = counts.get(child.code, 0)
    totals = Counter(child.level for child in children)
    return render(request, "regions/detail.html", {
        "region": region,
        "ancestors": region.ancestors(),
        "children": children,
        "show_retired": show_retired,
        "retired_children": region.children.count() - len(children) if not show_retired
        else sum(1 for c in children if c.is_retired),
        "county_total": sum(counts.values()) if region.level != Level.COUNTY else 0,
        "level_totals": [(Level(level).label, totals[level]) for level in Level.values if totals[level]],
        "links": region_links(request.user, region),
    })


def region_links(user, region: Region) -> list[tuple[str, str]]:
    """(label, URL) of the pages about this region the user may open: its organizations, coverage, alerts."""
    if region.is_retired:
        return []
    code = region.code
    candidates = [
        ("registry.view", _("Social organizations"), f"{reverse('registry:list')}?region={code}"),
        ("party.view", _("Party organizations"), f"{reverse('party:party_org_list')}?region={code}"),
        ("coverage.view", _("Two coverages"), f"{reverse('coverage:dashboard')}?region={code}"),
        ("alerts.view", _("Early-warning board"), f"{reverse('alerts:board')}?region={code}"),
        ("alerts.view", _("Open alerts"), f"{reverse('alerts:list')}?region={code}&state=open"),
    ]
    return [(label, url) for capability, label, url in candidates if can(user, capability, code)]

