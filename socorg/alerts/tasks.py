"""Celery tasks of the early-warning app. Production runs `scan_alerts` daily from Celery beat; add to settings:

    from celery.schedules import crontab
    CELERY_BEAT_SCHEDULE = {
        "alerts-daily-scan": {"task": "socorg.alerts.tasks.scan_alerts", "schedule": crontab(hour=2, minute=30)},
    }

Without a broker (embedded mode) cron can run `socorg scan-alerts` instead."""

from celery import shared_task

from .scan import run_scan


@shared_task(name="socorg.alerts.tasks.scan_alerts")
def scan_alerts(as_of: str | None = None, region_prefix: str = "") -> dict:
    """Evaluate every enabled rule (as of today unless given) and escalate overdue rectifications."""
    import datetime

    day = datetime.date.fromisoformat(as_of) if as_of else None
    result = run_scan(as_of=day, region_prefix=region_prefix)
    return {"as_of": result.as_of.isoformat(), "opened": result.opened, "resolved": result.resolved,
            "escalated": result.escalated, "open": result.open, "seconds": round(result.seconds, 2)}
