"""Database triggers that keep RatingCounts (star ratings per cycle, region, stars, status and suspension) equal to
the ratings they summarize, so the star figures above the ratings list read a few rows per region instead of every
rating of the cycle (issue #19: 143 ms of SQL for the nation's page over 177,403 ratings).

A rating carries its own region, so only the ratings table is watched: a rating inserted (the computation's
INSERT … ON CONFLICT inserts and updates in one statement: PostgreSQL fires both statement triggers, each with its
own rows), deleted, or changed in a counted column. PostgreSQL: statement triggers over transition tables (one
grouped upsert per statement, keys whose contributions cancel out skipped); SQLite: row triggers, a decrement only
touching an existing counts row (Django's test flush). Why triggers at all: see coverage.triggers.
"""

from django.db import connection

from socorg.core.triggers import TriggerSet, pg_apply, pg_function, pg_trigger, sqlite_exists_guard, sqlite_upsert

RATING_TABLE = "ratings_rating"
COUNTS = "ratings_ratingcounts"
KEYS = ("cycle", "region_id", "stars", "status", "suspended")
COLUMNS = ("ratings",)
TRACKED = ("cycle", "region_id", "stars", "status", "suspended_on")
NAMES = ["ratings_rating_ins", "ratings_rating_del", "ratings_rating_upd"]


def _keys(row: str) -> tuple[str, ...]:
    return (f"{row}.cycle", f"{row}.region_id", f"{row}.stars", f"{row}.status", f"({row}.suspended_on IS NOT NULL)")


def _sqlite(row: str, sign: int) -> str:
    where = "1"
    if sign < 0:
        where = sqlite_exists_guard(COUNTS, KEYS, _keys(row))
    return sqlite_upsert(COUNTS, KEYS, COLUMNS, f"SELECT {', '.join(_keys(row))}, {sign} WHERE {where}")


def sqlite_statements() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in TRACKED)
    return [
        f"CREATE TRIGGER IF NOT EXISTS ratings_rating_ins AFTER INSERT ON {RATING_TABLE} "
        f"BEGIN {_sqlite('NEW', +1)} END;",
        f"CREATE TRIGGER IF NOT EXISTS ratings_rating_del AFTER DELETE ON {RATING_TABLE} "
        f"BEGIN {_sqlite('OLD', -1)} END;",
        f"CREATE TRIGGER IF NOT EXISTS ratings_rating_upd AFTER UPDATE OF {', '.join(TRACKED)} ON {RATING_TABLE} "
        f"WHEN {changed} BEGIN {_sqlite('OLD', -1)} {_sqlite('NEW', +1)} END;",
    ]


def _pg(table: str, sign: int) -> str:
    values = ", ".join(f"{value} AS {name}" for value, name in zip(_keys("r"), KEYS, strict=True))
    return f"SELECT {values}, {sign} AS ratings FROM {table} r"


def postgresql_statements() -> list[str]:
    ins = pg_apply(COUNTS, KEYS, COLUMNS, _pg("new_rows", +1))
    dele = pg_apply(COUNTS, KEYS, COLUMNS, _pg("old_rows", -1))
    upd = pg_apply(COUNTS, KEYS, COLUMNS, f"{_pg('new_rows', +1)} UNION ALL {_pg('old_rows', -1)}")
    return [
        pg_function("ratings_rating_ins_fn", ins),
        pg_function("ratings_rating_del_fn", dele),
        pg_function("ratings_rating_upd_fn", upd),
        *pg_trigger("ratings_rating_ins", "INSERT", RATING_TABLE, "NEW TABLE AS new_rows", "ratings_rating_ins_fn"),
        *pg_trigger("ratings_rating_del", "DELETE", RATING_TABLE, "OLD TABLE AS old_rows", "ratings_rating_del_fn"),
        *pg_trigger("ratings_rating_upd", "UPDATE", RATING_TABLE, "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                    "ratings_rating_upd_fn"),
    ]


TRIGGERS = TriggerSet(prefix="ratings_rating_", names={"sqlite": NAMES, "postgresql": NAMES},
                      sqlite_statements=sqlite_statements, postgresql_statements=postgresql_statements)


def install_triggers(using: str = "default") -> bool:
    return TRIGGERS.install(using)


def rebuild_counts() -> None:
    """Recount from the ratings, set-based: one grouped INSERT … SELECT (after installing the triggers, or to
    repair)."""
    values = ", ".join(_keys("r"))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {COUNTS}")
        cursor.execute(f"INSERT INTO {COUNTS} ({', '.join((*KEYS, *COLUMNS))}) "
                       f"SELECT {values}, COUNT(*) FROM {RATING_TABLE} r GROUP BY {values}")
