"""Random inspections: commit and draw over a national pool (issue #15: 1,000,000 organizations in ≤ 10 s), against
bounds measured in the same run.

Usage (a database of its own; `--generate` fills an empty one with synthetic county-registered organizations):

    export DATABASE_URL=sqlite:////tmp/socorg_inspections.sqlite3 DEBUG=1
    .venv/bin/socorg migrate
    nice -n 10 .venv/bin/python benchmarks/inspections.py --generate 1000000
    nice -n 10 .venv/bin/python benchmarks/inspections.py --share 0.10 --inspectors 40   # again, on the same data

It creates a national plan (region 100000, organizations registered at county level, 10 % by default, 2 inspectors
per organization, `--inspectors` outside experts) through inspections.services, then times
- "commit": plan_commit — the population query streamed in credit-code order, hashed as it arrives (SHA-256), the
  pool stored;
- "draw": plan_draw — exclusions, one HMAC per organization, the n smallest keys, one HMAC per (selected
  organization, inspector), the selections stored;
- "proof + verify": building the published proof and verifying it as `socorg verify-draw` does (not in the target);
and the bounds: "bound: read" — a bare `SELECT uscc FROM … ORDER BY uscc` fetched to the end; "bound: hash" — one
SHA-256 over the joined codes plus one HMAC per code, in a loop with nothing else. The plan and its rows are written in
a transaction that is rolled back: the data set is left untouched (run it as often as you like).
"""

import argparse
import time

from _common import database_label, setup_django

setup_django()

import hashlib  # noqa: E402
import hmac  # noqa: E402

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from socorg.accounts.roles import Role  # noqa: E402
from socorg.core.testing import make_user  # noqa: E402
from socorg.inspections import services  # noqa: E402
from socorg.inspections.proof import build_proof  # noqa: E402
from socorg.inspections.verify import verify_proof  # noqa: E402
from socorg.regions.models import Region  # noqa: E402
from socorg.registry.models import SocialOrganization  # noqa: E402

BATCH = 20_000


def generate(total: int) -> None:
    """`total` synthetic active social groups registered by county bureaus all over the country (raw batched
    inserts: the registry's services would take hours for a million)."""
    if SocialOrganization.objects.exists():
        raise SystemExit("--generate needs a database without organizations")
    counties = list(Region.objects.filter(level="county", valid_to__isnull=True).values_list("code", flat=True))
    now = timezone.now()
    fields = [f for f in SocialOrganization._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {SocialOrganization._meta.db_table} ({columns}) VALUES ({marks})"
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, total, BATCH):
            rows = []
            for i in range(start, min(total, start + BATCH)):
                county = counties[i % len(counties)]
                values = {"uscc": f"51{county}MJ{i:07d}X", "name": f"合成社会组织{i}", "org_type": "social_group",
                          "category": "other", "authority_region_id": county, "authority_level": "county",
                          "status": "active", "created_at": now, "updated_at": now}
                row = []
                for f in fields:
                    if f.attname in values:
                        row.append(values[f.attname])
                    elif f.has_default():
                        row.append(f.get_db_prep_save(f.get_default(), connection))
                    else:
                        row.append(None if f.null else "")
                rows.append(row)
            cursor.executemany(sql, rows)
    print(f"generated {total:,} organizations in {time.perf_counter() - started:.1f} s")


def bound_read() -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT uscc FROM {SocialOrganization._meta.db_table} ORDER BY uscc")
        while cursor.fetchmany(BATCH):
            pass
    return time.perf_counter() - started


def bound_hash() -> float:
    codes = list(SocialOrganization.objects.order_by("uscc").values_list("uscc", flat=True))
    started = time.perf_counter()
    digest = hashlib.sha256("\n".join(codes).encode()).digest()
    for code in codes:
        hmac.digest(digest, code.encode(), "sha256")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", type=int, default=0, help="fill an empty database with N organizations")
    parser.add_argument("--share", default="0.10", help="share to draw (default 0.10, the national minimum)")
    parser.add_argument("--inspectors", type=int, default=40, help="outside experts in the pool (default 40)")
    parser.add_argument("--per-org", type=int, default=2)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate)
    total = SocialOrganization.objects.count()
    print(f"database: {database_label()}; organizations: {total:,}")
    timings: dict[str, float] = {}
    with transaction.atomic():
        clerk = make_user((Role.BUREAU_STAFF, "100000"), username="inspections-benchmark")
        plan = services.plan_create(
            actor=clerk, name="全国双随机抽查（基准测试）", year=timezone.localdate().year, region="100000",
            level="county", share=args.share, per_org=args.per_org,
            inspectors=[{"name": f"专家{i:03d}", "unit": "基准测试单位"} for i in range(args.inspectors)])
        started = time.perf_counter()
        plan = services.plan_commit(plan=plan, actor=clerk)
        timings["commit"] = time.perf_counter() - started
        started = time.perf_counter()
        plan = services.plan_draw(plan=plan, public_value="基准测试公开随机值 2026", actor=clerk)
        timings["draw"] = time.perf_counter() - started
        started = time.perf_counter()
        verify_proof(build_proof(plan), expected_pool_sha256=plan.pool_sha256)
        timings["proof + verify"] = time.perf_counter() - started
        print(f"pool {plan.pool_size:,} · drawn {plan.n:,} · {args.inspectors} inspectors × {args.per_org} per org")
        transaction.set_rollback(True)
    timings["bound: read"] = bound_read()
    timings["bound: hash"] = bound_hash()
    for name, seconds in timings.items():
        print(f"{name:16} {seconds:8.2f} s")
    together = timings["commit"] + timings["draw"]
    print(f"commit + draw    {together:8.2f} s (target ≤ 10 s: {'met' if together <= 10 else 'MISSED'})")


if __name__ == "__main__":
    main()
