"""Annual-report figures and the review queue, against bounds measured in the same run.

Usage (on a database loaded with `socorg demo --scale …`, which also writes last year's reports):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_bench .venv/bin/python benchmarks/reports.py
    DATABASE_URL=sqlite:////tmp/socorg_bench.sqlite3 .venv/bin/python benchmarks/reports.py --repeat 20

It times, for the nation, the busiest county's province and that county:
- "figures (maintained)": the year's figures (due, exempt, submitted, late, reviewed, conclusions, overdue) as the
  queue page and `socorg annual-report-stats` compute them, from the counts kept by triggers — target ≤ 50 ms for
  the nation; "figures (live)": the same counted from the organizations and reports (what an organization's own
  account and years before SOCORG_REPORT_MAINTAINED_FROM get), for comparison;
- "drill-down (maintained)": the same per child region (the queue page's table);
- "queue page" and "queue API": the review queue's first page through the client as a bureau user of that scope
  (page: figures, drill-down and 50 reports; API: /api/v1/annual-reports/?year=) — target p95 < 50 ms;
- the bound: a bare `SELECT authority_region_id, COUNT(*) … GROUP BY 1` over the organizations in scope (one pass
  over the rows the live figures read, with no condition evaluated), and for the queue a hand-written
  `SELECT … ORDER BY submitted_at DESC LIMIT 50` of the same reports.
The benchmark's users are created in a transaction that is rolled back: the data set is left untouched.
"""

import argparse
import datetime
import os

from _common import busiest_county, database_label, percentile, setup_django, timed, without_login_audit

setup_django()
without_login_audit()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from socorg.accounts.roles import Role  # noqa: E402
from socorg.core.scope import in_subtree, subtree_sql  # noqa: E402
from socorg.core.testing import api_as, client_as, make_user  # noqa: E402
from socorg.regions.models import Region  # noqa: E402
from socorg.registry.models import SocialOrganization  # noqa: E402
from socorg.reports import queries  # noqa: E402
from socorg.reports.models import AnnualReport  # noqa: E402


def group_bound(region: Region):
    scope = SocialOrganization.objects.filter(in_subtree("authority_region__code", region.scope_prefix))
    sql, params = scope.values("authority_region_id").order_by().query.sql_with_params()

    def run():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT authority_region_id, COUNT(*) FROM ({sql}) AS t GROUP BY 1", params)
            cursor.fetchall()
    return run


def queue_bound(region: Region, year: int):
    where, params = subtree_sql("o.authority_region_id", region.scope_prefix)

    def run():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT r.*, o.* FROM reports_annualreport r JOIN registry_socialorganization o "
                           f"ON o.id = r.organization_id WHERE r.year = %s{where} "
                           f"ORDER BY r.submitted_at DESC, r.id DESC LIMIT 50", [year, *params])
            cursor.fetchall()
    return run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--county", default="", help="the county measured (default: the one with most organizations)")
    args = parser.parse_args()
    year = timezone.localdate().year - 1
    today = timezone.localdate()
    print(f"{database_label()} · {SocialOrganization.objects.count():,} organizations · "
          f"{AnnualReport.objects.filter(year=year).count():,} reports on {year}")
    county = args.county or busiest_county()
    rows = []
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    before = os.getloadavg()[0]
    with transaction.atomic():
        for code in ("100000", county[:2] + "0000", county):
            region = Region.objects.get(code=code)
            user = make_user((Role.BUREAU_STAFF, code), username=f"bench-reports-{code}")
            page, api = client_as(user), api_as(user)
            url = f"/reports/?year={year}&region={code}"
            assert page.get(url).status_code == 200
            cases = {
                "figures (maintained)": lambda r=region: queries.report_figures(year=year, region=r),
                "figures (live)": lambda r=region: queries._live_by_code(year=year, region=r, user=None, today=today),
                "drill-down (maintained)": lambda r=region: queries.report_figures_by_region(year=year, region=r),
                "queue page": lambda u=url, c=page: c.get(u),
                "queue API": lambda c=page, a=api: a.get(f"/api/v1/annual-reports/?year={year}"),
            }
            bounds = {"group": timed(group_bound(region), args.repeat), "queue": timed(queue_bound(region, year),
                                                                                      args.repeat)}
            for name, fn in cases.items():
                samples = timed(fn, args.repeat)
                rows.append((region.full_name, name, samples, bounds["queue" if "queue" in name else "group"]))
        transaction.set_rollback(True)
    report(rows, (before, os.getloadavg()[0]), date)


# Targets (issue 12 / 19): the year's figures for the nation ≤ 50 ms (median), the queue p95 < 50 ms.
TARGETS = {"figures (maintained)": "p50 ≤ 50", "queue page": "p95 < 50", "queue API": "p95 < 50"}


def report(rows, load: tuple[float, float], date: str) -> None:
    """One Markdown table to paste into benchmarks/README.md as it is."""
    span = f"{load[0]:.1f}–{load[1]:.1f}"
    print(f"\n#### annual reports — {database_label()}, {date}, load average {span}\n")
    print("| scope | case | target ms | measured p50 / p95 ms | bound | bound p50 / p95 ms | ratio p50 / bound "
          "| load avg | date |")
    print("|---|---|---|---|---|---|---|---|---|")
    for scope, name, samples, bound in rows:
        p50, p95, b50, b95 = (percentile(samples, 50), percentile(samples, 95), percentile(bound, 50),
                              percentile(bound, 95))
        target = TARGETS.get(name, "—")
        missed = (target.startswith("p95") and p95 >= 50) or (target.startswith("p50") and p50 > 50)
        bound_name = "queue SQL" if "queue" in name else "bare GROUP BY"
        print(f"| {scope} | {name} | {target} | {p50:.1f} / {p95:.1f}{' ✗' if missed else ''} | {bound_name} "
              f"| {b50:.1f} / {b95:.1f} | {p50 / max(b50, 0.001):.1f}× | {span} | {date} |")


if __name__ == "__main__":
    main()
