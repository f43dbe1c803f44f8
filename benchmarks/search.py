"""Search-speed benchmark (issue #19.2): name, pinyin, initials and credit-code infix search of the organization,
party-organization and member lists (API and UI) and of the public look-up, at nation, province and county scope.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_bench .venv/bin/python benchmarks/search.py
    DATABASE_URL=… .venv/bin/python benchmarks/search.py --only "API orgs" --repeat 10
    DATABASE_URL=… .venv/bin/python benchmarks/search.py --explain "API orgs, 协会"   # EXPLAIN ANALYZE its queries

Each request goes through Django's test client in-process (routing, middleware, authentication, scope, filters,
search, count, serialization or template), as a bureau user at nation scope, one of the province of the county with
the most organizations, and one of that county. Beside each figure, the bound measured in the same run: the
hand-written SQL of the same answer in its plain form — the page (`SELECT * … WHERE <every word LIKE '%…%' in one of
the columns> AND <scope> ORDER BY <the list's order> LIMIT 50`) and, for staff lists, the bounded count
(`SELECT count(*) FROM (SELECT id … LIMIT 10001)`) — and the ratio. Target (issue #19): p95 < 50 ms on PostgreSQL.
The benchmark users are created inside a transaction rolled back at the end: the data set is left as it was."""

import argparse
import itertools
from dataclasses import dataclass
from urllib.parse import urlencode

from _common import busiest_county, database_label, percentile, setup_django, timed, without_login_audit

PAGE = 50
PUBLIC_PAGE = 21  # the public look-up reads one row more than its page of 20 to know whether there is a next one
COUNT_CAP = 10_000

ORG, PARTY, MEMBER = "registry_socialorganization", "party_partyorganization", "party_partymember"
ORG_ORDER = "authority_region_id, uscc"
PARTY_ORDER = "name"
MEMBER_ORDER = "p.name, m.name, m.id"
PUBLIC_ORDER = "name_initials, uscc"


@dataclass(frozen=True)
class Case:
    label: str
    path: str
    params: dict
    table: str  # for the SQL bound
    order: str
    public: bool = False
    ui: bool = False
    scopes: tuple[str, ...] = ("nation", "province", "county")
    extra_where: str = ""  # a condition of the bound besides the search words (e.g. none)


def words_sql(table: str, text: str) -> str:
    """The search condition of core.search, written by hand: every word in one of the columns."""
    from socorg.core.search import CODE, LATIN, search_words

    names, pinyin, codes = {
        ORG: (("name", "short_name"), ("name_pinyin", "name_initials"), ("uscc",)),
        PARTY: (("name",), ("name_pinyin", "name_initials"), ()),
        MEMBER: (("m.name",), (), ()),
    }[table]
    conditions = []
    for word in search_words(text):
        word = word.replace("'", "''")
        alternatives = [f"{column} LIKE '%{word}%'" for column in names]
        if LATIN.match(word):
            alternatives += [f"{column} LIKE '%{word.lower()}%'" for column in pinyin]
        if CODE.match(word):
            alternatives += [f"{column} LIKE '%{word.upper()}%'" for column in codes]
        conditions.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(conditions)


def scope_sql(table: str, prefix: str) -> str:
    if not prefix:
        return ""
    column = {ORG: "authority_region_id", PARTY: "region_id", MEMBER: "p.region_id"}[table]
    return f"{column} LIKE '{prefix}%'"


def bound_queries(case: Case, prefix: str) -> list[str]:
    text = case.params.get("q", "")
    conditions = [c for c in (words_sql(case.table, text) if text else "", case.extra_where,
                              "" if case.public else scope_sql(case.table, prefix)) if c]
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    source = case.table
    if case.table == MEMBER:
        source = f"{MEMBER} m JOIN {PARTY} p ON p.id = m.party_org_id"
    key = "m.id" if case.table == MEMBER else "id"
    page = f"SELECT * FROM {source} {where} ORDER BY {case.order} LIMIT {PUBLIC_PAGE if case.public else PAGE}"
    if case.public:
        return [page]
    return [page, f"SELECT count(*) FROM (SELECT {key} FROM {source} {where} LIMIT {COUNT_CAP + 1}) counted"]


