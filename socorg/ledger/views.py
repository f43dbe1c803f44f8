import io
import os
import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socorg.core.decorators import capability_required
from socorg.core.scope import can, require
from socorg.regions.models import Region

from . import services
from .forms import UploadForm
from .models import ImportStatus, LedgerImport
from .sheets import kinds
from .writers import export_ledger, write_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _own_import(request, pk: int) -> LedgerImport:
    # Imports are private to their uploader: anybody else gets a 404, not a hint that the upload exists.
    return get_object_or_404(LedgerImport, pk=pk, uploaded_by=request.user)


@login_required
def index(request):
    can_import = request.user.has_capability("ledger.import")
    can_export = request.user.has_capability("ledger.export")
    if not (can_import or can_export):
        raise PermissionDenied
    form = UploadForm()
    if request.method == "POST":
        require(request.user, "ledger.import")
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            ledger_import = services.upload(request.user, form.cleaned_data["file"])
            return redirect("ledger:detail", pk=ledger_import.pk)
    services.fail_stale_imports(user=request.user)
    imports = LedgerImport.objects.filter(uploaded_by=request.user)[:20]
    return render(request, "ledger/index.html", {
        "form": form, "imports": imports, "can_import": can_import, "can_export": can_export,
        "export_regions": request.user.scope_regions("ledger.export"),
    })


def _context(ledger_import: LedgerImport) -> dict:
    outcome = ledger_import.outcome or {}
    counts = [{"name": name, "created": outcome.get("created", {}).get(k, 0),
               "updated": outcome.get("updated", {}).get(k, 0), "unchanged": outcome.get("unchanged", {}).get(k, 0)}
              for k, name in kinds().items()] if outcome else []
    errors = outcome.get("errors", [])
    return {"item": ledger_import, "counts": counts, "errors": errors[:500], "error_total": len(errors),
            "warnings": outcome.get("warnings", [])[:200], "statuses": ImportStatus}


@login_required
def detail(request, pk: int):
    services.fail_stale_imports(user=request.user)
    ledger_import = _own_import(request, pk)
    return render(request, "ledger/detail.html", _context(ledger_import))


@login_required
def status_fragment(request, pk: int):
    """What htmx polls while the import runs; once finished the page reloads itself to show the result."""
    services.fail_stale_imports(user=request.user)
    ledger_import = _own_import(request, pk)
    response = render(request, "ledger/_status.html", _context(ledger_import))
    if not ledger_import.running:
        response["HX-Refresh"] = "true"
    return response


@capability_required("ledger.import")
@require_POST
def confirm(request, pk: int):
    ledger_import = _own_import(request, pk)
    services.confirm(request.user, ledger_import)
    return redirect("ledger:detail", pk=ledger_import.pk)


@login_required
def report(request, pk: int):
    ledger_import = _own_import(request, pk)
    if not ledger_import.report:
        raise Http404
    return FileResponse(ledger_import.report.open("rb"), as_attachment=True,
                        filename=os.path.basename(ledger_import.report.name), content_type=XLSX)


@capability_required("ledger.import")
def template(request):
    buffer = io.BytesIO()
    write_template(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="ledger-template.xlsx"'
    return response


@capability_required("ledger.export")
def export(request):
    """/ledger/export/?region=CODE: the four sheets for a region of the user's scope (default: all of it); phones
    masked unless `reveal_phones=1` is asked by a user with the reveal capability (403 otherwise; audited)."""
    code = request.GET.get("region", "").strip()
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None or not can(request.user, "ledger.export", code):
            raise Http404(_("No such region in your scope."))
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        export_ledger(path, user=request.user, region_code=code, reveal=request.GET.get("reveal_phones") == "1")
        with open(path, "rb") as exported:
            data = exported.read()
    finally:
        os.unlink(path)
    response = HttpResponse(data, content_type=XLSX)
    name = f"ledger-{code or 'all'}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
