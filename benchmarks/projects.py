"""Funded-project eligibility and needs matching (issue #17), against bounds measured in the same run.

Usage — builds its own synthetic data set into the database it is given (an empty, migrated one of your own), then
times (PostgreSQL, the production database; SQLite works the same way with a sqlite:// URL):

    createdb -h 127.0.0.1 -U postgres socorg_projects_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_projects_bench DEBUG=1
    .venv/bin/socorg migrate
    nice -n 10 .venv/bin/python benchmarks/projects.py --build --orgs 100000 --offers 1000000
    nice -n 10 .venv/bin/python benchmarks/projects.py            # again, on the data already built

and the eligibility alone, read-only, on the national data set (the call is created in a transaction rolled back):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_bench nice -n 10 .venv/bin/python benchmarks/projects.py \\
        --national-db

- "one-org eligibility": `queries.eligibility_of` for one organization with all seven rule codes of the issue
  (credit lists, registration, annual report, evaluation grade, coverage, high alerts, awards) — target ≤ 20 ms;
- "national eligibility": `queries.eligibility_summary` of a national call over every organization, set-based (one
  query per rule's data, the verdicts in memory) — target ≤ 60 s nationally (on a smaller set the run extrapolates
  to 880,000 organizations; --national-db measures the real thing);
- "matches": `queries.matches_for` and `GET /api/v1/needs/{id}/matches/` for needs of every category in the county
  with the most offer keys, in its prefecture and in its province — target ≤ 200 ms with 1,000,000 offers;
- bounds: a bare `SELECT id FROM registry_socialorganization` (national), and for the matches the candidate
  index range of the county need (`SELECT … FROM projects_offerkey WHERE category = … AND <its province's subtree>`
  in the form of core.scope.subtree_sql:
  every key of its category in its province, what a ranking reading all candidates would read).

Data (--build): organizations spread over every county, 5 % on a credit list, 20 % with an evaluation grade, 30 %
with a reviewed annual report (3 % of them unqualified), 2 % with an open high alert; offers by random organizations
with 1–2 categories of the vocabulary and a service area of their county (70 %), prefecture (20 %) or province;
then ANALYZE.
"""

import argparse
import datetime
import itertools
import os
import random
import time

from _common import database_label, percentile, setup_django, timed

setup_django()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from socorg.core.scope import subtree_sql  # noqa: E402
from socorg.projects import queries, rules  # noqa: E402
from socorg.projects.models import Need, Offer, OfferKey, ProjectCall  # noqa: E402
from socorg.regions.models import Region  # noqa: E402
from socorg.registry.models import SocialOrganization  # noqa: E402

ISSUE_RULES = [{"rule": "not_on_credit_list"}, {"rule": "registered_years", "min": 1}, {"rule": "annual_report_ok"},
               {"rule": "min_evaluation_grade", "grade": 3}, {"rule": "party_coverage"}, {"rule": "no_high_alert"},
               {"rule": "max_awards", "max": 2}]
BATCH = 20_000


def counties() -> list[str]:
    return list(Region.objects.current().filter(level="county").values_list("code", flat=True))