def terms(county: str) -> dict[str, str]:
    """Real search words from the busiest county (so every scope finds them): an organization's full name, a
    fragment of its credit code, its full pinyin and initials; a party organization's full name; a member's full
    three-character name and a two-character one."""
    from django.db.models.functions import Length

    from socorg.party.models import PartyMember, PartyOrganization
    from socorg.registry.models import SocialOrganization

    org = (SocialOrganization.objects.filter(authority_region_id=county).order_by("pk")
           .values("name", "uscc", "name_pinyin", "name_initials")[50])
    party_org = PartyOrganization.objects.filter(region_id=county).order_by("pk").values_list("name", flat=True)[5]
    members = PartyMember.objects.filter(party_org__region_id=county).annotate(length=Length("name")).order_by("pk")
    return {"org": org["name"], "uscc": org["uscc"][6:16].lower(), "pinyin": org["name_pinyin"],
            "initials": org["name_initials"], "party_org": party_org,
            "member3": members.filter(length=3).values_list("name", flat=True)[20],
            "member2": members.filter(length=2).values_list("name", flat=True).first() or "张伟"}


def cases(t: dict[str, str]) -> list[Case]:
    orgs = [("one name", t["org"]), ("USCC fragment", t["uscc"]), ("协会", "协会"), ("商会", "商会"),
            ("基金会", "基金会"), ("pinyin kunming", "kunming"), ("initials kmsxh", "kmsxh"),
            ("full pinyin of one name", t["pinyin"]), ("initials of one name", t["initials"]),
            ("two words 协会 kunming", "协会 kunming")]
    found = []
    for label, q in orgs:
        found.append(Case(f"API orgs, {label}", "/api/v1/orgs/", {"q": q}, ORG, ORG_ORDER))
    for label, q in (orgs[0], orgs[2], orgs[5]):
        found.append(Case(f"UI /orgs/, {label}", "/orgs/", {"q": q}, ORG, ORG_ORDER, ui=True))
    for label, q in (("one name", t["party_org"]), ("协会", "协会"), ("党支部", "党支部"),
                     ("pinyin kunming", "kunming"), ("initials dzb", "dzb")):
        found.append(Case(f"API party-orgs, {label}", "/api/v1/party-orgs/", {"q": q}, PARTY, PARTY_ORDER))
    found.append(Case("UI /party/, 协会", "/party/", {"q": "协会"}, PARTY, PARTY_ORDER, ui=True))
    for label, q in (("full name (3 characters)", t["member3"]), ("two-character name", t["member2"]),
                     ("surname 张", "张")):
        found.append(Case(f"API members, {label}", "/api/v1/members/", {"q": q}, MEMBER, MEMBER_ORDER))
    found.append(Case("API members, by name", "/api/v1/members/", {"ordering": "name"}, MEMBER, "m.name, m.id",
                      scopes=("county",)))
    found.append(Case("UI /party/members/, full name", "/party/members/", {"q": t["member3"]}, MEMBER, MEMBER_ORDER,
                      ui=True))
    for label, q in orgs[:7]:
        found.append(Case(f"public API, {label}", "/api/v1/public/orgs/", {"q": q}, ORG, PUBLIC_ORDER, public=True,
                          scopes=("public",)))
    found.append(Case("public page, 协会", "/public/orgs/", {"q": "协会"}, ORG, PUBLIC_ORDER, public=True, ui=True,
                      scopes=("public",)))
    return found


def make_users(county: str) -> dict[str, tuple[object, str]]:
    from socorg.accounts.roles import Role
    from socorg.core.testing import make_user

    province = county[:2] + "0000"
    return {
        "nation": (make_user((Role.BUREAU_STAFF, "100000"), username="search-nation"), ""),
        "province": (make_user((Role.BUREAU_STAFF, province), username="search-province"), county[:2]),
        "county": (make_user((Role.BUREAU_STAFF, county), username="search-county"), county),
        "public": (None, ""),
    }


def run_sql(queries: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql)
            cursor.fetchall()


def client_for(case: Case, user):
    from django.test import Client

    from socorg.core.testing import api_as, client_as

    if user is None:
        return Client()
    return client_as(user) if case.ui else api_as(user)


