"""Celery task of the credit lists: `credit-escalate` daily from Celery beat (settings.CELERY_BEAT_SCHEDULE);
without a broker cron can run `socorg credit-escalate` instead."""

from celery import shared_task


@shared_task(name="socorg.credit.tasks.escalate_credit_lists")
def escalate_credit_lists(as_of: str | None = None) -> dict:
    """Move 2-year abnormal entries to the serious list, end expired entries and ended suspensions."""
    import datetime

    from .services import run_daily

    day = datetime.date.fromisoformat(as_of) if as_of else None
    return run_daily(as_of=day).as_json()