def build(orgs: int, offers: int, seed: int = 17) -> None:
    from socorg.alerts.models import Alert
    from socorg.credit.models import CreditEntry
    from socorg.ratings.models import EvaluationGrade
    from socorg.reports.models import AnnualReport

    rnd = random.Random(seed)
    places = counties()
    today = timezone.localdate()
    started = time.perf_counter()
    first = (SocialOrganization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for start in range(0, orgs, BATCH):
        rows = []
        for n in range(start, min(orgs, start + BATCH)):
            region = rnd.choice(places)
            covered = rnd.random() < 0.3
            rows.append(SocialOrganization(
                uscc=f"B{n:017d}", name=f"基准协会{n}", org_type="social_group", authority_region_id=region,
                authority_level="county", registered_on=today - datetime.timedelta(days=rnd.randint(30, 8000)),
                org_covered=covered, work_covered=covered or rnd.random() < 0.5))
        with transaction.atomic():
            SocialOrganization.objects.bulk_create(rows, batch_size=2000)
    ids = list(SocialOrganization.objects.filter(pk__gte=first).values_list("pk", "authority_region_id"))
    print(f"organizations: {len(ids):,} in {time.perf_counter() - started:.0f} s")
    with transaction.atomic():
        CreditEntry.objects.bulk_create([
            CreditEntry(organization_id=pk, list="abnormal", reason="annual_report_missing", decided_on=today,
                        decision_no="基准", entered_on=today, entry_due_on=today)
            for pk, _r in ids if rnd.random() < 0.05],
            batch_size=2000)
        EvaluationGrade.objects.bulk_create([
            EvaluationGrade(organization_id=pk, grade=rnd.choice(["1A", "2A", "3A", "4A", "5A"]),
                            valid_from=today - datetime.timedelta(days=100),
                            valid_to=today + datetime.timedelta(days=1500), decision_number="基准")
            for pk, _r in ids if rnd.random() < 0.2], batch_size=2000)
        year = today.year - 1
        AnnualReport.objects.bulk_create([
            AnnualReport(organization_id=pk, year=year, due_on=datetime.date(year + 1, 5, 31), status="reviewed",
                         conclusion="unqualified" if rnd.random() < 0.03 else "qualified")
            for pk, _r in ids if rnd.random() < 0.3], batch_size=2000)
        Alert.objects.bulk_create([
            Alert(rule="secretary_vacant", subject_type="social_org", subject_key=f"social_org:{pk}",
                  organization_id=pk, region_id=region, severity="high", message="基准", opened_on=today)
            for pk, region in ids if rnd.random() < 0.02], batch_size=2000)
    print(f"credit entries, grades, reports, alerts in {time.perf_counter() - started:.0f} s")
    vocabulary = rules.categories()
    end = today + datetime.timedelta(days=365)
    for start in range(0, offers, BATCH):
        batch = []
        for _n in range(start, min(offers, start + BATCH)):
            pk, region = ids[rnd.randrange(len(ids))]
            draw = rnd.random()
            area = region if draw < 0.7 else region[:4] + "00" if draw < 0.9 else region[:2] + "0000"
            batch.append(Offer(organization_id=pk, title="基准资源", regions=[area], capacity=rnd.randint(10, 500),
                               categories=rnd.sample(vocabulary, rnd.randint(1, 2)), starts_on=today, ends_on=end))
        with transaction.atomic():
            created = Offer.objects.bulk_create(batch, batch_size=2000)
            if created and created[0].pk is None:  # backends that return no keys: read them back
                created = list(Offer.objects.order_by("-pk")[:len(batch)])
            OfferKey.objects.bulk_create([
                OfferKey(offer_id=o.pk, organization_id=o.organization_id, category=c, region_code=o.regions[0],
                         capacity=o.capacity, starts_on=o.starts_on, ends_on=o.ends_on)
                for o in created for c in o.categories], batch_size=5000)
    print(f"offers: {offers:,} ({OfferKey.objects.count():,} keys) in {time.perf_counter() - started:.0f} s")


def report(label: str, samples: list[float], target: str) -> None:
    print(f"{label:<40} p50 {percentile(samples, 50):9.1f} ms  p95 {percentile(samples, 95):9.1f} ms  "
          f"(n={len(samples)}; target {target})")


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def eligibility(args, today) -> None:
    """One organization's eligibility (all seven rule codes), then the set-based national check."""
    nation = Region.objects.get(code="100000")
    call = ProjectCall.objects.create(name="基准", kind="venture", region=nation, budget=1, opens_on=today,
                                      closes_on=today, rules=ISSUE_RULES)
    total = SocialOrganization.objects.count()
    step = max(1, total // (args.repeat + 2))
    rows = list(SocialOrganization.objects.order_by("pk").only("pk")[::step][:args.repeat + 2])
    position = {"i": 0}

    def one():
        org = rows[position["i"] % len(rows)]
        position["i"] += 1
        queries.eligibility_of(call, org, today)

    report("one-org eligibility (7 rules)", timed(one, args.repeat), "≤ 20 ms")

    def one_row():
        org = rows[position["i"] % len(rows)]
        position["i"] += 1
        with connection.cursor() as cursor:
            cursor.execute("SELECT registered_on FROM registry_socialorganization WHERE id = %s", [org.pk])
            cursor.fetchall()

    report("  bound: one organization's row by id", timed(one_row, args.repeat), "— (one round trip)")

    def bare():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM registry_socialorganization")
            cursor.fetchall()

    bound = timed(bare, 3, warmup=1)
    started = time.perf_counter()
    summary = queries.eligibility_summary(call, today)
    seconds = time.perf_counter() - started
    rate = summary["organizations"] / seconds if seconds else 0
    extrapolated = "" if args.national_db else f" → {880_000 / rate if rate else 0:.0f} s for 880,000"
    print(f"national eligibility (set-based)   {seconds:9.2f} s for {summary['organizations']:,} organizations "
          f"({rate:,.0f}/s{extrapolated}; target ≤ 60 s); bound (bare id scan of {total:,}) p50 "
          f"{percentile(bound, 50):.0f} ms, ratio {seconds * 1000 / percentile(bound, 50):.0f}×; eligible "
          f"{summary['eligible']:,}; failed by rule {summary['failed_by_rule']}")


def measure_needs(label: str, needs: list, client, repeat: int) -> None:
    turn = itertools.cycle(needs)
    listed = []
    report(f"matches, {label}", timed(lambda: listed.append(len(queries.matches_for(next(turn)))), repeat),
           "≤ 200 ms with 1,000,000 offers")

    def api():
        response = client.get(f"/api/v1/needs/{next(turn).pk}/matches/")
        assert response.status_code == 200, response.status_code

    report("  GET /api/v1/needs/{id}/matches/", timed(api, repeat), "≤ 200 ms")
    print(f"  offers listed per need: {min(listed)}–{max(listed)}")


def matching(args, today) -> None:
    """Ranked matches of needs in the county with the most offer keys, its prefecture and its province (one need
    per category, in turn), through queries.matches_for and through the API; the bound is the candidate index range
    of the county need: every key of its category in its province, what a ranking that read all candidates reads."""
    from socorg.accounts.roles import Role
    from socorg.core.testing import api_as, make_user

    busiest = (OfferKey.objects.exclude(region_code__endswith="00").values("region_code").order_by()
               .annotate(n=Count("id")).order_by("-n").first())
    code = busiest["region_code"] if busiest else "530102"
    vocabulary = rules.categories()
    client = api_as(make_user((Role.BUREAU_STAFF, code[:2] + "0000"), username="bench-projects"))
    for label, place in (("county", code), ("prefecture", code[:4] + "00"), ("province", code[:2] + "0000")):
        needs = [Need.objects.create(title="基准需求", region_id=place, category=category, people=100,
                                     starts_on=today, ends_on=today + datetime.timedelta(days=60))
                 for category in vocabulary]
        measure_needs(f"{label} need ({place})", needs, client, args.repeat)

    subtree, subtree_params = subtree_sql("region_code", code[:2])  # the index range of the scope's subtrees

    def candidate_range():
        category = need_category["c"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT offer_id, organization_id, region_code, capacity FROM projects_offerkey "
                           f"WHERE category = %s{subtree}", [category, *subtree_params])
            cursor.fetchall()
        need_category["c"] = vocabulary[(vocabulary.index(category) + 1) % len(vocabulary)]

    need_category = {"c": vocabulary[0]}
    report("bound: candidate index range (county need)", timed(candidate_range, args.repeat), "—")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", action="store_true", help="create the synthetic data set first")
    parser.add_argument("--orgs", type=int, default=20_000)
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--national-db", action="store_true",
                        help="read-only on an existing data set (the national one): only the eligibility measures, "
                             "the call created inside a transaction rolled back")
    parser.add_argument("--only", choices=["eligibility", "matching"], default=None)
    args = parser.parse_args()
    if args.build and args.national_db:
        parser.error("--build writes data: not with --national-db")
    if args.build:
        build(args.orgs, args.offers)
        with connection.cursor() as cursor:  # planner statistics of the fresh tables
            cursor.execute("ANALYZE")
    print(f"database: {database_label()}; organizations {SocialOrganization.objects.count():,}; offers "
          f"{Offer.objects.count():,}; offer keys {OfferKey.objects.count():,}; load average {load_average()}; "
          f"{timezone.now():%Y-%m-%d %H:%M} UTC")
    today = timezone.localdate()
    with transaction.atomic():
        if args.only != "matching":
            eligibility(args, today)
        if args.only != "eligibility" and not args.national_db:
            matching(args, today)
        transaction.set_rollback(True)
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
