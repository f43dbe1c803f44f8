"""The ledger's workflows: upload → dry run (preview) → confirm → import, and the import of a file on disk.

Views, the Celery tasks (tasks.py) and the import-ledger command call these; none of them runs an import or writes a
report by itself. A failure while writing the marked workbook is logged and added to the run's warnings, so the
page and the command show it; it never hides the import's own outcome.
"""

import datetime
import logging
import os
import tempfile

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from .importer import ImportRun, ImportTimeout, import_ledger
from .issues import Issue
from .models import RUNNING, ImportStatus, LedgerImport
from .writers import write_report

logger = logging.getLogger(__name__)
DEFAULT_TIME_LIMIT = 30 * 60  # seconds; setting SOCORG_LEDGER_TIME_LIMIT (a million-row dry run takes about 3 min)
HARD_LIMIT_MARGIN = 60  # the Celery hard limit kills the worker process this long after the soft limit
STALE_MARGIN = 5 * 60  # an import still "running" this long after its hard limit has died with its process
DEFAULT_SQLITE_ROW_LIMIT = 20_000  # about 5 s of SQLite's write lock at 4,500 rows/s (docs/ledger.md, "SQLite")


def sqlite_row_limit() -> int:
    """Rows a web import may hold on SQLite (setting SOCORG_LEDGER_SQLITE_MAX_ROWS; 0: no limit)."""
    return int(getattr(settings, "SOCORG_LEDGER_SQLITE_MAX_ROWS", DEFAULT_SQLITE_ROW_LIMIT))


def time_limit() -> int:
    """The wall-time limit of one import run, in seconds (0: none)."""
    return int(getattr(settings, "SOCORG_LEDGER_TIME_LIMIT", DEFAULT_TIME_LIMIT))


def time_limit_message() -> str:
    return _("The import exceeded its time limit of %(minutes)d minutes and was stopped; nothing was written. "
             "Split the ledger into smaller workbooks and import them one by one.") % {
        "minutes": max(1, round(time_limit() / 60))}


# --- a file on disk (the command; the web tasks below) -------------------------------------------------------

def import_file(path, *, user=None, dry_run: bool = False, progress=None, source_name: str = "",
                report_path=None, report_always: bool = False, row_limit: int | None = None) -> ImportRun:
    """Import (or dry-run) the workbook at `path`. With `report_path`, the marked workbook is written there when
    the run found errors (or always, with `report_always`); run.report_marked then holds the number of cells
    marked, or None when no report was written. `row_limit`: the rows a workbook may hold on SQLite."""
    run = import_ledger(path, user=user, dry_run=dry_run, progress=progress, source_name=source_name,
                        time_limit=time_limit(), sqlite_row_limit=row_limit)
    if report_path and (report_always or not run.ok) and run.readable:
        write_marked_report(run, report_path)
    return run


def write_marked_report(run: ImportRun, report_path) -> bool:
    """The uploaded workbook with its bad cells marked; a failure is logged and reported as a warning of the run."""
    try:
        run.report_marked = write_report(run.path, report_path, run.errors, run.warnings)
        return True
    except Exception:
        logger.exception("ledger: the marked workbook for %s could not be written", run.source_name)
        run.warnings.append(Issue("", None, "", "", _(
            "The workbook with the bad cells marked could not be written; the error list here is complete. "
            "Correct the errors it names and import again; if this repeats, tell the administrator (the "
            "server log has the details).")))
        return False


# --- the web workflow ------------------------------------------------------------------------------------------

def upload(user, uploaded_file) -> LedgerImport:
    """Store an uploaded workbook and start its dry run (a Celery task; inline without a broker)."""
    from . import tasks

    _require(user, "ledger.import")
    name = os.path.basename(uploaded_file.name)[:255]
    ledger_import = LedgerImport(uploaded_by=user, original_name=name, started_at=timezone.now())
    ledger_import.file.save(uploaded_file.name, uploaded_file, save=True)
    tasks.validate_import.delay(ledger_import.pk)
    return ledger_import


def confirm(user, ledger_import: LedgerImport) -> None:
    """Start the import of a checked workbook without errors (validated again: the database may have changed).
    The status moves from validated to importing at most once, so a double click imports once."""
    from . import tasks

    _require(user, "ledger.import")
    started = LedgerImport.objects.filter(pk=ledger_import.pk, status=ImportStatus.VALIDATED).update(
        status=ImportStatus.IMPORTING, progress=0, progress_note="", started_at=timezone.now())
    if not started:
        raise PermissionDenied(_("Only a checked workbook without errors can be imported."))
    tasks.apply_import.delay(ledger_import.pk)


