"""`socorg rate`: the star ratings of a cycle computed set-based and stored, chunk by chunk, against a bound
measured in the same run. Target (issue #16): the nation in ≤ 60 s on the national data set, in bounded memory.

Usage (on a database loaded with `socorg demo --scale …`; the demo writes organizational life, members, coverage
and last year's annual reports):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_bench nice -n 10 .venv/bin/python benchmarks/ratings.py
    DATABASE_URL=… .venv/bin/python benchmarks/ratings.py --cycle 2025 --region 530000 --repeat 3 --chunk-size 5000

It times, for the region (default: the whole country):
- "compute": ratings.compute.compute_chunks — every criterion of the scorecard in force for every party
  organization in force, chunk by chunk (a fixed number of grouped queries per chunk, then each criterion evaluated
  as a column over the chunk); nothing is kept beyond a chunk;
- "rate (compute + store)": ratings.services.rate_cycle as `socorg rate` runs it — the computation, the upsert of
  one Rating row per party organization (criteria and evidence as JSON) through a temporary table per chunk, and
  the audit entry; run in a transaction that is rolled back, so the data set is left as it was;
- "figures": the stars by region and level with one level of drill-down, from the stored rows (inside the same
  transaction);
- the bound: a bare `SELECT party_org_id, type, COUNT(*) … GROUP BY 1, 2` over the cycle's organizational-life
  records in the region (one pass over the largest table the computation reads, with no criterion evaluated);
- the process's peak resident memory after the runs (getrusage) and the load average of the machine.
"""

import argparse
import os
import resource
import time

from _common import database_label, setup_django

setup_django()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from socorg.activities.models import Activity  # noqa: E402
from socorg.core.scope import subtree_sql  # noqa: E402
from socorg.party.models import PartyOrganization  # noqa: E402
from socorg.ratings import compute, queries, services  # noqa: E402
from socorg.ratings.choices import ScorecardKind  # noqa: E402
from socorg.regions.models import Region  # noqa: E402


def seconds(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def bound(cycle: int, prefix: str) -> float:
    activities = Activity._meta.db_table
    parties = PartyOrganization._meta.db_table
    where, params = subtree_sql("p.region_id", prefix)
    sql = (f"SELECT a.party_org_id, a.type, COUNT(*) FROM {activities} a JOIN {parties} p ON p.id = a.party_org_id "
           f"WHERE a.date >= %s AND a.date <= %s{where} GROUP BY 1, 2")

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, [f"{cycle}-01-01", f"{cycle}-12-31", *params])
            return len(cursor.fetchall())
    return seconds(run)[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycle", type=int, default=timezone.localdate().year - 1)
    parser.add_argument("--region", default="100000")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--chunk-size", type=int, default=compute.CHUNK_SIZE)
    parser.add_argument("--skip-compute", action="store_true", help="time only rate (compute + store)")
    parser.add_argument("--skip-rate", action="store_true",
                        help="time only compute (reads only: no rating row is written, even in a transaction)")
    args = parser.parse_args()
    region = Region.objects.get(code=args.region)
    prefix = region.scope_prefix
    scorecard = queries.scorecard_for(ScorecardKind.STAR, args.cycle)
    print(f"# ratings benchmark · {database_label()} · cycle {args.cycle} · {region.full_name} · "
          f"chunks of {args.chunk_size:,}")
    rows = []
    for attempt in range(args.repeat):
        load_before = os.getloadavg()[0]
        bound_s = bound(args.cycle, prefix)
        compute_s, computed = 0.0, None
        if not args.skip_compute:
            compute_s, computed = seconds(lambda: sum(
                len(chunk.ratings) for chunk in compute.compute_chunks(args.cycle, prefix, scorecard.definition,
                                                                       chunk_size=args.chunk_size)))
        if args.skip_rate:
            rows.append((bound_s, compute_s, compute_s, 0.0))
            print(f"run {attempt + 1}: party organizations {computed:,} · bound (activity GROUP BY) {bound_s:.2f} s · "
                  f"compute {compute_s:.2f} s · compute / bound {compute_s / max(bound_s, 1e-9):.1f}× · load average "
                  f"{load_before:.1f} → {os.getloadavg()[0]:.1f}")
            continue
        with transaction.atomic():
            rate_s, outcome = seconds(lambda: services.rate_cycle(cycle=args.cycle, region_prefix=prefix,
                                                                  chunk_size=args.chunk_size))
            figures_s, figures = seconds(lambda: queries.star_figures(cycle=args.cycle, region=region))
            transaction.set_rollback(True)
        rows.append((bound_s, compute_s, rate_s, figures_s))
        print(f"run {attempt + 1}: party organizations {outcome.rated:,} (computed alone: {computed}) · created "
              f"{outcome.created:,} · refreshed {outcome.refreshed:,} · frozen {outcome.frozen:,} · by stars "
              f"{figures.by_stars}")
        print(f"  bound (activity GROUP BY) {bound_s:.2f} s · compute {compute_s:.2f} s · rate (compute + store) "
              f"{rate_s:.2f} s · figures {figures_s * 1000:.0f} ms · rate / bound {rate_s / max(bound_s, 1e-9):.1f}× "
              f"· load average {load_before:.1f} → {os.getloadavg()[0]:.1f}")
    best = min(rows, key=lambda r: r[2])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    what = "compute" if args.skip_rate else "rate"
    print(f"best: {what} {best[2]:.2f} s (target for the nation ≤ 60 s), compute {best[1]:.2f} s, "
          f"bound {best[0]:.2f} s, ratio {best[2] / max(best[0], 1e-9):.1f}× · peak RSS {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
