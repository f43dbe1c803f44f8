"""List-speed benchmark: p50/p95 latency of the API lists and UI list pages on a loaded data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_bench .venv/bin/python benchmarks/lists.py
    DATABASE_URL=sqlite:////tmp/socorg_bench.sqlite3 .venv/bin/python benchmarks/lists.py --repeat 20

Each request goes through Django's test client in-process (URL routing, middleware, authentication, scope, filters,
serialization or template rendering), as a user at nation scope and as a user of the county with the most
organizations. Beside each figure: the p50 of a hand-written SQL query fetching the same page of the same table
(`SELECT … ORDER BY … LIMIT 50 OFFSET …`), measured in the same run, and the ratio between the two, because these
machines are noisy. Cursor cases (issue 19: `?cursor=`, keyset pages) start at a position half-way through the
user's scope (hundreds of thousands of rows deep for the nation) and at row 10,000 (the deepest numbered page); their
bound is the list's own keyset query (`WHERE (key) > (cursor) ORDER BY key LIMIT 51`) executed alone. Every request
also records how long it spent in SQL, so a page's time splits into SQL and the rest (Python: filters, serialization
or template rendering), and this process's CPU time (the machine-independent part: wall time on a loaded machine is
mostly waiting for a core). The benchmark users and their sessions are created inside a transaction rolled back at the
end, so the data set is left as it was. Target (issues 3 and 19): p95 under 50 ms at any depth, constant query
count; UI rendering of 50 rows ≤ 10 ms.

The cases come in blocks (BLOCKS: registry and party lists, the review queue, …), each printed as one Markdown table
(target, measured, bound, ratio, load average, date) ready to paste into benchmarks/README.md. A block is a function
of the run's context (the busiest county, two real names) returning Cases; a cursor case names its list in LISTS
(the FilterSet factory its view uses), so adding another list page's cases is one function and one entry each."""

import argparse
import datetime
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from _common import busiest_county, database_label, percentile, setup_django, timed, without_login_audit

PAGE = 50
DEEP_PAGE = 20  # the deepest numbered page (core.pagination.NUMBERED_PAGES): offset 950; deeper goes by cursor
TARGET_MS = 50


@dataclass(frozen=True)
class Case:
    label: str
    url: str
    table: str  # for the SQL bound
    order: str
    where: str = ""
    page: int = 1
    ui: bool = False
    cursor: str = ""  # "middle" (half-way through the user's scope) or "10000" (row 10,000): a keyset page there;
    # "first": the list's first page, its bound the list's own keyset query of that page
    rows: str = ""  # for cursor cases: which list (a key of LISTS)


@dataclass(frozen=True)
class Context:
    """What a block's cases are built from: the busiest county, a real organization's full name, a real member name,
    and the year of the annual reports."""
    county: str
    org_name: str
    member_name: str
    year: int


# The FilterSet factory (data, user) -> FilterSet of each list a cursor case pages through: the view's own, so the
# case's cursor and SQL bound are the list's.
LISTS = {
    "orgs": "socorg.registry.filters.org_list_filterset",
    "party": "socorg.party.filters.party_org_list_filterset",
    "members": "socorg.party.filters.member_list_filterset",
    "reports": "socorg.reports.filters.report_list_filterset",
}


MEMBER_ORDER = "p.name, m.name, m.id"  # the members list's default order (party organization, then name)