def run(import_id: int, *, dry_run: bool) -> LedgerImport:
    """The work of one task: the dry run (preview) or the confirmed import of an uploaded workbook, its summary
    and status on the LedgerImport row, and the marked workbook when there are errors."""
    ledger_import = LedgerImport.objects.select_related("uploaded_by").get(pk=import_id)
    if not LedgerImport.objects.filter(pk=import_id, status__in=RUNNING).update(started_at=timezone.now()):
        logger.warning("ledger: import %s is no longer waiting to run (%s); skipped", import_id, ledger_import.status)
        return ledger_import
    path = _local_copy(ledger_import)
    report_path = path + ".report.xlsx"
    progress = _ProgressWriter(ledger_import, in_transaction=not dry_run)
    try:
        result = import_file(path, user=ledger_import.uploaded_by, dry_run=dry_run, progress=progress,
                             source_name=ledger_import.original_name, report_path=report_path,
                             row_limit=sqlite_row_limit())
        ledger_import.refresh_from_db()
        if result.report_marked is not None:
            with open(report_path, "rb") as report:
                name = os.path.splitext(ledger_import.original_name)[0] + "-errors.xlsx"
                ledger_import.report.save(name, File(report), save=False)
        summary = result.summary()
        if dry_run:
            ledger_import.preview = summary
            ledger_import.status = ImportStatus.VALIDATED if result.ok else ImportStatus.INVALID
        else:
            ledger_import.summary = summary
            ledger_import.status = ImportStatus.DONE if result.ok else ImportStatus.INVALID
    except (ImportTimeout, SoftTimeLimitExceeded):
        logger.warning("ledger: import %s (%s) stopped at its time limit", import_id, ledger_import.original_name)
        ledger_import.status = ImportStatus.FAILED
        ledger_import.progress_note = time_limit_message()
    except Exception:
        logger.exception("ledger: import %s (%s) failed", import_id, ledger_import.original_name)
        ledger_import.status = ImportStatus.FAILED
        ledger_import.progress_note = _("The import failed unexpectedly and nothing was written. Upload the "
                                        "workbook again; if this repeats, tell the administrator (the server log "
                                        "has the details).")
        raise
    finally:
        progress.close()
        ledger_import.progress = 100
        ledger_import.finished_at = timezone.now()
        ledger_import.save()
        for leftover in (path, report_path):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return ledger_import


def task_failed(import_id: int, error: BaseException) -> bool:
    """Called in the Celery worker's main process when a task's process was killed (hard time limit, out of
    memory, a lost worker): the import, if still marked running, is marked failed. Returns whether it was."""
    from celery.exceptions import TimeLimitExceeded

    if isinstance(error, TimeLimitExceeded | SoftTimeLimitExceeded):
        message = time_limit_message()
    else:
        message = _("The import process ended unexpectedly (stopped or out of memory); nothing was written. Upload "
                    "the workbook again, or split it into smaller workbooks.")
    logger.error("ledger: import %s failed in its worker: %r", import_id, error)
    return _mark_failed(LedgerImport.objects.filter(pk=import_id), message) > 0


def fail_stale_imports(user=None) -> int:
    """Imports still marked running long after their time limit (their process died without a word: the machine
    restarted, a web worker running the import inline was killed) are marked failed; `user`: only theirs.
    Returns how many. Reads first, so the frequent call from the status page writes nothing in the normal case."""
    limit = time_limit()
    if not limit:
        return 0
    cutoff = timezone.now() - datetime.timedelta(seconds=limit + HARD_LIMIT_MARGIN + STALE_MARGIN)
    stale = LedgerImport.objects.filter(status__in=RUNNING, started_at__lt=cutoff)
    if user is not None:
        stale = stale.filter(uploaded_by=user)
    if not stale.exists():
        return 0
    count = _mark_failed(stale, _(
        "The import did not finish within %(minutes)d minutes and its process has ended; nothing was written. "
        "Upload the workbook again, or split it into smaller workbooks.") % {"minutes": max(1, round(limit / 60))})
    logger.warning("ledger: %d stale imports marked failed", count)
    return count


def _mark_failed(imports, message: str) -> int:
    return imports.filter(status__in=RUNNING).update(status=ImportStatus.FAILED, progress_note=message[:200],
                                                     progress=100, finished_at=timezone.now())


def _require(user, capability: str) -> None:
    if not user.has_capability(capability):
        raise PermissionDenied


def _local_copy(ledger_import: LedgerImport) -> str:
    """The uploaded file as a local path (the storage may be remote); the caller deletes it."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    with os.fdopen(handle, "wb") as target, ledger_import.file.open("rb") as source:
        for chunk in source.chunks():
            target.write(chunk)
    return path


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
