"""Early-warning scan benchmark: a full scan of a data set (by default the national demo set in PostgreSQL database
socorg_bench), with per-rule times and the ratio to a bound measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_bench .venv/bin/python benchmarks/alerts.py

The bound is the bare aggregate every activity rule has to beat: SELECT party_org_id, max(date) FROM activities
GROUP BY party_org_id (a full pass over the activity table). The scan runs twice inside one transaction that is
rolled back at the end, so the data set is left as it was: the first scan opens every alert (the write-heavy case),
the second finds nothing to change (the daily steady state). Foreign keys are checked per statement, so their cost
(which a scan's commit pays) is in the figures although nothing is committed.

`--commit` runs the two scans for real instead (both committed; the foreign keys are checked at each rule's
commit, as in production): for an alerts table that was emptied on purpose, so that the first scan is the true first
scan and the data set is left with one completed scan (other benchmarks read the open alerts).

The rolled-back inserts leave dead rows in the alerts table (and autovacuum is off on the benchmark server), so
the alerts tables are vacuumed before the run and after it: each run starts from the same clean table instead of
paying for the previous run's dead index entries (which doubled the insert time when measured).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/socorg_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socorg.settings")
# Development mode on the embedded defaults unless told otherwise (settings: DEBUG is off when unset).
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from socorg.activities.models import Activity  # noqa: E402
from socorg.alerts import scan as scan_module  # noqa: E402
from socorg.alerts.models import Alert, AlertEvent  # noqa: E402
from socorg.alerts.scan import run_scan  # noqa: E402
from socorg.party.models import PartyOrganization  # noqa: E402


class Rollback(Exception):
    pass


def timed(function):
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def bound_seconds() -> float:
    table = connection.ops.quote_name(Activity._meta.db_table)
    with connection.cursor() as cursor:
        _, seconds = timed(lambda: cursor.execute(
            f"SELECT party_org_id, max(date) FROM {table} GROUP BY party_org_id") or cursor.fetchall())
    return seconds


def vacuum_alert_tables() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Alert, AlertEvent):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def empty_alert_tables() -> None:
    """Inside the benchmark's transaction: the alerts app's own rows only, in SQL (the ORM's cascade would load
    every alert)."""
    from socorg.alerts.models import EvidenceFile

    with connection.cursor() as cursor:
        for model in (EvidenceFile, AlertEvent, Alert):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--first-limit", type=float, default=30.0, help="seconds a first scan may take")
    parser.add_argument("--steady-limit", type=float, default=10.0, help="seconds a steady-state scan may take")
    parser.add_argument("--commit", action="store_true",
                        help="commit both scans (only on an alerts table emptied on purpose)")
    parser.add_argument("--no-fk-checks", action="store_true",
                        help="leave the foreign-key checks to the commit that never comes (to measure their cost)")
    args = parser.parse_args()
    sizes = {"party organizations": PartyOrganization.objects.count(), "activities": Activity.objects.count()}
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print("data set: " + ", ".join(f"{name} {count:,}" for name, count in sizes.items()))
    vacuum_alert_tables()
    bound_seconds()  # warm the cache so neither side pays for the first read
    bound = bound_seconds()
    print(f"bound (SELECT party_org_id, max(date) … GROUP BY party_org_id): {bound:.2f} s; load average {load()}")
    if args.commit:
        if Alert.objects.exists():
            parser.error("--commit needs an empty alerts table (the first scan must open every alert)")
        first = run_scan()
        second = run_scan()
    else:
        # The scan's record (ScanRun and audit entry) is written after its timing and would be rolled back; it is
        # skipped here because the audit chain's advisory lock may be held for minutes by another process's long
        # transaction (the demo's), which would stall the run without changing a figure.
        scan_module._record = lambda result, started, actor: None
        try:
            with transaction.atomic():
                # The alerts' foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED); this transaction
                # never commits, so check them at each statement instead, as each rule's own commit would.
                if not args.no_fk_checks:
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                empty_alert_tables()
                first = run_scan()
                second = run_scan()
                raise Rollback
        except Rollback:
            pass
        vacuum_alert_tables()
    bound_after = bound_seconds()
    print(f"bound again after the scans: {bound_after:.2f} s; load average {load()}")
    print("\nfirst scan: evaluate = the rule's findings joined with its open alerts, the differences into the scan's "
          "temporary table (the first activity / member rule also fills the shared tally); "
          "write = resolve/refresh/open statements; commit = the rest; steady: the same for the second scan")
    print(f"{'rule':30} {'findings':>9} {'eval':>6} {'write':>6} {'commit':>6} {'total':>6} {'× bound':>7} "
          f"{'st.eval':>7} {'st.total':>8}")
    for outcome, steady in zip(first.rules, second.rules, strict=True):
        commit = outcome.seconds - outcome.evaluate_seconds - outcome.write_seconds
        print(f"{outcome.code:30} {outcome.findings:>9,} {outcome.evaluate_seconds:>6.2f} "
              f"{outcome.write_seconds:>6.2f} {commit:>6.2f} {outcome.seconds:>6.2f} {outcome.seconds / bound:>7.2f} "
              f"{steady.evaluate_seconds:>7.2f} {steady.seconds:>8.2f}")
    for label, result, limit in (("first scan (opens every alert)", first, args.first_limit),
                                 ("second scan (steady state)", second, args.steady_limit)):
        verdict = "OK" if result.seconds <= limit else f"OVER the {limit:.0f} s limit"
        print(f"{label}: {result.seconds:.1f} s = {result.seconds / bound:.1f} × bound; opened {result.opened:,}, "
              f"open {result.open:,} — {verdict}")


if __name__ == "__main__":
    main()
