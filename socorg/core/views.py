from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from rest_framework.exceptions import NotFound

from . import health
from .decorators import capability_required
from .filters import AuditEntryFilter
from .home import cards_for, todos_for
from .models import AuditAnchor, AuditEntry
from .pagination import list_page, page_size


@login_required
def home(request):
    todos = todos_for(request.user)
    return render(request, "core/home.html", {"cards": cards_for(request.user), "todos": todos,
                                              "todo_total": sum(todo.count for todo in todos)})


@require_safe  # reading only: no interface changes or deletes audit entries
@capability_required("audit.view")
def audit_log(request):
    entries = AuditEntryFilter(request.GET, queryset=AuditEntry.objects.all())
    page = list_page(request, entries.qs, page_size(request))
    anchors = AuditAnchor.objects.order_by("-at", "-id")[:7]
    return render(request, "core/audit_log.html", {"filter": entries, "page": page, "anchors": anchors})


@never_cache
def healthz(request):
    """Load-balancer probe: 200 when the database answers, 503 otherwise. `?full=1` (operators signed in with the
    system-configuration capability) also checks the broker and the file storage."""
    full = request.GET.get("full") == "1"
    if full and not (request.user.is_authenticated and request.user.has_capability("system.configure")):
        return JsonResponse({"status": "forbidden"}, status=403)
    body = health.report(full=full)
    return JsonResponse(body, status=200 if body["status"] == health.OK else 503)


def page_not_found(request, exception):
    """404 for a URL that matches nothing: JSON under /api/ (API clients parse every answer, and the schema
    documents a JSON 404), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    if request.path.startswith("/public/"):
        from socorg.public.views import not_found

        return not_found(request, exception)
    return defaults.page_not_found(request, exception)
