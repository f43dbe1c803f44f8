from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render

from .models import Region


@login_required
def region_list(request):
    """Entry point of the drill-down: the nation, or the user's own region when they hold a single one."""
    query = request.GET.get("q", "").strip()
    if query:
        results = Region.objects.current().search(query).select_related("parent")[:100]
        return render(request, "regions/search.html", {"q": query, "results": results})
    roots = request.user.scope_regions()
    target = roots[0].code if len(roots) == 1 else "100000"
    return redirect("regions:detail", code=target)


@login_required
def region_detail(request, code: str):
    region = get_object_or_404(Region.objects.select_related("parent", "successor"), code=code)
    show_retired = request.GET.get("retired") == "1"
    children = region.children.all() if show_retired else region.children.current()
    children = children.annotate(
        child_count=Count("children", filter=Q(children__valid_to__isnull=True))
    ).order_by("code")
    return render(
        request,
        "regions/detail.html",
        {"region": region, "ancestors": region.ancestors(), "children": children, "show_retired": show_retired},
    )
