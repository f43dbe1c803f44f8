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
or template rendering). The benchmark users and their sessions are created inside a transaction rolled back at the
end, so the data set is left as it was. Target (issues 3 and 19): p95 under 50 ms at any depth, constant query
count; UI rendering of 50 rows ≤ 10 ms."""

import argparse
import time
from dataclasses import dataclass
from urllib.parse import quote

from _common import busiest_county, database_label, percentile, setup_django, timed, without_login_audit

PAGE = 50
DEEP_PAGE = 200  # offset 9,950


@dataclass(frozen=True)
class Case:
    label: str
    url: str
    table: str  # for the SQL bound
    order: str
    where: str = ""
    page: int = 1
    ui: bool = False
    cursor: str = ""  # "middle" (half-way through the user's scope) or "10000" (row 10,000): a keyset page there
    rows: str = ""  # for cursor cases: which list ("orgs", "party", "members")


MEMBER_ORDER = "p.name, m.name, m.id"  # the members list's default order (party organization, then name)


def cases(county: str, org_name: str, member_name: str) -> list[Case]:
    org, party, member = "registry_socialorganization", "party_partyorganization", "party_partymember"
    deep = f"page={DEEP_PAGE}"
    return [
        Case("API orgs, first page", "/api/v1/orgs/", org, "uscc"),
        Case("API orgs, deep page", f"/api/v1/orgs/?{deep}", org, "uscc", page=DEEP_PAGE),
        Case("API orgs, status+type filter", "/api/v1/orgs/?status=active&org_type=foundation", org, "uscc",
             "status = 'active' AND org_type = 'foundation'"),
        Case("API orgs, region subtree", f"/api/v1/orgs/?region={county[:4]}00", org, "uscc",
             f"authority_region_id LIKE '{county[:4]}%'"),
        Case("API orgs, name search", "/api/v1/orgs/?q=协会", org, "uscc", "name LIKE '%协会%'"),
        Case("API orgs, one name", f"/api/v1/orgs/?q={quote(org_name)}", org, "uscc", f"name LIKE '%{org_name}%'"),
        Case("API party-orgs, first page", "/api/v1/party-orgs/", party, "name"),
        Case("API party-orgs, deep page", f"/api/v1/party-orgs/?{deep}", party, "name", page=DEEP_PAGE),
        Case("API party-orgs, vacant secretary", "/api/v1/party-orgs/?secretary_vacant=true", party, "name",
             "secretary_name = ''"),
        Case("API members, first page", "/api/v1/members/", member, MEMBER_ORDER),
        Case("API members, deep page", f"/api/v1/members/?{deep}", member, MEMBER_ORDER, page=DEEP_PAGE),
        Case("API members, probationary", "/api/v1/members/?membership=probationary", member, MEMBER_ORDER,
             "m.membership = 'probationary'"),
        Case("API members, by name", "/api/v1/members/?ordering=name", member, "m.name, m.id"),
        Case("API members, name search", f"/api/v1/members/?q={quote(member_name)}", member, MEMBER_ORDER,
             f"m.name LIKE '%{member_name}%'"),
        Case("UI /orgs/, first page", "/orgs/", org, "uscc", ui=True),
        Case("UI /orgs/, deep page", f"/orgs/?{deep}", org, "uscc", page=DEEP_PAGE, ui=True),
        Case("UI /party/, first page", "/party/", party, "name", ui=True),
        Case("UI /party/members/, first page", "/party/members/", member, MEMBER_ORDER, ui=True),
        Case("API orgs, cursor at row 10,000", "/api/v1/orgs/", org, "", cursor="10000", rows="orgs"),
        Case("API orgs, cursor half-way", "/api/v1/orgs/", org, "", cursor="middle", rows="orgs"),
        Case("API orgs, cursor half-way, by date", "/api/v1/orgs/?ordering=-registered_on", org, "",
             cursor="middle", rows="orgs"),
        Case("API party-orgs, cursor half-way", "/api/v1/party-orgs/", party, "", cursor="middle", rows="party"),
        Case("API members, cursor half-way", "/api/v1/members/", member, "", cursor="middle", rows="members"),
        Case("API members, cursor half-way, by name", "/api/v1/members/?ordering=name", member, "", cursor="middle",
             rows="members"),
        Case("UI /orgs/, cursor half-way", "/orgs/", org, "", cursor="middle", rows="orgs", ui=True),
        Case("UI /party/, cursor half-way", "/party/", party, "", cursor="middle", rows="party", ui=True),
        Case("UI /party/members/, cursor half-way", "/party/members/", member, "", cursor="middle", rows="members",
             ui=True),
    ]


def listed_rows(case: Case, user):
    """The rows of a cursor case's list as the view sees them: the user's scope, the list's filters and order."""
    from urllib.parse import parse_qs, urlsplit

    from socorg.party.filters import member_list_filterset, party_org_list_filterset
    from socorg.registry.filters import org_list_filterset

    data = {key: values[0] for key, values in parse_qs(urlsplit(case.url).query).items()}
    make = {"orgs": org_list_filterset, "party": party_org_list_filterset, "members": member_list_filterset}
    return make[case.rows](data, user).qs


