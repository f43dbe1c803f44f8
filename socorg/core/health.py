"""Health checks for /healthz: each answers "ok" or "error" and logs the reason, so the public body never carries a
host, port, role or path. The database check never creates an embedded database: a missing SQLite file is an
error (connecting would create an empty one, and the platform would then answer with no data at all)."""

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

logger = logging.getLogger("socorg.health")
OK, ERROR, INLINE = "ok", "error", "inline"


def _sqlite_file_missing() -> bool:
    name = str(connection.settings_dict.get("NAME") or "")
    in_memory = name == ":memory:" or name.startswith("file:") and "mode=memory" in name
    return connection.vendor == "sqlite" and not in_memory and not Path(name).is_file()


def database() -> str:
    if _sqlite_file_missing():
        logger.error("healthz: the SQLite database file is missing")
        return ERROR
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        logger.exception("healthz: database check failed")
        return ERROR
    return OK


def broker() -> str:
    """The Celery broker answers (INLINE when none is configured: tasks then run in the caller)."""
    if not settings.CELERY_BROKER_URL:
        return INLINE
    from socorg.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
    except Exception:
        logger.exception("healthz: broker check failed")
        return ERROR
    return OK


def storage() -> str:
    """The file storage (attachments, exports) takes, returns and deletes a small file."""
    name = f"healthz/{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        try:
            with default_storage.open(saved) as handle:
                if handle.read() != b"ok":
                    raise OSError("storage returned other content")
        finally:
            default_storage.delete(saved)
    except Exception:
        logger.exception("healthz: storage check failed")
        return ERROR
    return OK


def report(*, full: bool) -> dict[str, str]:
    checks = {"database": database()}
    if full:
        checks |= {"broker": broker(), "storage": storage()}
    healthy = all(value != ERROR for value in checks.values())
    return {"status": OK if healthy else ERROR, **checks}
