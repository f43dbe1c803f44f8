from collections import Counter

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

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
    })

