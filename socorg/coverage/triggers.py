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

from socorg.core.triggers import TriggerSet, pg_apply, pg_function, pg_trigger, sqlite_upsert
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
    return sqlite_upsert(table, (key,), columns, f"SELECT {values} WHERE {where}")


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
    return pg_apply(target, (key,), columns, rows)


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
        pg_function("coverage_org_ins_fn", org_ins),
        pg_function("coverage_org_del_fn", org_del),
        pg_function("coverage_org_upd_fn", org_upd),
        pg_function("coverage_reach_ins_fn", reach_ins),
        pg_function("coverage_reach_del_fn", reach_del),
        *pg_trigger("coverage_org_ins", "INSERT", ORG_TABLE, "NEW TABLE AS new_rows", "coverage_org_ins_fn"),
        *pg_trigger("coverage_org_del", "DELETE", ORG_TABLE, "OLD TABLE AS old_rows", "coverage_org_del_fn"),
        *pg_trigger("coverage_org_upd", "UPDATE", ORG_TABLE, "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                     "coverage_org_upd_fn"),
        *pg_trigger("coverage_reach_ins", "INSERT", REACH_TABLE, "NEW TABLE AS new_rows", "coverage_reach_ins_fn"),
        *pg_trigger("coverage_reach_del", "DELETE", REACH_TABLE, "OLD TABLE AS old_rows", "coverage_reach_del_fn"),
    ]


# --- installation ---------------------------------------------------------------------------------------------

TRIGGERS = TriggerSet(prefix="coverage_", names=TRIGGER_NAMES, sqlite_statements=sqlite_statements,
                      postgresql_statements=postgresql_statements)


def installed_definitions(using: str = "default") -> dict[str, str]:
    return TRIGGERS.installed_definitions(using)


def installed_triggers(using: str = "default") -> set[str]:
    return TRIGGERS.installed_triggers(using)


def install_triggers(using: str = "default") -> bool:
    """Create the triggers that are missing or replace those whose definition changed (a release counting one more
    column); True when any was (the caller then rebuilds the counts)."""
    return TRIGGERS.install(using)
