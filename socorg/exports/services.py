"""Exports that follow the list: the rows a list page shows under its current filters, as a workbook.

The list is rebuilt from the query string through the list's own FilterSet and the user's scope (exports.lists),
so the file holds exactly the filtered rows and nothing outside the scope. Up to INLINE_LIMIT rows are written
inside the request; longer lists become a ListExport written by a Celery task (inline when no broker is set, as
the ledger import) while the page shows its progress and then a download link."""

import datetime
import os
import tempfile
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from socorg.core.audit import audit_write
from socorg.core.xlsx import XlsxWriter

from .lists import LISTS, ExportList
from .models import ExportStatus, ListExport

INLINE_LIMIT = 2_000
PROGRESS_EVERY = 1_000
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True)
IGNORED_PARAMETERS = ("page", "page_size")


def export_spec(list_name: str, user) -> ExportList:
    spec = LISTS.get(list_name)
    if spec is None:
        raise KeyError(list_name)
    if not user.has_capability(spec.capability):
        raise PermissionDenied
    return spec


def _filterset(spec: ExportList, query: str, user):
    data = QueryDict(query, mutable=True)
    for name in IGNORED_PARAMETERS:
        data.pop(name, None)
    filterset = spec.filterset(data, user)
    filterset.request = getattr(filterset, "request", None) or SimpleNamespace(user=user)  # "assigned to me"
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset


def file_name(spec: ExportList) -> str:
    return f"{spec.title}-{timezone.localdate():%Y%m%d}.xlsx"


def _cell(sheet, value):
    return sheet.new_cell(value, number_format=DATE_FORMAT) if isinstance(value, datetime.date) else value


def write_workbook(path: str, spec: ExportList, queryset, *, progress=None) -> int:
    """Stream the rows into an xlsx file through the platform's one writer (core.xlsx: write-only, no formula or
    control character can reach a cell). Returns the number of rows written."""
    workbook = XlsxWriter()
    sheet = workbook.create_sheet(str(spec.title)[:31])
    sheet.freeze_panes = "A2"
    columns = spec.columns()
    sheet.append([sheet.new_cell(str(title), font=HEADER_FONT) for title, _value in columns])
    written = 0
    for row in queryset.iterator(chunk_size=2_000):
        sheet.append([_cell(sheet, value(row)) for _title, value in columns])
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    workbook.save(path)
    return written


def _audit(user, list_name: str, spec: ExportList, query: str, rows: int) -> None:
    audit_write(action="list.export", actor=user, object_type="exports.list", object_id=list_name,
                object_repr=str(spec.title), after={"filters": query, "rows": rows})


def export_start(*, user, list_name: str, query: str) -> tuple[bytes | None, ListExport | None]:
    """Export the list `list_name` under the filters of `query`: (workbook bytes, None) when short enough to write
    now, else (None, the ListExport a task is writing). Bad filter values raise ValidationError."""
    spec = export_spec(list_name, user)
    filterset = _filterset(spec, query, user)
    queryset = filterset.qs
    if queryset.order_by().values("pk")[:INLINE_LIMIT + 1].count() <= INLINE_LIMIT:
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        try:
            rows = write_workbook(path, spec, queryset)
            with open(path, "rb") as written:
                data = written.read()
        finally:
            os.unlink(path)
        _audit(user, list_name, spec, query, rows)
        return data, None
    job = ListExport.objects.create(requested_by=user, list_name=list_name, query=query)
    from .tasks import run_export

    transaction.on_commit(lambda: run_export.delay(job.pk))
    return None, job


def export_run(job: ListExport) -> None:
    """Write a ListExport's file (the task's body); progress stored every PROGRESS_EVERY rows."""
    user = job.requested_by
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        spec = export_spec(job.list_name, user)  # the user may have lost the right since asking
        queryset = _filterset(spec, job.query, user).qs
        job.total = queryset.count()
        job.save(update_fields=["total"])

        def progress(written: int) -> None:
            ListExport.objects.filter(pk=job.pk).update(written=written)

        job.written = write_workbook(path, spec, queryset, progress=progress)
        with open(path, "rb") as written:
            job.file.save(file_name(spec), File(written), save=False)
        job.status = ExportStatus.DONE
        _audit(user, job.list_name, spec, job.query, job.written)
    except (PermissionDenied, ValidationError, KeyError):
        job.status, job.error = ExportStatus.FAILED, _("The list can no longer be exported with these filters.")
    except Exception as error:
        job.status, job.error = ExportStatus.FAILED, _("The export failed unexpectedly: %(error)s") % {
            "error": str(error)[:200]}
        raise
    finally:
        job.finished_at = timezone.now()
        job.save()
        os.unlink(path)
