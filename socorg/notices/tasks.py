"""Celery task of notices: the daily reminder to recipients who have not read a notice (settings.CELERY_BEAT_SCHEDULE,
"notices-daily-reminders"). Without a broker, cron runs `socorg remind-notices` instead."""

from celery import shared_task

from .services import send_reminders


@shared_task(name="socorg.notices.tasks.remind_unread")
def remind_unread() -> dict:
    return send_reminders()