def registry_party_cases(ctx: Context) -> list[Case]:
    """Organizations, party organizations and members: API lists and list pages, first / deepest numbered page,
    filters, searches, sort orders, and keyset pages deep into the scope."""
    county, org_name, member_name = ctx.county, ctx.org_name, ctx.member_name
    org, party, member = "registry_socialorganization", "party_partyorganization", "party_partymember"
    deep = f"page={DEEP_PAGE}"
    return [
        Case("API orgs, first page", "/api/v1/orgs/", org, "authority_region_id, uscc"),
        Case("API orgs, page 20", f"/api/v1/orgs/?{deep}", org, "authority_region_id, uscc", page=DEEP_PAGE),
        Case("API orgs, status+type filter", "/api/v1/orgs/?status=active&org_type=foundation", org,
             "authority_region_id, uscc", "status = 'active' AND org_type = 'foundation'"),
        Case("API orgs, region subtree", f"/api/v1/orgs/?region={county[:4]}00", org, "authority_region_id, uscc",
             f"authority_region_id >= '{county[:4]}' AND authority_region_id < '{int(county[:4]) + 1}'"),
        Case("API orgs, name search", "/api/v1/orgs/?q=协会", org, "authority_region_id, uscc", "name LIKE '%协会%'"),
        Case("API orgs, one name", f"/api/v1/orgs/?q={quote(org_name)}", org, "authority_region_id, uscc",
             f"name LIKE '%{org_name}%'"),
        Case("API party-orgs, first page", "/api/v1/party-orgs/", party, "name"),
        Case("API party-orgs, page 20", f"/api/v1/party-orgs/?{deep}", party, "name", page=DEEP_PAGE),
        Case("API party-orgs, vacant secretary", "/api/v1/party-orgs/?secretary_vacant=true", party, "name",
             "secretary_name = ''"),
        Case("API members, first page", "/api/v1/members/", member, MEMBER_ORDER),
        Case("API members, page 20", f"/api/v1/members/?{deep}", member, MEMBER_ORDER, page=DEEP_PAGE),
        Case("API members, probationary", "/api/v1/members/?membership=probationary", member, MEMBER_ORDER,
             "m.membership = 'probationary'"),
        Case("API members, by name", "/api/v1/members/?ordering=name", member, "m.name, m.id"),
        Case("API members, name search", f"/api/v1/members/?q={quote(member_name)}", member, MEMBER_ORDER,
             f"m.name LIKE '%{member_name}%'"),
        Case("UI /orgs/, first page", "/orgs/", org, "authority_region_id, uscc", ui=True),
        Case("UI /orgs/, page 20", f"/orgs/?{deep}", org, "authority_region_id, uscc", page=DEEP_PAGE, ui=True),
        Case("UI /party/, first page", "/party/", party, "name", ui=True),
        Case("UI /party/members/, first page", "/party/members/", member, MEMBER_ORDER, ui=True),
        Case("API orgs, cursor at row 10,000", "/api/v1/orgs/", org, "", cursor="10000", rows="orgs"),
        Case("API orgs, cursor half-way", "/api/v1/orgs/", org, "", cursor="middle", rows="orgs"),
        Case("API orgs, cursor half-way, by date", "/api/v1/orgs/?ordering=-registered_on", org, "",
             cursor="middle", rows="orgs"),
        Case("API orgs, cursor half-way, by pinyin", "/api/v1/orgs/?ordering=name_pinyin", org, "",
             cursor="middle", rows="orgs"),
        Case("API orgs, cursor half-way, by members", "/api/v1/orgs/?ordering=-full_members", org, "",
             cursor="middle", rows="orgs"),
        Case("API party-orgs, cursor half-way", "/api/v1/party-orgs/", party, "", cursor="middle", rows="party"),
        Case("API party-orgs, cursor half-way, by founding", "/api/v1/party-orgs/?ordering=-founded_on", party, "",
             cursor="middle", rows="party"),
        Case("API members, cursor half-way", "/api/v1/members/", member, "", cursor="middle", rows="members"),
        Case("API members, cursor half-way, by name", "/api/v1/members/?ordering=name", member, "", cursor="middle",
             rows="members"),
        Case("API members, cursor half-way, by joining", "/api/v1/members/?ordering=-joined_on", member, "",
             cursor="middle", rows="members"),
        Case("UI /orgs/, cursor half-way", "/orgs/", org, "", cursor="middle", rows="orgs", ui=True),
        Case("UI /party/, cursor half-way", "/party/", party, "", cursor="middle", rows="party", ui=True),
        Case("UI /party/members/, cursor half-way", "/party/members/", member, "", cursor="middle", rows="members",
             ui=True),
    ]


