"""Celery tasks of the core app: the daily anchor of the audit chain (settings.CELERY_BEAT_SCHEDULE). Without a
broker, cron runs `socorg audit-anchor` instead."""

from celery import shared_task

from .chain import anchor


@shared_task(name="socorg.core.tasks.anchor_audit_chain")
def anchor_audit_chain() -> dict:
    entry = anchor()
    return {"seq": entry.seq, "hash": entry.entry_hash}
