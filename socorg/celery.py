"""Celery application. Without CELERY_BROKER_URL, settings make tasks run inline (embedded mode)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socorg.settings")

app = Celery("socorg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
