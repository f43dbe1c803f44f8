"""/exports/<list>/?<the list's filters>: the export button of every list. Short lists download at once; long
ones go to a page with a progress bar and, when written, a download link (visible to the requester only)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header

from socorg.core.xlsx import XLSX_TYPE

from . import services
from .models import ExportStatus, ListExport


@login_required
def export_start(request, list_name: str):
    try:
        spec = services.export_spec(list_name, request.user)
    except KeyError:
        raise Http404 from None
    query = urlencode(list(request.GET.lists()), doseq=True)
    try:
        data, job = services.export_start(user=request.user, list_name=list_name, query=query)
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            for problem in problems:
                messages.error(request, f"{field}: {problem}")
        return redirect(request.META.get("HTTP_REFERER") or "core:home")
    if job is not None:
        return redirect("exports:detail", pk=job.pk)
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, services.file_name(spec))
    return response


def _own(request, pk: int) -> ListExport:
    return get_object_or_404(ListExport, pk=pk, requested_by=request.user)


def _context(job: ListExport) -> dict:
    spec = services.LISTS.get(job.list_name)
    return {"job": job, "title": spec.title if spec else job.list_name, "statuses": ExportStatus}


@login_required
def export_detail(request, pk: int):
    return render(request, "exports/detail.html", _context(_own(request, pk)))


@login_required
def export_status(request, pk: int):
    """What htmx polls while the export runs."""
    return render(request, "exports/_status.html", _context(_own(request, pk)))


@login_required
def export_download(request, pk: int):
    job = _own(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    spec = services.LISTS[job.list_name]
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=services.file_name(spec),
                        content_type=XLSX_TYPE)