def captured(client, url: str) -> tuple[int, list[str], int | None]:
    """One request: its status, the SQL it ran, and its count (API answers)."""
    from django.db import connection

    queries = []
    compose = getattr(connection.ops, "compose_sql", None)  # PostgreSQL: the statement with its values, for EXPLAIN
    with connection.execute_wrapper(lambda execute, sql, params, many, context: queries.append(
            compose(sql, params) if params and compose else sql) or execute(sql, params, many, context)):
        response = client.get(url)
    count = None
    if response.status_code == 200 and response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        count = body.get("count", len(body.get("results", [])))
    return response.status_code, queries, count


def measure(case: Case, user, prefix: str, repeat: int) -> dict:
    client = client_for(case, user)
    fresh = itertools.count()

    def url() -> str:  # the public answers are cached per address: a fresh one bypasses the cache
        params = {**case.params, **({"n": next(fresh)} if case.public else {})}
        return f"{case.path}?{urlencode(params)}"

    status, queries, count = captured(client, url())
    if status != 200:
        return {"status": status}
    samples = timed(lambda: client.get(url()), repeat)
    bound = timed(lambda: run_sql(bound_queries(case, prefix)), repeat)
    return {"status": 200, "queries": len(queries), "count": count, "p50": percentile(samples, 50),
            "p95": percentile(samples, 95), "bound": percentile(bound, 50)}


def explain(case: Case, user) -> None:
    """EXPLAIN ANALYZE of every query of one request that took a measurable time."""
    import time

    from django.db import connection

    client = client_for(case, user)
    params = {**case.params, **({"n": "explain"} if case.public else {})}
    client.get(f"{case.path}?{urlencode(params)}")  # warm
    _status, queries, _count = captured(client, f"{case.path}?{urlencode(params)}")
    with connection.cursor() as cursor:
        for sql in queries:
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            if (time.perf_counter() - started) * 1000 < 1 or not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            print(f"\n-- {sql}\n" + "\n".join(row[0] for row in cursor.fetchall()))


def fts_match(text: str, columns: tuple[str, ...]) -> str | None:
    """The FTS5 query of a search text (every word in one of the columns), or None when a word is shorter than
    three characters (the trigram tokenizer cannot answer it)."""
    from socorg.core.search import search_words

    words = search_words(text)
    if not words or any(len(word) < 3 for word in words):
        return None
    scope = " ".join(columns)
    return " AND ".join(f'{{{scope}}} : "{word.replace(chr(34), chr(34) * 2)}"' for word in words)


def sqlite_fts(texts: dict[str, str], prefix: str, repeat: int) -> None:
    """SQLite only: what an FTS5 trigram index would give (issue #19.2's fallback question). Builds a TEMP
    external-content FTS5 table over the organizations' searched columns (the data set is not changed), then times
    the page and bounded count of each search by LIKE (what socorg runs) and by the FTS5 index, in the same run."""
    import time

    from django.db import connection

    columns = ("name", "short_name", "name_pinyin", "name_initials", "uscc")
    with connection.cursor() as cursor:
        started = time.perf_counter()
        # A TEMP table cannot take its content from the main schema: this one keeps a copy (a deployment would use
        # an external-content table kept by triggers).
        cursor.execute(f"CREATE VIRTUAL TABLE temp.org_search USING fts5({', '.join(columns)}, tokenize='trigram')")
        cursor.execute(f"INSERT INTO temp.org_search(rowid, {', '.join(columns)}) "
                       f"SELECT id, {', '.join(columns)} FROM main.{ORG}")
        print(f"FTS5 trigram index over {ORG} ({', '.join(columns)}): built in "
              f"{time.perf_counter() - started:.1f} s")
        scope = f" AND authority_region_id LIKE '{prefix}%'" if prefix else ""
        rows = []
        for label, text in texts.items():
            like = words_sql(ORG, text)
            match = fts_match(text, columns)
            plain = [f"SELECT * FROM {ORG} WHERE {like}{scope} ORDER BY {ORG_ORDER} LIMIT {PAGE}",
                     f"SELECT count(*) FROM (SELECT id FROM {ORG} WHERE {like}{scope} LIMIT {COUNT_CAP + 1})"]
            timed_plain = timed(lambda plain=plain: run_sql(plain), repeat)
            if match is None:
                rows.append((label, timed_plain, None, None))
                continue
            match = match.replace("'", "''")
            found = f"id IN (SELECT rowid FROM temp.org_search WHERE org_search MATCH '{match}')"
            fts = [f"SELECT * FROM {ORG} WHERE {found}{scope} ORDER BY {ORG_ORDER} LIMIT {PAGE}",
                   f"SELECT count(*) FROM (SELECT id FROM {ORG} WHERE {found}{scope} LIMIT {COUNT_CAP + 1})"]
            cursor.execute(fts[1])
            count = cursor.fetchone()[0]
            rows.append((label, timed_plain, timed(lambda fts=fts: run_sql(fts), repeat), count))
        cursor.execute("DROP TABLE temp.org_search")
    for label, plain, fts, count in rows:
        figures = f"LIKE p50 {percentile(plain, 50):.1f} / p95 {percentile(plain, 95):.1f} ms"
        if fts is not None:
            figures += (f"; FTS5 p50 {percentile(fts, 50):.1f} / p95 {percentile(fts, 95):.1f} ms "
                        f"({count:,} found)")
        else:
            figures += "; FTS5: a word under three characters, not answerable"
        print(f"{label:32} {figures}")


