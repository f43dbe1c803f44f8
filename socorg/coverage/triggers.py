"""Database triggers that keep RegionCounts and PartyOrgCounts equal to the rows they summarize.

Why triggers and not Python: organizations arrive through services, but also through bulk paths that skip Python
per row (ledger import, the demo generator's bulk_create, set-based UPDATEs of the flags). A trigger sees every
INSERT, UPDATE and DELETE whatever the client, so the per-region counts cannot drift from the registry.

- SQLite: row-level triggers (cheap there: a few microseconds each). A DELETE only decrements an existing counts row,
  so Django's test flush (DELETE FROM every table, in any order) leaves the counts empty rather than negative.
- PostgreSQL: statement-level triggers over transition tables, so a statement touching 100,000 rows does one
  grouped upsert, in region order (a stable lock order between concurrent writers).

They are installed after every `migrate` (post_migrate), because SQLite rebuilds a table — dropping its triggers —
whenever another app's migration alters registry_socialorganization; when any was missing, the counts are rebuilt.
"""

from django.db import connections

from socorg.registry.choices import REGISTERED_STATUSES

from .models import SHOULD_BUILD_MIN_FULL_MEMBERS

ORG_TABLE = "registry_socialorganization"
REACH_TABLE = "coverage_partyorgreach"
ORG_COUNTS = "coverage_regioncounts"
PARTY_COUNTS = "coverage_partyorgcounts"
ORG_COLUMNS = ("orgs", "org_covered", "org_covered_formal", "work_covered", "standalone", "should_build",
               "should_build_built", "full_members")
PARTY_COLUMNS = ("party_orgs", "party_orgs_functional")
MIN = SHOULD_BUILD_MIN_FULL_MEMBERS
# Organizations counted: still registered (normal, or activities suspended for a period).
REGISTERED = "(" + ", ".join(f"'{status}'" for status in REGISTERED_STATUSES) + ")"

TRIGGER_NAMES = {
    "sqlite": ["coverage_org_ins", "coverage_org_del", "coverage_org_upd", "coverage_reach_ins",
               "coverage_reach_del"],
    "postgresql": ["coverage_org_ins", "coverage_org_del", "coverage_org_upd", "coverage_reach_ins",
                   "coverage_reach_del"],
}


# --- SQLite ---------------------------------------------------------------------------------------------------


def _sqlite_org_values(row: str, sign: int) -> str:
    s = "" if sign > 0 else "-"
    return (f"{row}.authority_region_id, {s}1, {s}{row}.org_covered, {s}{row}.org_covered_formal, "
            f"{s}{row}.work_covered, {s}{row}.standalone, "
            f"{s}({row}.basis_full_members >= {MIN}), "
            f"{s}({row}.basis_full_members >= {MIN} AND {row}.standalone), "
            f"{s}{row}.full_members")


def _sqlite_upsert(table: str, key: str, columns: tuple[str, ...], values: str, where: str) -> str:
    cols = ", ".join((key, *columns))
    sets = ", ".join(f"{c} = {c} + excluded.{c}" for c in columns)
    return f"INSERT INTO {table} ({cols}) SELECT {values} WHERE {where} ON CONFLICT ({key}) DO UPDATE SET {sets};"


def _sqlite_org_add(row: str) -> str:
    return _sqlite_upsert(ORG_COUNTS, "region_id", ORG_COLUMNS, _sqlite_org_values(row, +1),
                          f"{row}.status IN {REGISTERED}")


def _sqlite_org_remove(row: str) -> str:
    # Only decrement a row that exists: see the module docstring (test flushes).
    exists = f"EXISTS (SELECT 1 FROM {ORG_COUNTS} WHERE region_id = {row}.authority_region_id)"
    return _sqlite_upsert(ORG_COUNTS, "region_id", ORG_COLUMNS, _sqlite_org_values(row, -1),
                          f"{row}.status IN {REGISTERED} AND {exists}")


def _sqlite_reach(row: str, sign: int) -> str:
    s = "" if sign > 0 else "-"
    where = "1" if sign > 0 else f"EXISTS (SELECT 1 FROM {PARTY_COUNTS} WHERE key = {row}.key)"
    return _sqlite_upsert(PARTY_COUNTS, "key", PARTY_COLUMNS, f"{row}.key, {s}1, {s}{row}.is_functional", where)


def sqlite_statements() -> list[str]:
    tracked = ("status, authority_region_id, org_covered, org_covered_formal, work_covered, standalone, full_members, "
               "basis_full_members")
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in tracked.split(", "))
    return [
        f"CREATE TRIGGER IF NOT EXISTS coverage_org_ins AFTER INSERT ON {ORG_TABLE} "
        f"BEGIN {_sqlite_org_add('NEW')} END;",
        f"CREATE TRIGGER IF NOT EXISTS coverage_org_del AFTER DELETE ON {ORG_TABLE} "
        f"BEGIN {_sqlite_org_remove('OLD')} END;",
        f"CREATE TRIGGER IF NOT EXISTS coverage_org_upd AFTER UPDATE OF {tracked} ON {ORG_TABLE} WHEN {changed} "
        f"BEGIN {_sqlite_org_remove('OLD')} {_sqlite_org_add('NEW')} END;",
        f"CREATE TRIGGER IF NOT EXISTS coverage_reach_ins AFTER INSERT ON {REACH_TABLE} "
        f"BEGIN {_sqlite_reach('NEW', +1)} END;",
        f"CREATE TRIGGER IF NOT EXISTS coverage_reach_del AFTER DELETE ON {REACH_TABLE} "
        f"BEGIN {_sqlite_reach('OLD', -1)} END;",
    ]


