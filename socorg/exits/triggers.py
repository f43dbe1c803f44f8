"""Database triggers that keep ExitCaseCounts (screening cases per registration-authority region and status) equal
to the cases they summarize, so the exit figures above the worklist read a few thousand counts rows instead of
joining every case to its organization (issue #19: the nation's figures took 754 ms of SQL over 766,696 cases).

A case counts under its organization's current authority region, as the case's scope does
(ScreeningCase.scope_region_field). What changes a count:
- a case inserted, deleted, or its status or organization changed (a screening run's bulk insert, a case closed);
- an organization moved to another authority region: its cases' counts move with it.

Organizations themselves are never inserted or deleted with cases attached to them (a new organization has none;
ScreeningCase.organization is PROTECT), so only their region change is watched. On PostgreSQL that one is a row
trigger with `UPDATE OF authority_region_id … WHEN (the region differs)`: the condition is evaluated inline, so the
many UPDATEs of organizations that keep their region (the coverage refreshes, the ledger import) queue nothing,
where a statement trigger would join the old and new rows of every such statement (transition tables cannot be
combined with a column list). The cases' triggers are statement triggers over transition tables (one grouped upsert
per screening run). SQLite: row triggers; a decrement only touches an existing counts row (Django's test flush).
Why triggers at all: see coverage.triggers.
"""

from django.db import connection

from socorg.core.triggers import TriggerSet, pg_apply, pg_function, pg_trigger, sqlite_exists_guard, sqlite_upsert

ORG_TABLE = "registry_socialorganization"
CASE_TABLE = "exits_screeningcase"
COUNTS = "exits_exitcasecounts"
KEYS = ("region_id", "status")
COLUMNS = ("cases",)
NAMES = ["exits_case_ins", "exits_case_del", "exits_case_upd", "exits_org_region"]


# --- SQLite ---------------------------------------------------------------------------------------------------


def _sqlite_case(row: str, sign: int) -> str:
    """Add (sign +1) or take away (-1) the case `row` (NEW or OLD) under its organization's region."""
    where = f"o.id = {row}.organization_id"
    if sign < 0:
        where += f" AND {sqlite_exists_guard(COUNTS, KEYS, ('o.authority_region_id', f'{row}.status'))}"
    return sqlite_upsert(COUNTS, KEYS, COLUMNS, f"SELECT o.authority_region_id, {row}.status, {sign} "
                                                f"FROM {ORG_TABLE} o WHERE {where}")


def _sqlite_org_cases(row: str, sign: int) -> str:
    """Add or take away every case of the organization `row` under `row`'s region (one counts row per case: the
    upsert adds them up)."""
    where = f"c.organization_id = {row}.id"
    if sign < 0:
        where += f" AND {sqlite_exists_guard(COUNTS, KEYS, (f'{row}.authority_region_id', 'c.status'))}"
    return sqlite_upsert(COUNTS, KEYS, COLUMNS, f"SELECT {row}.authority_region_id, c.status, {sign} "
                                                f"FROM {CASE_TABLE} c WHERE {where}")


def sqlite_statements() -> list[str]:
    case_changed = "OLD.status IS NOT NEW.status OR OLD.organization_id IS NOT NEW.organization_id"
    return [
        f"CREATE TRIGGER IF NOT EXISTS exits_case_ins AFTER INSERT ON {CASE_TABLE} "
        f"BEGIN {_sqlite_case('NEW', +1)} END;",
        f"CREATE TRIGGER IF NOT EXISTS exits_case_del AFTER DELETE ON {CASE_TABLE} "
        f"BEGIN {_sqlite_case('OLD', -1)} END;",
        f"CREATE TRIGGER IF NOT EXISTS exits_case_upd AFTER UPDATE OF status, organization_id ON {CASE_TABLE} "
        f"WHEN {case_changed} BEGIN {_sqlite_case('OLD', -1)} {_sqlite_case('NEW', +1)} END;",
        f"CREATE TRIGGER IF NOT EXISTS exits_org_region AFTER UPDATE OF authority_region_id ON {ORG_TABLE} "
        f"WHEN OLD.authority_region_id IS NOT NEW.authority_region_id "
        f"BEGIN {_sqlite_org_cases('OLD', -1)} {_sqlite_org_cases('NEW', +1)} END;",
    ]


# --- PostgreSQL ---------------------------------------------------------------------------------------------


def _pg_cases(table: str, sign: int) -> str:
    return (f"SELECT o.authority_region_id AS region_id, c.status AS status, {sign} AS cases FROM {table} c "
            f"JOIN {ORG_TABLE} o ON o.id = c.organization_id")


def _pg_org_cases(row: str, sign: int) -> str:
    return (f"SELECT {row}.authority_region_id AS region_id, c.status AS status, {sign} AS cases "
            f"FROM {CASE_TABLE} c WHERE c.organization_id = {row}.id")


def postgresql_statements() -> list[str]:
    case_ins = pg_apply(COUNTS, KEYS, COLUMNS, _pg_cases("new_rows", +1))
    case_del = pg_apply(COUNTS, KEYS, COLUMNS, _pg_cases("old_rows", -1))
    case_upd = pg_apply(COUNTS, KEYS, COLUMNS, f"{_pg_cases('new_rows', +1)} UNION ALL {_pg_cases('old_rows', -1)}")
    org_region = pg_apply(COUNTS, KEYS, COLUMNS, f"{_pg_org_cases('NEW', +1)} UNION ALL {_pg_org_cases('OLD', -1)}")
    return [
        pg_function("exits_case_ins_fn", case_ins),
        pg_function("exits_case_del_fn", case_del),
        pg_function("exits_case_upd_fn", case_upd),
        pg_function("exits_org_region_fn", org_region),
        *pg_trigger("exits_case_ins", "INSERT", CASE_TABLE, "NEW TABLE AS new_rows", "exits_case_ins_fn"),
        *pg_trigger("exits_case_del", "DELETE", CASE_TABLE, "OLD TABLE AS old_rows", "exits_case_del_fn"),
        *pg_trigger("exits_case_upd", "UPDATE", CASE_TABLE, "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                    "exits_case_upd_fn"),
        f"DROP TRIGGER IF EXISTS exits_org_region ON {ORG_TABLE};",
        f"CREATE TRIGGER exits_org_region AFTER UPDATE OF authority_region_id ON {ORG_TABLE} FOR EACH ROW "
        f"WHEN (OLD.authority_region_id IS DISTINCT FROM NEW.authority_region_id) "
        f"EXECUTE FUNCTION exits_org_region_fn();",
    ]


TRIGGERS = TriggerSet(prefix="exits_", names={"sqlite": NAMES, "postgresql": NAMES},
                      sqlite_statements=sqlite_statements, postgresql_statements=postgresql_statements)


def install_triggers(using: str = "default") -> bool:
    return TRIGGERS.install(using)


def rebuild_counts() -> None:
    """Recount from the cases, set-based: one grouped INSERT … SELECT (after installing the triggers, or to repair)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {COUNTS}")
        cursor.execute(f"INSERT INTO {COUNTS} (region_id, status, cases) "
                       f"SELECT o.authority_region_id, c.status, COUNT(*) FROM {CASE_TABLE} c "
                       f"JOIN {ORG_TABLE} o ON o.id = c.organization_id GROUP BY o.authority_region_id, c.status")
