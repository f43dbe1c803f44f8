"""The cost of the dated history (docs/history.md): figures as of a past day, and the triggers on member writes.

Usage (on a database loaded with `socorg demo --scale national`, with the party 0012 / registry 0008 migrations;
`--provisional` without them):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_bench .venv/bin/python benchmarks/history.py
    DATABASE_URL=sqlite:////tmp/socorg_bench.sqlite3 .venv/bin/python benchmarks/history.py

In one run:
- "as-of": the national figures with one level of drill-down (totals, 本级, 34 provinces, party organizations) as
  of a past day (31 December of last year), read from the period tables; bound: the same figures for today from a
  from-scratch recount (`source="scratch"`: the flags by EXISTS subqueries, the stored member counts) — what an
  as-of figure cost before the history, which recomputed the past the same way from today's rows. The as-of figures
  are computed set-based (coverage.as_of);
- "as-of by type": the same as of the day broken down by organization type (the type each organization had on the
  day, from its period); bound: today's breakdown by type from a from-scratch recount;
- "member write": one member's employer changed by a single-row UPDATE (what a transfer writes), with the history
  triggers; bound: the same UPDATE without triggers (PostgreSQL: session_replication_role = replica, which also
  silences the other apps' triggers on the table — none fire on a member UPDATE today; SQLite: dropped);
- "bulk insert": 50,000 member rows inserted by one INSERT … SELECT (the shape of the demo's and the ledger's COPY),
  with the triggers; bound: without them.
Every write happens inside a transaction that is rolled back (the triggers are dropped inside it too): the data
set is left as it was. On a data set without the migrations, `--provisional` creates the period tables, backfills
them as the migrations do (timed) and installs the member triggers inside one transaction that is rolled back at
the end.
"""

import argparse
import datetime
import os
import statistics
import time

from _common import database_label, setup_django

setup_django()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from socorg.coverage.queries import region_figures  # noqa: E402
from socorg.party.history import MEMBER_HISTORY  # noqa: E402
from socorg.party.models import MemberPeriod, PartyMember  # noqa: E402
from socorg.regions.models import Region  # noqa: E402


class Rollback(Exception):
    pass


