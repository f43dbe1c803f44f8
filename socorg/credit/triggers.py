"""Database triggers that keep CreditEntryCounts (entries not removed, per the organization's authority region, list
and entered late) equal to the entries they summarize, so the figures above the credit list need not join every
entry in force to its organization for the scope (issue #19: 153 ms of SQL for a province's page).

An entry counts while its removed_on is empty, under its organization's current authority region. What changes a
count: an entry inserted or deleted, or its organization, list, entered_late or removed_on changed; an organization
moved to another authority region (its entries' counts move with it). Dates are not counted here: the entries in
force on a day are these counts less the few decided later or past their own end (credit.queries.in_force_figures,
a live correction through two small indexes).

As in exits.triggers: on PostgreSQL the entries' triggers are statement triggers over transition tables and the
organization's region change a row trigger whose WHEN queues nothing while the region stays; SQLite row triggers,
a decrement only touching an existing counts row (Django's test flush). Why triggers at all: see coverage.triggers.
"""

from django.db import connection

from socorg.core.triggers import TriggerSet, pg_apply, pg_function, pg_trigger, sqlite_exists_guard, sqlite_upsert

ORG_TABLE = "registry_socialorganization"
ENTRY_TABLE = "credit_creditentry"
COUNTS = "credit_creditentrycounts"
KEYS = ("region_id", "list", "late")
COLUMNS = ("entries",)
TRACKED = ("organization_id", "list", "entered_late", "removed_on")
NAMES = ["credit_counts_ins", "credit_counts_del", "credit_counts_upd", "credit_counts_org"]


# --- SQLite ---------------------------------------------------------------------------------------------------


def _sqlite_entry(row: str, sign: int) -> str:
    """Add (sign +1) or take away (-1) the entry `row` (NEW or OLD) when it is not removed."""
    where = f"o.id = {row}.organization_id AND {row}.removed_on IS NULL"
    if sign < 0:
        keys = ("o.authority_region_id", f"{row}.list", f"{row}.entered_late")
        where += f" AND {sqlite_exists_guard(COUNTS, KEYS, keys)}"
    return sqlite_upsert(COUNTS, KEYS, COLUMNS, f"SELECT o.authority_region_id, {row}.list, {row}.entered_late, "
                                                f"{sign} FROM {ORG_TABLE} o WHERE {where}")


def _sqlite_org_entries(row: str, sign: int) -> str:
    """Add or take away every entry not removed of the organization `row` under `row`'s region."""
    where = f"e.organization_id = {row}.id AND e.removed_on IS NULL"
    if sign < 0:
        where += f" AND {sqlite_exists_guard(COUNTS, KEYS, (f'{row}.authority_region_id', 'e.list', 'e.entered_late'))}"
    return sqlite_upsert(COUNTS, KEYS, COLUMNS, f"SELECT {row}.authority_region_id, e.list, e.entered_late, {sign} "
                                                f"FROM {ENTRY_TABLE} e WHERE {where}")


def sqlite_statements() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in TRACKED)
    return [
        f"CREATE TRIGGER IF NOT EXISTS credit_counts_ins AFTER INSERT ON {ENTRY_TABLE} "
        f"BEGIN {_sqlite_entry('NEW', +1)} END;",
        f"CREATE TRIGGER IF NOT EXISTS credit_counts_del AFTER DELETE ON {ENTRY_TABLE} "
        f"BEGIN {_sqlite_entry('OLD', -1)} END;",
        f"CREATE TRIGGER IF NOT EXISTS credit_counts_upd AFTER UPDATE OF {', '.join(TRACKED)} ON {ENTRY_TABLE} "
        f"WHEN {changed} BEGIN {_sqlite_entry('OLD', -1)} {_sqlite_entry('NEW', +1)} END;",
        f"CREATE TRIGGER IF NOT EXISTS credit_counts_org AFTER UPDATE OF authority_region_id ON {ORG_TABLE} "
        f"WHEN OLD.authority_region_id IS NOT NEW.authority_region_id "
        f"BEGIN {_sqlite_org_entries('OLD', -1)} {_sqlite_org_entries('NEW', +1)} END;",
    ]


# --- PostgreSQL ---------------------------------------------------------------------------------------------


def _pg_entries(table: str, sign: int) -> str:
    return (f"SELECT o.authority_region_id AS region_id, e.list AS list, e.entered_late AS late, {sign} AS entries "
            f"FROM {table} e JOIN {ORG_TABLE} o ON o.id = e.organization_id WHERE e.removed_on IS NULL")


def _pg_org_entries(row: str, sign: int) -> str:
    return (f"SELECT {row}.authority_region_id AS region_id, e.list AS list, e.entered_late AS late, "
            f"{sign} AS entries FROM {ENTRY_TABLE} e WHERE e.organization_id = {row}.id AND e.removed_on IS NULL")


def postgresql_statements() -> list[str]:
    ins = pg_apply(COUNTS, KEYS, COLUMNS, _pg_entries("new_rows", +1))
    dele = pg_apply(COUNTS, KEYS, COLUMNS, _pg_entries("old_rows", -1))
    upd = pg_apply(COUNTS, KEYS, COLUMNS, f"{_pg_entries('new_rows', +1)} UNION ALL {_pg_entries('old_rows', -1)}")
    org = pg_apply(COUNTS, KEYS, COLUMNS, f"{_pg_org_entries('NEW', +1)} UNION ALL {_pg_org_entries('OLD', -1)}")
    return [
        pg_function("credit_counts_ins_fn", ins),
        pg_function("credit_counts_del_fn", dele),
        pg_function("credit_counts_upd_fn", upd),
        pg_function("credit_counts_org_fn", org),
        *pg_trigger("credit_counts_ins", "INSERT", ENTRY_TABLE, "NEW TABLE AS new_rows", "credit_counts_ins_fn"),
        *pg_trigger("credit_counts_del", "DELETE", ENTRY_TABLE, "OLD TABLE AS old_rows", "credit_counts_del_fn"),
        *pg_trigger("credit_counts_upd", "UPDATE", ENTRY_TABLE, "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                    "credit_counts_upd_fn"),
        f"DROP TRIGGER IF EXISTS credit_counts_org ON {ORG_TABLE};",
        f"CREATE TRIGGER credit_counts_org AFTER UPDATE OF authority_region_id ON {ORG_TABLE} FOR EACH ROW "
        f"WHEN (OLD.authority_region_id IS DISTINCT FROM NEW.authority_region_id) "
        f"EXECUTE FUNCTION credit_counts_org_fn();",
    ]


TRIGGERS = TriggerSet(prefix="credit_counts_", names={"sqlite": NAMES, "postgresql": NAMES},
                      sqlite_statements=sqlite_statements, postgresql_statements=postgresql_statements)


def install_triggers(using: str = "default") -> bool:
    return TRIGGERS.install(using)


def rebuild_counts() -> None:
    """Recount from the entries, set-based: one grouped INSERT … SELECT (after installing the triggers, or to
    repair)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {COUNTS}")
        cursor.execute(f"INSERT INTO {COUNTS} (region_id, list, late, entries) "
                       f"SELECT o.authority_region_id, e.list, e.entered_late, COUNT(*) FROM {ENTRY_TABLE} e "
                       f"JOIN {ORG_TABLE} o ON o.id = e.organization_id WHERE e.removed_on IS NULL "
                       f"GROUP BY o.authority_region_id, e.list, e.entered_late")
