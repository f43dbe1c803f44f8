"""Background work of long list exports (see exports.services). With CELERY_BROKER_URL unset the settings make
Celery run this inline (embedded mode); with a broker a worker writes the file while the page polls the row."""

from celery import shared_task

from .models import ListExport
from .services import export_run


@shared_task
def run_export(export_id: int) -> None:
    export_run(ListExport.objects.select_related("requested_by").get(pk=export_id))