# --- PostgreSQL ---------------------------------------------------------------------------------------------


def _pg_org_rows(table: str, sign: int) -> str:
    s = "" if sign > 0 else "-"
    return (f"SELECT authority_region_id AS region_id, {s}1 AS orgs, {s}(org_covered::int) AS org_covered, "
            f"{s}(org_covered_formal::int) AS org_covered_formal, "
            f"{s}(work_covered::int) AS work_covered, {s}(standalone::int) AS standalone, "
            f"{s}((basis_full_members >= {MIN})::int) AS should_build, "
            f"{s}((basis_full_members >= {MIN} AND standalone)::int) AS should_build_built, "
            f"{s}(full_members::bigint) AS full_members FROM {table} WHERE status IN {REGISTERED}")


def _pg_reach_rows(table: str, sign: int) -> str:
    s = "" if sign > 0 else "-"
    return f"SELECT key, {s}1 AS party_orgs, {s}(is_functional::int) AS party_orgs_functional FROM {table}"


def _pg_apply(target: str, key: str, columns: tuple[str, ...], rows: str) -> str:
    sums = ", ".join(f"sum({c})" for c in columns)
    nonzero = " OR ".join(f"sum({c}) <> 0" for c in columns)
    sets = ", ".join(f"{c} = t.{c} + EXCLUDED.{c}" for c in columns)
    return (f"INSERT INTO {target} AS t ({key}, {', '.join(columns)}) SELECT {key}, {sums} FROM ({rows}) d "
            f"GROUP BY {key} HAVING {nonzero} ORDER BY {key} ON CONFLICT ({key}) DO UPDATE SET {sets};")


def _pg_function(name: str, body: str) -> str:
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$;")


def _pg_trigger(name: str, event: str, table: str, referencing: str, function: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table};",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
    ]


def postgresql_statements() -> list[str]:
    org = ("region_id", ORG_COLUMNS)
    party = ("key", PARTY_COLUMNS)
    org_ins = _pg_apply(ORG_COUNTS, *org, _pg_org_rows("new_rows", +1))
    org_del = _pg_apply(ORG_COUNTS, *org, _pg_org_rows("old_rows", -1))
    org_upd = _pg_apply(ORG_COUNTS, *org,
                        f"{_pg_org_rows('new_rows', +1)} UNION ALL {_pg_org_rows('old_rows', -1)}")
    reach_ins = _pg_apply(PARTY_COUNTS, *party, _pg_reach_rows("new_rows", +1))
    reach_del = _pg_apply(PARTY_COUNTS, *party, _pg_reach_rows("old_rows", -1))
    return [
        _pg_function("coverage_org_ins_fn", org_ins),
        _pg_function("coverage_org_del_fn", org_del),
        _pg_function("coverage_org_upd_fn", org_upd),
        _pg_function("coverage_reach_ins_fn", reach_ins),
        _pg_function("coverage_reach_del_fn", reach_del),
        *_pg_trigger("coverage_org_ins", "INSERT", ORG_TABLE, "NEW TABLE AS new_rows", "coverage_org_ins_fn"),
        *_pg_trigger("coverage_org_del", "DELETE", ORG_TABLE, "OLD TABLE AS old_rows", "coverage_org_del_fn"),
        *_pg_trigger("coverage_org_upd", "UPDATE", ORG_TABLE, "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                     "coverage_org_upd_fn"),
        *_pg_trigger("coverage_reach_ins", "INSERT", REACH_TABLE, "NEW TABLE AS new_rows", "coverage_reach_ins_fn"),
        *_pg_trigger("coverage_reach_del", "DELETE", REACH_TABLE, "OLD TABLE AS old_rows", "coverage_reach_del_fn"),
    ]


# --- installation ---------------------------------------------------------------------------------------------


def _expected(vendor: str) -> dict[str, str]:
    """{trigger or function name: the definition the database should hold} as the database reports it back."""
    if vendor == "sqlite":
        # sqlite_master keeps the CREATE statement as written, without the IF NOT EXISTS clause and the final ";".
        return {statement.split()[5]: statement.replace(" IF NOT EXISTS", "").removesuffix(";")
                for statement in sqlite_statements()}
    return {statement.split()[4].removesuffix("()"): statement.split("$$")[1]
            for statement in postgresql_statements() if statement.startswith("CREATE OR REPLACE FUNCTION")}


def installed_definitions(using: str = "default") -> dict[str, str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'coverage_%'")
            return dict(cursor.fetchall())
        if connection.vendor == "postgresql":
            cursor.execute("SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_trigger t ON t.tgfoid = p.oid "
                           "WHERE t.tgname LIKE 'coverage_%' AND NOT t.tgisinternal")
            return dict(cursor.fetchall())
        return {}


def installed_triggers(using: str = "default") -> set[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'coverage_%'")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'coverage_%' AND NOT tgisinternal")
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}


def install_triggers(using: str = "default") -> bool:
    """Create the triggers that are missing or replace those whose definition changed (a release counting one more
    column); True when any was (the caller then rebuilds the counts)."""
    connection = connections[using]
    expected = set(TRIGGER_NAMES.get(connection.vendor, []))
    if not expected:
        raise NotImplementedError(f"coverage counts need SQLite or PostgreSQL, not {connection.vendor}")
    definitions = _expected(connection.vendor)
    installed = installed_definitions(using)
    if expected <= installed_triggers(using) and all(installed.get(k) == v for k, v in definitions.items()):
        return False
    statements = sqlite_statements() if connection.vendor == "sqlite" else postgresql_statements()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in TRIGGER_NAMES["sqlite"]:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in statements:
            cursor.execute(statement)
    return True
