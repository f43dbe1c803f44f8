"""List-speed benchmark: p50/p95 latency of the API lists and UI list pages on a loaded data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_bench .venv/bin/python benchmarks/lists.py
    DATABASE_URL=sqlite:////tmp/socorg_bench.sqlite3 .venv/bin/python benchmarks/lists.py --repeat 20

Each request goes through Django's test client in-process (URL routing, middleware, authentication, scope, filters,
serialization or template rendering), as a user at nation scope and as a user of the county with the most
organizations. Beside each figure: the p50 of a hand-written SQL query fetching the same page of the same table
(`SELECT … ORDER BY … LIMIT 50 OFFSET …`), measured in the same run, and the ratio between the two, because these
machines are noisy. The benchmark users and their sessions are created inside a transaction rolled back at the end,
so the data set is left as it was. Target (issue 3): p95 under 50 ms, constant query count."""

import argparse
from dataclasses import dataclass
from urllib.parse import quote

from _common import busiest_county, database_label, percentile, setup_django, timed

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
    ]


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


def measure(case: Case, user, prefix: str, repeat: int) -> dict:
    from django.db import connection

    from socorg.core.testing import api_as, client_as

    client = client_as(user) if case.ui else api_as(user)
    queries = []
    # Counted with an execute wrapper: the request_started signal empties connection.queries mid-capture.
    with connection.execute_wrapper(lambda execute, sql, params, many, context: queries.append(sql)
                                    or execute(sql, params, many, context)):
        response = client.get(case.url)
    if response.status_code != 200:
        return {"status": response.status_code}
    samples = timed(lambda: client.get(case.url), repeat)
    bound = timed(lambda: run_bound(bound_query(case, prefix)), repeat)
    return {"status": 200, "queries": len(queries), "p50": percentile(samples, 50),
            "p95": percentile(samples, 95), "bound": percentile(bound, 50)}


def report(rows: list[tuple[str, str, dict]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"List latency on {database_label()} (ms)")
    for column in ("user", "case", "queries", "p50", "p95", "SQL bound p50", "p50 / bound", "p95 < 50 ms"):
        table.add_column(column, justify="left" if column in ("user", "case") else "right")
    for who, label, result in rows:
        if result["status"] != 200:
            note = "fewer pages" if result["status"] == 404 and "deep" in label else ""
            table.add_row(who, label, "", f"HTTP {result['status']}", note, "", "", "")
            continue
        table.add_row(who, label, str(result["queries"]), f"{result['p50']:.1f}", f"{result['p95']:.1f}",
                      f"{result['bound']:.2f}", f"{result['p50'] / max(result['bound'], 0.001):.0f}×",
                      "yes" if result["p95"] < 50 else "NO")
    Console(width=150).print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per case (default 30)")
    parser.add_argument("--only", default="", help="run only cases whose label contains this text")
    args = parser.parse_args()
    setup_django()
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