def report_queue_cases(ctx: Context) -> list[Case]:
    """The annual-report review queue (/reports/, its figures and drill-down included) and its API."""
    report = "reports_annualreport"
    year = f"year={ctx.year}"
    return [
        Case("UI /reports/, first page", f"/reports/?{year}", report, "r.submitted_at DESC, r.id DESC",
             f"r.year = {ctx.year}", ui=True),
        Case("UI /reports/, cursor half-way", f"/reports/?{year}", report, "", cursor="middle", rows="reports",
             ui=True),
        Case("API annual-reports, first page", f"/api/v1/annual-reports/?{year}", report,
             "r.submitted_at DESC, r.id DESC", f"r.year = {ctx.year}"),
    ]


# Each block is printed as its own table; another list page's cases go in a block of their own.
BLOCKS: dict[str, Callable[[Context], list[Case]]] = {
    "registry and party lists": registry_party_cases,
    "annual-report review queue": report_queue_cases,
}


# --- the other list pages (issue 19 item 1): activities, alerts, credit, complaints, ratings, exits ----------------

LISTS.update({
    "activities": "socorg.activities.filters.activity_list_filterset",
    "alerts": "socorg.alerts.filters.alert_list_filterset",
    "credit": "socorg.credit.filters.credit_entry_list_filterset",
    "complaints": "socorg.complaints.filters.complaint_list_filterset",
    "ratings": "socorg.ratings.filters.rating_list_filterset",
    "exits": "socorg.exits.filters.case_list_filterset",
})


def other_list_cases(ctx: Context) -> list[Case]:
    """The other list pages that page by cursor (core.pagination.list_page): each one's first page and a keyset page
    half-way through the user's scope, in its default order (the one its index serves). Bound: the list's own keyset
    query at that position, executed alone."""
    pages = [
        ("UI /activities/", "/activities/", "activities"),
        ("UI /alerts/list/", "/alerts/list/", "alerts"),
        ("UI /credit/", "/credit/", "credit"),
        ("UI /complaints/", "/complaints/", "complaints"),
        ("UI /ratings/", f"/ratings/?cycle={ctx.year}", "ratings"),
        ("UI /exits/", "/exits/", "exits"),
    ]
    return [Case(f"{label}, {where}", url, "", "", cursor=depth, rows=rows, ui=True)
            for label, url, rows in pages for where, depth in (("first page", "first"), ("cursor half-way", "middle"))]


BLOCKS["other list pages (cursor)"] = other_list_cases


def listed_rows(case: Case, user):
    """The rows of a cursor case's list as the view sees them: the user's scope, the list's filters and order."""
    from urllib.parse import parse_qs, urlsplit

    from django.utils.module_loading import import_string

    data = {key: values[0] for key, values in parse_qs(urlsplit(case.url).query).items()}
    return import_string(LISTS[case.rows])(data, user).qs


def cursor_url(case: Case, user) -> tuple[str, object]:
    """The case's URL with a cursor at its depth, and the keyset query the list runs there (the SQL bound)."""
    from socorg.core.keyset import Keyset

    rows = listed_rows(case, user)
    keyset = Keyset.of(rows)
    ordered = keyset.ordered(rows)
    if case.cursor == "first":  # the first page as the list shows it; bound: the list's keyset query of that page
        return case.url, ordered[:PAGE + 1]
    depth = 10_000 if case.cursor == "10000" else ordered.order_by().count() // 2
    found = list(ordered[max(depth - 1, 0):depth]) if depth else []
    if not found:
        return "", None
    cursor = keyset.encode(found[0])
    separator = "&" if "?" in case.url else "?"
    values, _backward = keyset.decode(cursor)
    return f"{case.url}{separator}cursor={cursor}", ordered.filter(keyset.beyond(values))[:PAGE + 1]


