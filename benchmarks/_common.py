"""Shared set-up for the benchmarks: Django from the environment (DATABASE_URL), timing, percentiles, output.

Benchmarks are scripts, not tests: run them against a loaded data set (see benchmarks/README.md)."""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socorg.settings")
# Development mode on the embedded defaults unless told otherwise (settings: DEBUG is off when unset); the query
# log it would switch on is turned off again after setup (setup_django).
os.environ.setdefault("DEBUG", "1")


def setup_django() -> None:
    import django

    django.setup()
    from django.conf import settings

    # Query logging (DEBUG) costs time per query and memory per request: measure the production path.
    settings.DEBUG = False


def timed(fn: Callable[[], object], repeat: int, warmup: int = 2) -> list[float]:
    """Milliseconds of `repeat` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], p: float) -> float:
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[int(p) - 1]


def database_label() -> str:
    from django.db import connection

    settings = connection.settings_dict
    return f"{connection.vendor} {settings['NAME']}"

def busiest_county() -> str:
    from django.db.models import Count

    from socorg.registry.models import SocialOrganization

    row = (SocialOrganization.objects.filter(authority_level="county").values("authority_region_id")
           .annotate(n=Count("id")).order_by("-n").first())
    return row["authority_region_id"] if row else "530102"


def without_login_audit() -> None:
    """Benchmarks log their users in inside a transaction they roll back: the login's audit entry would take the
    audit chain's lock (pg_advisory_xact_lock) and hold it for the whole run, stopping every other audit writer on
    the shared data set. A benchmark measures reads, not logins: switch the login entry off for this process."""
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.disconnect(dispatch_uid="socorg.accounts.audit_login")
