"""Background work of the web import: the dry run (preview) and the confirmed import (services.run).

With CELERY_BROKER_URL unset the settings make Celery run these inline (embedded mode), so the upload request
returns with the preview ready; with a broker they run in a worker while the page polls the LedgerImport row.
"""

from celery import shared_task

from . import services


@shared_task
def validate_import(import_id: int) -> None:
    """Dry run: every row validated, counts of what would be created / updated, the marked report on errors."""
    services.run(import_id, dry_run=True)


@shared_task
def apply_import(import_id: int) -> None:
    """The confirmed import: validated again (the database may have changed) and written in one transaction."""
    services.run(import_id, dry_run=False)
