"""Coverage figures at national scale: whole country with one level of drill-down, against a from-scratch recount.

Usage (on a database loaded with `socorg demo --scale national`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_bench .venv/bin/python benchmarks/coverage.py
    DATABASE_URL=sqlite:////tmp/socorg_bench.sqlite3 .venv/bin/python benchmarks/coverage.py

It times, in one run:
- "maintained": the figures the dashboard and API serve (totals, 本级 and every child region, party organizations
  included) from the trigger-maintained per-region counts — target ≤ 50 ms for the nation and its 34 provinces;
- "flags": the same figures from a GROUP BY over the organizations' stored flags (an index-only scan at best);
- "scratch": the bound — a from-scratch SQL GROUP BY recount with the flags recomputed by EXISTS subqueries over all
  organizations (plus the distinct party-organization counts), i.e. what the figures cost without derived state;
and prints medians, p95 and the ratios. A second table shows that the maintained cost follows the number of regions
shown (nation → province → prefecture → county), not the number of organizations in scope. Finally it checks that
all sources agree.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socorg.settings")
# Development mode on the embedded defaults unless told otherwise (settings: DEBUG is off when unset).
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection  # noqa: E402

from socorg.coverage.queries import region_figures  # noqa: E402
from socorg.regions.models import Region  # noqa: E402
from socorg.registry.models import SocialOrganization  # noqa: E402


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def figures_without_source(region, source):
    result = region_figures(region, source=source).as_json()
    result.pop("source")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="timed runs of the maintained figures")
    parser.add_argument("--repeat-recount", type=int, default=3, help="timed runs of the recounts (slow)")
    args = parser.parse_args()

    orgs = SocialOrganization.objects.count()
    nation = Region.objects.get(code="100000")
    print(f"database: {connection.vendor} · organizations: {orgs:,}")
    if orgs < 1000:
        print("The database holds almost no organizations: load `socorg demo --scale national` first.")

    def maintained():
        return region_figures(nation, source="maintained")

    maintained()  # warm caches and connections before timing
    results = {
        "maintained": timed(maintained, args.repeat),
        "flags": timed(lambda: region_figures(nation, source="flags"), args.repeat_recount),
        "scratch": timed(lambda: region_figures(nation, source="scratch"), args.repeat_recount),
    }
    base = summary(results["maintained"])[0]
    print(f"\nWhole country + {len(maintained().children)} provinces (one level of drill-down):")
    print(f"{'source':<12}{'runs':>6}{'median ms':>12}{'p95 ms':>10}{'× maintained':>15}")
    for name, samples in results.items():
        median, p95 = summary(samples)
        print(f"{name:<12}{len(samples):>6}{median:>12.1f}{p95:>10.1f}{median / base:>15.1f}")
    median, p95 = summary(results["maintained"])
    verdict = "meets" if p95 <= 50 else "misses"
    print(f"target ≤ 50 ms: {verdict} (median {median:.1f} ms, p95 {p95:.1f} ms); "
          f"the from-scratch recount is {summary(results['scratch'])[0] / median:.0f}× slower")

    print("\nMaintained cost follows the regions shown, not the organizations in scope:")
    print(f"{'region':<22}{'rows shown':>11}{'orgs in scope':>15}{'median ms':>11}")
    for code in ("100000", "370000", "530000", "530100", "530102"):
        region = Region.objects.get(code=code)
        figures = region_figures(region)
        samples = timed(lambda region=region: region_figures(region), max(10, args.repeat // 2))
        print(f"{region.name + ' ' + code:<22}{len(figures.children) + 2:>11}{figures.totals['orgs']:>15,}"
              f"{summary(samples)[0]:>11.1f}")

    agree = figures_without_source(nation, "maintained") == figures_without_source(nation, "scratch")
    print(f"\nmaintained figures equal the from-scratch recount: {agree}")
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