def scope_sql(table: str, prefix: str) -> str:
    """The scope condition of a hand-written query, as visible_to states it (core.scope.ScopePrefix: on PostgreSQL
    the range of codes alone, which the region indexes answer; LIKE elsewhere)."""
    if not prefix:
        return ""
    column = {"registry_socialorganization": "authority_region_id", "party_partyorganization": "region_id",
              "reports_annualreport": "o.authority_region_id"}.get(table, "p.region_id")
    from django.db import connection

    from socorg.core.scope import _next_prefix

    # Reports keep their province and prefecture (AnnualReport.scope_level_fields): a scope of those levels is the
    # equality on the report's own column (core.scope.region_subtree).
    levels = {2: "r.province_prefix", 4: "r.prefecture_prefix"} if table == "reports_annualreport" else {}
    if len(prefix) in levels:
        return f"{levels[len(prefix)]} = '{prefix}'"
    if connection.vendor != "postgresql":
        return f"{column} LIKE '{prefix}%'"
    upper = _next_prefix(prefix)
    return f"{column} >= '{prefix}'" + (f" AND {column} < '{upper}'" if upper else "")


def bound_query(case: Case, prefix: str) -> str:
    conditions = [c for c in (case.where, scope_sql(case.table, prefix)) if c]
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    offset = (case.page - 1) * PAGE
    table = case.table
    if table == "party_partymember":  # members are scoped (and by default ordered) through their party organization
        table = "party_partymember m JOIN party_partyorganization p ON p.id = m.party_org_id"
    if table == "reports_annualreport":  # reports are scoped through their organization
        table = "reports_annualreport r JOIN registry_socialorganization o ON o.id = r.organization_id"
    return f"SELECT * FROM {table} {where} ORDER BY {case.order} LIMIT {PAGE} OFFSET {offset}"