def cursor_url(case: Case, user) -> tuple[str, object]:
    """The case's URL with a cursor at its depth, and the keyset query the list runs there (the SQL bound)."""
    from socorg.core.keyset import Keyset

    rows = listed_rows(case, user)
    keyset = Keyset.of(rows)
    ordered = keyset.ordered(rows)
    depth = 10_000 if case.cursor == "10000" else ordered.order_by().count() // 2
    found = list(ordered[max(depth - 1, 0):depth]) if depth else []
    if not found:
        return "", None
    cursor = keyset.encode(found[0])
    separator = "&" if "?" in case.url else "?"
    values, _backward = keyset.decode(cursor)
    return f"{case.url}{separator}cursor={cursor}", ordered.filter(keyset.beyond(values))[:PAGE + 1]


def scope_sql(table: str, prefix: str) -> str:
    """The scope condition of a hand-written query (what visible_to adds), for a region prefix."""
    if not prefix:
        return ""
    if table == "registry_socialorganization":
        return f"authority_region_id LIKE '{prefix}%'"
    if table == "party_partyorganization":
        return f"region_id LIKE '{prefix}%'"
    return f"p.region_id LIKE '{prefix}%'"


def bound_query(case: Case, prefix: str) -> str:
    conditions = [c for c in (case.where, scope_sql(case.table, prefix)) if c]
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    offset = (case.page - 1) * PAGE
    table = case.table
    if table == "party_partymember":  # members are scoped (and by default ordered) through their party organization
        table = "party_partymember m JOIN party_partyorganization p ON p.id = m.party_org_id"
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
    samples, in_sql = [], []
    for _ in range(2):
        client.get(url)
    with RenderClock() as rendering:
        for _ in range(repeat):
            clock = SqlClock()
            with connection.execute_wrapper(clock):
                started = time.perf_counter()
                client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
            in_sql.append(clock.seconds * 1000)
    if keyset_query is not None:
        bound = timed(lambda: list(keyset_query.all()), repeat)
    else:
        bound = timed(lambda: run_bound(bound_query(case, prefix)), repeat)
    rest = [total - sql for total, sql in zip(samples, in_sql, strict=True)]
    return {"status": 200, "queries": queries, "p50": percentile(samples, 50), "p95": percentile(samples, 95),
            "sql": percentile(in_sql, 50), "rest": percentile(rest, 50), "bound": percentile(bound, 50),
            "render": percentile(rendering.wall, 50) if rendering.wall else None,
            "render_cpu": percentile(rendering.cpu, 50) if rendering.cpu else None}


def report(rows: list[tuple[str, str, dict]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"List latency on {database_label()} (ms)")
    for column in ("user", "case", "queries", "p50", "p95", "in SQL p50", "outside SQL p50", "render p50 (CPU)",
                   "SQL bound p50", "p50 / bound", "p95 < 50 ms"):
        table.add_column(column, justify="left" if column in ("user", "case") else "right")
    for who, label, result in rows:
        if result["status"] != 200:
            note = "fewer pages" if result["status"] == 404 and "deep" in label else ""
            table.add_row(who, label, "", f"HTTP {result['status']}", note, "", "", "", "", "", "")
            continue
        table.add_row(who, label, str(result["queries"]), f"{result['p50']:.1f}", f"{result['p95']:.1f}",
                      f"{result['sql']:.1f}", f"{result['rest']:.1f}",
                      f"{result['render']:.1f} ({result['render_cpu']:.1f})" if result["render"] is not None else "",
                      f"{result['bound']:.2f}", f"{result['p50'] / max(result['bound'], 0.001):.0f}×",
                      "yes" if result["p95"] < 50 else "NO")
    Console(width=180).print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per case (default 30)")
    parser.add_argument("--only", default="", help="run only cases whose label contains this text")
    args = parser.parse_args()
    setup_django()
    without_login_audit()
    from django.db import transaction

    from socorg.registry.models import SocialOrganization

    print(f"{SocialOrganization.objects.count():,} organizations on {database_label()}")
    with transaction.atomic():
        county = busiest_county()
        users = make_users(county)
        rows = []
        for case in cases(county, *search_terms()):
            if args.only and args.only not in case.label:
                continue
            for who, (user, prefix) in users.items():
                rows.append((who, case.label, measure(case, user, prefix, args.repeat)))
        transaction.set_rollback(True)
    report(rows)


if __name__ == "__main__":
    main()
