"""Credit-list candidates benchmark: `credit-candidates` over the whole data set (by default the national demo set in
PostgreSQL database socorg_bench, migrated), per reason, beside a bound measured in the same run; then the daily job.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_bench nice -n 10 .venv/bin/python benchmarks/credit.py

Target (issue #14): the nation in ≤ 60 s, set-based. The bound is the query the heaviest reason cannot beat: the
anti-join of the organizations in force against last year's submitted annual reports (a full pass over both
tables), measured right before. `--as-of` evaluates another day; `--region` a subtree. Nothing is written except by
the daily job, which runs in a transaction rolled back at the end (`--daily`).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/socorg_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socorg.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

import datetime  # noqa: E402
from collections import Counter  # noqa: E402

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from socorg.credit import candidates as module  # noqa: E402
from socorg.credit.candidates import credit_candidates  # noqa: E402
from socorg.credit.services import run_daily  # noqa: E402
from socorg.registry.models import SocialOrganization  # noqa: E402
from socorg.reports.models import AnnualReport  # noqa: E402


class Rollback(Exception):
    pass


def timed(function):
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def bound_seconds(year: int) -> float:
    orgs = connection.ops.quote_name(SocialOrganization._meta.db_table)
    reports = connection.ops.quote_name(AnnualReport._meta.db_table)
    sql = (f"SELECT o.id FROM {orgs} o WHERE o.status IN ('active', 'suspended') AND NOT EXISTS "
           f"(SELECT 1 FROM {reports} r WHERE r.organization_id = o.id AND r.year = %s "
           f"AND r.first_submitted_at IS NOT NULL)")
    with connection.cursor() as cursor:
        _, seconds = timed(lambda: cursor.execute(sql, [year]) or cursor.fetchall())
    return seconds


def per_reason(as_of: datetime.date, prefix: str) -> dict[str, float]:
    """Each reason's finder alone (the shared exclusions not included)."""
    ctx = module._Context(as_of, prefix, module.reason_configs())
    return {code: timed(lambda finder=finder: finder(ctx))[1] for code, finder in module.FINDERS.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", default=None, help="YYYY-MM-DD (default today)")
    parser.add_argument("--region", default="", help="scope prefix, e.g. 53 (default: the nation)")
    parser.add_argument("--daily", action="store_true", help="also time credit-escalate (rolled back)")
    args = parser.parse_args()
    as_of = datetime.date.fromisoformat(args.as_of) if args.as_of else timezone.localdate()
    orgs = SocialOrganization.objects.count()
    print(f"database {connection.vendor}, {orgs:,} organizations, as of {as_of}, region '{args.region or 'nation'}'")
    bound = bound_seconds(as_of.year - 1)
    print(f"bound (anti-join organizations × {as_of.year - 1} reports): {bound:.2f} s")
    found, seconds = timed(lambda: credit_candidates(as_of=as_of, region_prefix=args.region))
    counts = Counter(c.reason for c in found)
    print(f"credit-candidates: {seconds:.2f} s for {len(found):,} candidates ({seconds / bound:.1f}× the bound); "
          f"target ≤ 60 s: {'met' if seconds <= 60 else 'MISSED'}")
    for code, count in sorted(counts.items()):
        print(f"  {code:24s} {count:>9,}")
    for code, reason_seconds in per_reason(as_of, args.region).items():
        print(f"  finder {code:24s} {reason_seconds:7.2f} s")
    if args.daily:
        try:
            with transaction.atomic():
                result, daily = timed(lambda: run_daily(as_of=as_of))
                print(f"credit-escalate: {daily:.2f} s ({result.as_json()}), rolled back")
                raise Rollback
        except Rollback:
            pass


if __name__ == "__main__":
    main()