def report(rows: list[tuple[str, str, dict]]) -> None:
    import os

    from rich.console import Console
    from rich.table import Table

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    table = Table(title=f"Search latency on {database_label()} (ms), load average {load}")
    for column in ("case", "scope", "found", "queries", "p50", "p95", "bound p50", "p50 / bound", "p95 < 50"):
        table.add_column(column, justify="left" if column in ("case", "scope") else "right")
    for label, who, result in rows:
        if result["status"] != 200:
            table.add_row(label, who, "", "", f"HTTP {result['status']}", "", "", "", "")
            continue
        count = "" if result["count"] is None else f"{result['count']:,}"
        table.add_row(label, who, count, str(result["queries"]), f"{result['p50']:.1f}", f"{result['p95']:.1f}",
                      f"{result['bound']:.1f}", f"{result['p50'] / max(result['bound'], 0.01):.1f}×",
                      "yes" if result["p95"] < 50 else "NO")
    Console(width=160).print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per case and scope (default 20)")
    parser.add_argument("--only", default="", help="run only cases whose label contains this text")
    parser.add_argument("--scope", default="", help="run only this scope (nation, province, county, public)")
    parser.add_argument("--explain", default="", help="print EXPLAIN ANALYZE of the queries of cases containing this")
    parser.add_argument("--sqlite-fts", action="store_true",
                        help="SQLite: time the organization searches by LIKE and by a temporary FTS5 trigram index")
    args = parser.parse_args()
    setup_django()
    without_login_audit()  # no audit entry, so the run takes no audit-chain lock that other writers would wait for
    from django.conf import settings
    from django.db import transaction

    from socorg.registry.models import SocialOrganization

    settings.SOCORG_PUBLIC_RATE = "1000000/m"  # one client address sends every request
    print(f"{SocialOrganization.objects.count():,} organizations on {database_label()}")
    with transaction.atomic():
        county = busiest_county()
        users = make_users(county)
        found_terms = terms(county)
        print(f"county {county}; search words: {found_terms}")
        if args.sqlite_fts:
            texts = {case.label.removeprefix("API orgs, "): case.params["q"] for case in cases(found_terms)
                     if case.label.startswith("API orgs, ")}
            for who in ("nation", "county"):
                print(f"-- {who} scope")
                sqlite_fts(texts, users[who][1], args.repeat)
            transaction.set_rollback(True)
            return
        rows = []
        for case in cases(found_terms):
            if args.only and args.only not in case.label:
                continue
            for who in case.scopes:
                if args.scope and who != args.scope:
                    continue
                user, prefix = users[who]
                if args.explain:
                    if args.explain in case.label:
                        print(f"\n===== {case.label} — {who}")
                        explain(case, user)
                    continue
                rows.append((case.label, who, measure(case, user, prefix, args.repeat)))
        transaction.set_rollback(True)
    if rows:
        report(rows)


if __name__ == "__main__":
    main()
