from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .filters import AuditEntryFilter
from .home import cards_for
from .models import AuditEntry


@login_required
def home(request):
    return render(request, "core/home.html", {"cards": cards_for(request.user)})


@require_safe  # reading only: no interface changes or deletes audit entries
@login_required
def audit_log(request):
    if not request.user.has_capability("audit.view"):
        raise PermissionDenied
    entries = AuditEntryFilter(request.GET, queryset=AuditEntry.objects.all())
    page = Paginator(entries.qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"filter": entries, "page": page})


@never_cache
def healthz(request):
    """Load-balancer probe: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": str(error)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