def run_bound(sql: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        cursor.fetchall()



def search_terms() -> tuple[str, str]:
    """A real organization's full name and a real three-character member name, from the middle of the tables:
    searches for one record (decided by a name index, or by its absence), unlike "协会", which matches a large share
    of all organizations."""
    from django.db.models import Max
    from django.db.models.functions import Length

    from socorg.party.models import PartyMember
    from socorg.registry.models import SocialOrganization

    def middle_name(rows) -> str:
        half = (rows.aggregate(top=Max("pk"))["top"] or 0) // 2
        return rows.filter(pk__gte=half).order_by("pk").values_list("name", flat=True).first() or "无此名称"

    return (middle_name(SocialOrganization.objects.all()),
            middle_name(PartyMember.objects.annotate(length=Length("name")).filter(length=3)))


def make_users(county: str) -> dict[str, tuple[object, str]]:
    from socorg.accounts.roles import Role
    from socorg.core.testing import make_user

    province = county[:2] + "0000"
    return {
        "nation": (make_user((Role.BUREAU_STAFF, "100000"), username="bench-nation"), ""),
        f"province {province}": (make_user((Role.BUREAU_STAFF, province), username="bench-province"), county[:2]),
        f"county {county}": (make_user((Role.BUREAU_STAFF, county), username="bench-county"), county),
    }


class RenderClock:
    """Times the outermost template render of each request (wall and CPU time of this process), by wrapping the
    Django template backend's render while installed: a UI page's rendering apart from its SQL and view code."""

    def __init__(self):
        self.wall, self.cpu, self.depth = [], [], 0

    def __enter__(self):
        from django.template.backends import django as backend

        self.backend, self.original = backend.Template, backend.Template.render
        clock = self

        def render(template, context=None, request=None):
            clock.depth += 1
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return clock.original(template, context, request)
            finally:
                clock.depth -= 1
                if clock.depth == 0:
                    clock.wall.append((time.perf_counter() - wall) * 1000)
                    clock.cpu.append((time.process_time() - cpu) * 1000)
        self.backend.render = render
        return self

    def __exit__(self, *exc):
        self.backend.render = self.original


class SqlClock:
    """An execute wrapper adding up the time spent in SQL (and counting the queries) while it is installed."""

    def __init__(self):
        self.seconds, self.queries = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def measure(case: Case, user, prefix: str, repeat: int) -> dict:
    from django.db import connection

    from socorg.core.testing import api_as, client_as

    url, keyset_query = case.url, None
    if case.cursor:
        url, keyset_query = cursor_url(case, user)
        if not url:
            return {"status": 404}
    client = client_as(user) if case.ui else api_as(user)
    # Counted with an execute wrapper: the request_started signal empties connection.queries mid-capture.
    clock = SqlClock()
    with connection.execute_wrapper(clock):
        response = client.get(url)
    if response.status_code != 200:
        return {"status": response.status_code}
    queries = clock.queries
    samples, in_sql, cpu = [], [], []
    for _ in range(2):
        client.get(url)
    with RenderClock() as rendering:
        for _ in range(repeat):
            clock = SqlClock()
            with connection.execute_wrapper(clock):
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            in_sql.append(clock.seconds * 1000)
    if keyset_query is not None:
        bound = timed(lambda: list(keyset_query.all()), repeat)
    else:
        bound = timed(lambda: run_bound(bound_query(case, prefix)), repeat)
    rest = [total - sql for total, sql in zip(samples, in_sql, strict=True)]
    return {"status": 200, "queries": queries, "p50": percentile(samples, 50), "p95": percentile(samples, 95),
            "sql": percentile(in_sql, 50), "rest": percentile(rest, 50), "bound": percentile(bound, 50),
            "cpu": percentile(cpu, 50),
            "render": percentile(rendering.wall, 50) if rendering.wall else None,
            "render_cpu": percentile(rendering.cpu, 50) if rendering.cpu else None}


def load_average() -> float:
    return os.getloadavg()[0]


def report(title: str, rows: list[tuple[str, str, dict]], load: tuple[float, float], date: str) -> None:
    """One Markdown table for a block of cases, to paste into benchmarks/README.md as it is."""
    print(f"\n#### {title} — {database_label()}, {date}, load average {load[0]:.1f}–{load[1]:.1f}\n")
    print("| case | scope | target p95 ms | measured p50 / p95 ms | queries | in SQL p50 | outside SQL p50 "
          "| CPU p50 | render wall (CPU) | bound p50 | ratio p50 / bound | load avg | date |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    span = f"{load[0]:.1f}–{load[1]:.1f}"
    for who, label, result in rows:
        if result["status"] != 200:
            reason = "fewer rows than that in this scope" if result["status"] == 404 else f"HTTP {result['status']}"
            print(f"| {label} | {who} | < {TARGET_MS} | — ({reason}) | | | | | | | | {span} | {date} |")
            continue
        mark = "" if result["p95"] < TARGET_MS else " ✗"
        render = (f"{result['render']:.1f} ({result['render_cpu']:.1f})" if result["render"] is not None else "—")
        print(f"| {label} | {who} | < {TARGET_MS} | {result['p50']:.1f} / {result['p95']:.1f}{mark} "
              f"| {result['queries']} | {result['sql']:.1f} | {result['rest']:.1f} | {result['cpu']:.1f} | {render} "
              f"| {result['bound']:.2f} | {result['p50'] / max(result['bound'], 0.001):.1f}× | {span} | {date} |")
    met = sum(1 for _who, _label, r in rows if r["status"] == 200 and r["p95"] < TARGET_MS)
    print(f"\n{met} of {sum(1 for row in rows if row[2]['status'] == 200)} cases meet p95 < {TARGET_MS} ms.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per case (default 30)")
    parser.add_argument("--only", default="", help="run only cases whose label contains this text")
    parser.add_argument("--block", default="", help="run only the blocks whose title contains this text")
    args = parser.parse_args()
    setup_django()
    without_login_audit()
    from django.db import transaction
    from django.utils import timezone

    from socorg.registry.models import SocialOrganization

    print(f"{SocialOrganization.objects.count():,} organizations on {database_label()}")
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    with transaction.atomic():
        county = busiest_county()
        users = make_users(county)
        ctx = Context(county, *search_terms(), year=timezone.localdate().year - 1)
        for title, block in BLOCKS.items():
            if args.block and args.block not in title:
                continue
            rows, before = [], load_average()
            for case in block(ctx):
                if args.only and args.only not in case.label:
                    continue
                for who, (user, prefix) in users.items():
                    rows.append((who, case.label, measure(case, user, prefix, args.repeat)))
            if rows:
                report(title, rows, (before, load_average()), date)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
