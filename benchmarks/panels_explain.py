"""EXPLAIN ANALYZE of the figure panels above the other list pages (exits, ratings, credit, complaints) and of the
activities list's first page, for a national and a provincial user (issue #19 item 1): each panel's own function is
called under an execute wrapper that captures its SQL, and every query captured is explained.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_bench DEBUG=1 .venv/bin/python benchmarks/panels_explain.py
    … benchmarks/panels_explain.py --only exits --plans    # one panel, with its whole plans

The users are created inside a transaction rolled back at the end, as lists.py does."""

import argparse
import datetime
import time

from _common import setup_django, without_login_audit


class Capture:
    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, params))
        return execute(sql, params, many, context)


def explain_all(label: str, call, show: bool) -> None:
    from django.db import connection

    capture = Capture()
    with connection.execute_wrapper(capture):
        started = time.perf_counter()
        call()
        wall = (time.perf_counter() - started) * 1000
    print(f"- {label}: {len(capture.queries)} queries, {wall:.1f} ms wall")
    for sql, params in capture.queries:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
        execution = next((line for line in plan if line.startswith("Execution Time")), "")
        print(f"    {execution:<30} {sql[:150]}")
        if show:
            print("\n".join("        " + line for line in plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="exits, ratings, credit, complaints or activities")
    parser.add_argument("--plans", action="store_true", help="print the whole plans")
    parser.add_argument("--live", action="store_true",
                        help="the panels counted from the rows, as before the maintained counts (exits, ratings) "
                             "and as the pages did before (credit: a count per figure; complaints: whole figures)")
    args = parser.parse_args()
    setup_django()
    without_login_audit()
    from django.db import transaction
    from django.utils import timezone

    from socorg.accounts.roles import Role
    from socorg.core.testing import make_user
    from socorg.regions.models import Region

    today = timezone.localdate()
    nation = Region.objects.get(code="100000")
    def exits(user):
        from socorg.exits.queries import exit_figures

        # A period (any run since 1900) counts from the cases, as every call did before ExitCaseCounts.
        exit_figures(region=nation, user=user, since=datetime.date(1900, 1, 1) if args.live else None)

    def ratings(user):
        from socorg.ratings import queries
        from socorg.ratings.filters import last_cycle
        from socorg.ratings.models import EvaluationGrade, ModelBranch, Rating

        if args.live:
            queries.star_figures(cycle=last_cycle(), region=nation,
                                 queryset=Rating.objects.visible_to(user, "view"))
        else:
            queries.star_figures(cycle=last_cycle(), region=nation, user=user)
        queries.model_branches_in_force(ModelBranch.objects.visible_to(user, "view"), today).count()
        queries.grade_figures(EvaluationGrade.objects.visible_to(user, "view"), today)

    def credit(user):
        from socorg.credit.choices import CreditList
        from socorg.credit.queries import active_entries, in_force_figures

        if args.live:
            entries = active_entries(user=user)
            for code in CreditList.values:
                entries.filter(list=code).count()
            entries.filter(entered_late=True).count()
        else:
            in_force_figures(user=user)

    def complaints(user):
        from socorg.complaints.queries import complaint_figures, complaint_totals

        if args.live:
            complaint_figures(region=nation, year=today.year, user=user)
        else:
            complaint_totals(region=nation, year=today.year, user=user)

    def activities(user):
        from socorg.activities.filters import activity_list_filterset
        from socorg.core.keyset import Keyset

        rows = activity_list_filterset({}, user).qs
        list(Keyset.of(rows).ordered(rows)[:51])

    panels = {"exits": exits, "ratings": ratings, "credit": credit, "complaints": complaints,
              "activities": activities}
    with transaction.atomic():
        users = {"nation": make_user((Role.BUREAU_STAFF, "100000"), username="explain-nation"),
                 "province 370000": make_user((Role.BUREAU_STAFF, "370000"), username="explain-province")}
        for who, user in users.items():
            print(f"\n### {who}")
            for name, call in panels.items():
                if args.only in ("", name):
                    explain_all(name, lambda call=call, user=user: call(user), args.plans)
        transaction.set_rollback(True)
    print(f"\n{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