def once(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def drop_member_triggers(cursor) -> None:
    """The bound: no history triggers for the rest of the transaction. PostgreSQL: session_replication_role =
    replica (no trigger fires; no table lock, where DROP TRIGGER would wait for every reader of the table); SQLite:
    DROP TRIGGER (rolled back with the transaction)."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL session_replication_role = replica")
        return
    for name in MEMBER_HISTORY.trigger_set().names[connection.vendor]:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def member_writes(repeat: int) -> tuple[list[float], list[float]]:
    """Milliseconds per single-row UPDATE of a member's employer, with and without the history triggers."""
    members = list(PartyMember.objects.filter(is_active=True, employer__isnull=False)
                   .order_by("pk").values_list("pk", "employer_id")[:repeat])
    other = members[-1][1]
    with_history, without = [], []
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            def move(pk, employer):
                cursor.execute("UPDATE party_partymember SET employer_id = %s WHERE id = %s", [employer, pk])

            for pk, employer in members:      # warm the plan and the pages first
                move(pk, employer)
            for pk, _ in members:
                with_history.append(once(lambda pk=pk: move(pk, other)))
            drop_member_triggers(cursor)
            for pk, employer in members:
                without.append(once(lambda pk=pk, employer=employer: move(pk, employer)))
            raise Rollback
    except Rollback:
        pass
    return with_history, without


def bulk_insert(rows: int) -> tuple[float, float]:
    """Milliseconds to insert `rows` member rows in one statement, with and without the history triggers."""
    columns = ("name, gender, id_number, id_number_index, phone, membership, joined_on, probation_ends_on, "
               "party_org_id, employer_id, is_full_time_staff, is_active, left_on, created_at, updated_at")
    select = (f"SELECT name, gender, id_number, '', phone, membership, joined_on, probation_ends_on, party_org_id, "
              f"employer_id, is_full_time_staff, is_active, left_on, created_at, updated_at FROM party_partymember "
              f"ORDER BY id LIMIT {rows}")
    timings = []
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            timings.append(once(lambda: cursor.execute(f"INSERT INTO party_partymember ({columns}) {select}")))
            drop_member_triggers(cursor)
            timings.append(once(lambda: cursor.execute(f"INSERT INTO party_partymember ({columns}) {select}")))
            raise Rollback
    except Rollback:
        pass
    return timings[0], timings[1]


def provisional_history() -> None:
    """The party 0012 / registry 0008 tables, their backfill and the member triggers, inside the caller's
    transaction (for a data set the migrations have not reached)."""
    from socorg.party.history import PARTY_ORG_HISTORY
    from socorg.party.models import PartyOrgPeriod
    from socorg.registry.history import ORG_HISTORY
    from socorg.registry.models import OrgPeriod

    with connection.schema_editor(atomic=False) as editor:
        for model in (MemberPeriod, PartyOrgPeriod, OrgPeriod):
            editor.create_model(model)
    with connection.cursor() as cursor:
        for spec in (MEMBER_HISTORY, PARTY_ORG_HISTORY, ORG_HISTORY):
            started = time.perf_counter()
            cursor.execute(spec.backfill_sql())
            print(f"backfill {spec.history}: {cursor.rowcount:,} periods in {time.perf_counter() - started:,.1f} s")
            cursor.execute(f"ANALYZE {spec.history}")
    MEMBER_HISTORY.trigger_set().install()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of the national figures")
    parser.add_argument("--writes", type=int, default=200, help="single-member writes timed")
    parser.add_argument("--bulk", type=int, default=50_000, help="rows of the bulk insert")
    parser.add_argument("--skip-figures", action="store_true", help="only the write costs")
    parser.add_argument("--provisional", action="store_true",
                        help="create and backfill the period tables in a transaction rolled back at the end")
    args = parser.parse_args()
    if args.provisional:
        try:
            with transaction.atomic():
                provisional_history()
                measure(args)
                raise Rollback
        except Rollback:
            return
    measure(args)


def measure(args) -> None:
    day = datetime.date(timezone.localdate().year - 1, 12, 31)
    nation = Region.objects.get(code="100000")
    print(f"database: {database_label()} · members: {PartyMember.objects.count():,} · "
          f"member periods: {MemberPeriod.objects.count():,}")

    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    cases = [] if args.skip_figures else [
        ("national figures", lambda: region_figures(nation, on=day), lambda: region_figures(nation, source="scratch")),
        ("national figures by type", lambda: region_figures(nation, on=day, by="type"),
         lambda: region_figures(nation, by="type", source="scratch")),
    ]
    for label, as_of_figures, today_scratch in cases:
        as_of = [once(as_of_figures) for _ in range(args.repeat)]
        bound = [once(today_scratch) for _ in range(args.repeat)]
        print(f"as-of {day} {label}: median {statistics.median(as_of):,.0f} ms "
              f"(runs {', '.join(f'{t:,.0f}' for t in as_of)}); bound (today, scratch recount): median "
              f"{statistics.median(bound):,.0f} ms (runs {', '.join(f'{t:,.0f}' for t in bound)}); "
              f"ratio {statistics.median(as_of) / statistics.median(bound):.2f}; "
              f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)

    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    with_history, without = member_writes(args.writes)
    m_with, m_without = statistics.median(with_history), statistics.median(without)
    print(f"member write (1-row UPDATE of the employer, {len(with_history)} runs): median {m_with:.3f} ms with "
          f"history, {m_without:.3f} ms without; added {m_with - m_without:.3f} ms; ratio {m_with / m_without:.2f}")

    bulk_with, bulk_without = bulk_insert(args.bulk)
    print(f"bulk insert of {args.bulk:,} members: {bulk_with:,.0f} ms with history "
          f"({args.bulk / bulk_with * 1000:,.0f} rows/s), {bulk_without:,.0f} ms without "
          f"({args.bulk / bulk_without * 1000:,.0f} rows/s); ratio {bulk_with / bulk_without:.2f}")


if __name__ == "__main__":
    main()
