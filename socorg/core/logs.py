"""Logging helpers referenced by settings.LOGGING."""

import logging

from django.core.exceptions import PermissionDenied


class NoTracebackForPermissionDenied(logging.Filter):
    """A refused request is an expected outcome, not a fault: keep its one-line record ("Forbidden (Permission
    denied): /ledger/"), drop the traceback Django attaches to it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info, record.exc_text = None, None
        return True
