"""Celery tasks of the ratings app. `suspend_stars` runs daily after the early-warning scan (Celery beat,
settings.CELERY_BEAT_SCHEDULE): a veto event since publication (a high-severity alert, a credit listing) suspends
the star with a notice. Without a broker, cron can run `socorg rate-suspensions`."""

from celery import shared_task

from .services import suspend_on_vetoes


@shared_task(name="socorg.ratings.tasks.suspend_stars")
def suspend_stars(as_of: str | None = None, region_prefix: str = "") -> dict:
    import datetime

    day = datetime.date.fromisoformat(as_of) if as_of else None
    return {"suspended": suspend_on_vetoes(as_of=day, region_prefix=region_prefix)}
