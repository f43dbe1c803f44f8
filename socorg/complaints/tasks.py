"""Celery tasks of the complaints app: the daily escalation of complaints past a deadline (settings'
CELERY_BEAT_SCHEDULE, "complaints-daily-escalation"; without a broker cron runs `socorg escalate-complaints`)."""

from celery import shared_task


@shared_task(name="socorg.complaints.tasks.escalate_complaints")
def escalate_complaints(as_of: str | None = None, region_prefix: str = "") -> dict:
    import datetime

    from .services import escalate_overdue

    day = datetime.date.fromisoformat(as_of) if as_of else None
    return {"escalated": escalate_overdue(as_of=day, region_prefix=region_prefix)}
