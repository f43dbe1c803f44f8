"""Background work of the web import: the dry run (preview) and the confirmed import.

With CELERY_BROKER_URL unset the settings make Celery run these inline (embedded mode), so the upload request
returns with the preview ready; with a broker they run in a worker while the page polls the LedgerImport row.
"""

import os
import tempfile

from celery import shared_task
from django.core.files import File
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from .importer import import_ledger
from .models import ImportStatus, LedgerImport
from .writers import write_report


class _ProgressWriter:
    """Stores progress on the LedgerImport row at most every few thousand rows (an UPDATE, committed at once
    outside an import transaction; inside one, only PostgreSQL allows a second connection to write it)."""

    def __init__(self, ledger_import: LedgerImport, *, in_transaction: bool):
        self.pk = ledger_import.pk
        self.in_transaction = in_transaction
        self.side_connection = None

    def __call__(self, sheet: str, done: int, total: int | None) -> None:
        percent = min(99, int(done * 100 / total)) if total else 0
        note = f"{sheet}: {done}" + (f" / {total}" if total else "")
        if not self.in_transaction:
            LedgerImport.objects.filter(pk=self.pk).update(progress=percent, progress_note=note)
        elif connection.vendor == "postgresql":
            self._side_update(percent, note)

    def _side_update(self, percent: int, note: str) -> None:
        from django.db import connections

        if self.side_connection is None:
            self.side_connection = connections.create_connection("default")
        with self.side_connection.cursor() as cursor:
            cursor.execute(f"UPDATE {LedgerImport._meta.db_table} SET progress = %s, progress_note = %s "
                           "WHERE id = %s", [percent, note, self.pk])

    def close(self) -> None:
        if self.side_connection is not None:
            self.side_connection.close()


def _local_copy(ledger_import: LedgerImport) -> str:
    """The uploaded file as a local path (the storage may be remote); the caller deletes it."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    with os.fdopen(handle, "wb") as target, ledger_import.file.open("rb") as source:
        for chunk in source.chunks():
            target.write(chunk)
    return path


def _run(ledger_import: LedgerImport, *, dry_run: bool) -> None:
    path = _local_copy(ledger_import)
    progress = _ProgressWriter(ledger_import, in_transaction=not dry_run)
    try:
        run = import_ledger(path, user=ledger_import.uploaded_by, dry_run=dry_run, progress=progress,
                            source_name=ledger_import.original_name)
        summary = run.summary()
        ledger_import.refresh_from_db()
        if dry_run:
            ledger_import.preview = summary
            ledger_import.status = ImportStatus.VALIDATED if run.ok else ImportStatus.INVALID
        else:
            ledger_import.summary = summary
            ledger_import.status = ImportStatus.DONE if run.ok else ImportStatus.INVALID
        if not run.ok and run.path.exists():
            report_path = path + ".report.xlsx"
            try:
                write_report(path, report_path, run.errors, run.warnings)
                with open(report_path, "rb") as report:
                    name = os.path.splitext(ledger_import.original_name)[0] + "-errors.xlsx"
                    ledger_import.report.save(name, File(report), save=False)
            except Exception:  # an unreadable workbook has no cells to mark; the error table still shows
                pass
            finally:
                if os.path.exists(report_path):
                    os.unlink(report_path)
    except Exception as error:
        ledger_import.status = ImportStatus.FAILED
        ledger_import.progress_note = _("The import failed unexpectedly: %(error)s") % {"error": str(error)[:150]}
        raise
    finally:
        progress.close()
        ledger_import.progress = 100
        ledger_import.finished_at = timezone.now()
        ledger_import.save()
        os.unlink(path)


@shared_task
def validate_import(import_id: int) -> None:
    """Dry run: every row validated, counts of what would be created / updated, the marked report on errors."""
    _run(LedgerImport.objects.select_related("uploaded_by").get(pk=import_id), dry_run=True)


@shared_task
def apply_import(import_id: int) -> None:
    """The confirmed import: validated again (the database may have changed) and written in one transaction."""
    _run(LedgerImport.objects.select_related("uploaded_by").get(pk=import_id), dry_run=False)
