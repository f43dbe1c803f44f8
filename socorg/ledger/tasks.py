"""Background work of the web import: the dry run (preview) and the confirmed import (services.run).

With CELERY_BROKER_URL unset the settings make Celery run these inline (embedded mode), so the upload request
returns with the preview ready; with a broker they run in a worker while the page polls the LedgerImport row.

Each run has a wall-time limit (setting SOCORG_LEDGER_TIME_LIMIT): the soft limit stops the import cleanly (rolled
back, marked failed with a message); the hard limit a minute later kills the process, and the worker's main process
then marks the import failed (LedgerTask.on_failure). Imports whose process died without either (a restarted
machine, an inline import in a killed web worker) are found by fail_stale_imports, run periodically and whenever
the status page is looked at.
"""

from celery import Task, shared_task

from . import services

LIMITS = {"soft_time_limit": services.time_limit() or None,
          "time_limit": services.time_limit() + services.HARD_LIMIT_MARGIN if services.time_limit() else None}


class LedgerTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        import_id = args[0] if args else kwargs.get("import_id")
        if import_id is not None:
            services.task_failed(import_id, exc)


@shared_task(base=LedgerTask, **LIMITS)
def validate_import(import_id: int) -> None:
    """Dry run: every row validated, counts of what would be created / updated, the marked report on errors."""
    services.run(import_id, dry_run=True)


@shared_task(base=LedgerTask, **LIMITS)
def apply_import(import_id: int) -> None:
    """The confirmed import: validated again (the database may have changed) and written in one transaction."""
    services.run(import_id, dry_run=False)


@shared_task
def fail_stale_imports() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): imports whose process died are marked failed."""
    return services.fail_stale_imports()
