"""Annual-report figures and the review queue, against bounds measured in the same run.

Usage (on a database loaded with `socorg demo --scale …`, which also writes last year's reports):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_bench .venv/bin/python benchmarks/reports.py
    DATABASE_URL=sqlite:////tmp/socorg_bench.sqlite3 .venv/bin/python benchmarks/reports.py [--region 530000]

It times:
- "figures": the year's figures of the region (due, exempt, submitted, late, reviewed, conclusions, overdue) as the
  queue page and `socorg annual-report-stats` compute them — target ≤ 50 ms for the nation;
- "drill-down": the same per child region (the queue page's table);
- "queue": the first page of the review queue (submitted reports, newest first) — target p95 < 50 ms;
- the bound: a bare `SELECT authority_region_id, COUNT(*) … GROUP BY 1` over the organizations in scope, i.e. one
  pass over the rows the figures read, with no condition evaluated.
"""

import argparse

from _common import database_label, percentile, setup_django, timed

setup_django()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from socorg.core.scope import in_subtree  # noqa: E402
from socorg.regions.models import Region  # noqa: E402
from socorg.registry.models import SocialOrganization  # noqa: E402
from socorg.reports.models import AnnualReport  # noqa: E402
from socorg.reports.queries import report_figures, report_figures_by_region  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--region", default="100000")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    region = Region.objects.get(code=args.region)
    year = timezone.localdate().year - 1
    orgs = SocialOrganization.objects.count()
    reports = AnnualReport.objects.filter(year=year).count()
    print(f"{database_label()} · {orgs:,} organizations · {reports:,} reports on {year} · region {region.code}")

    def bound():
        scope = SocialOrganization.objects.filter(in_subtree("authority_region__code", region.scope_prefix))
        sql, params = scope.values("authority_region_id").order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT authority_region_id, COUNT(*) FROM ({sql}) AS t GROUP BY 1", params)
            cursor.fetchall()

    def queue():
        rows = (AnnualReport.objects.filter(year=year, status="submitted")
                .select_related("organization").order_by("-submitted_at", "-pk"))
        rows = rows.filter(in_subtree("organization__authority_region__code", region.scope_prefix))
        return list(rows[:50])

    cases = {
        "figures": lambda: report_figures(year=year, region=region),
        "drill-down": lambda: report_figures_by_region(year=year, region=region),
        "queue (first page)": queue,
        "bound: bare GROUP BY": bound,
    }
    results = {name: timed(fn, args.repeat) for name, fn in cases.items()}
    bound_median = percentile(results["bound: bare GROUP BY"], 50)
    print(f"{'case':<24}{'median ms':>12}{'p95 ms':>10}{'× bound':>10}")
    for name, samples in results.items():
        median = percentile(samples, 50)
        print(f"{name:<24}{median:>12.1f}{percentile(samples, 95):>10.1f}{median / bound_median:>10.2f}")


if __name__ == "__main__":
    main()
