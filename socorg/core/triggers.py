"""Maintained counts kept by database triggers: the shared machinery (coverage.triggers, reports.triggers).

An app that keeps per-region counts equal to the rows they summarize declares a `TriggerSet`: a name prefix, the
statements that create its triggers on SQLite (row-level) and PostgreSQL (statement-level over transition tables),
and the trigger names. `install()` runs after every `migrate` (post_migrate): it creates the triggers that are
missing or replaces those whose definition changed (a release counting one more column, a setting the SQL reads),
and answers True so the caller rebuilds the counts. SQLite drops a table's triggers whenever a migration rebuilds
that table, which is why installation is checked after every migrate rather than done once in a migration.

`sqlite_upsert` and `pg_apply` write the signed contributions of changed rows into a counts table:
- SQLite, one row at a time: `INSERT … SELECT … ON CONFLICT DO UPDATE SET c = c + excluded.c`; a decrement only
  touches an existing counts row (`guard`), so Django's test flush (DELETE FROM every table, in any order) leaves
  the counts empty rather than negative;
- PostgreSQL, one grouped upsert per statement, in key order (a stable lock order between concurrent writers),
  skipping keys whose contributions cancel out.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections


def sqlite_upsert(table: str, keys: tuple[str, ...], columns: tuple[str, ...], select: str) -> str:
    """`select` yields the key columns then `columns`, in order (it carries its own FROM / WHERE)."""
    cols = ", ".join((*keys, *columns))
    sets = ", ".join(f"{c} = {c} + excluded.{c}" for c in columns)
    return f"INSERT INTO {table} ({cols}) {select} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets};"


def sqlite_exists_guard(table: str, keys: tuple[str, ...], values: tuple[str, ...]) -> str:
    """The condition that a counts row with these key values exists (for decrements)."""
    match = " AND ".join(f"{key} = {value}" for key, value in zip(keys, values, strict=True))
    return f"EXISTS (SELECT 1 FROM {table} WHERE {match})"


def pg_apply(target: str, keys: tuple[str, ...], columns: tuple[str, ...], rows: str) -> str:
    """Add the signed `rows` (a SELECT naming the key columns and `columns`) into `target`, grouped by key."""
    key_list = ", ".join(keys)
    sums = ", ".join(f"sum({c})" for c in columns)
    nonzero = " OR ".join(f"sum({c}) <> 0" for c in columns)
    sets = ", ".join(f"{c} = t.{c} + EXCLUDED.{c}" for c in columns)
    return (f"INSERT INTO {target} AS t ({key_list}, {', '.join(columns)}) SELECT {key_list}, {sums} "
            f"FROM ({rows}) d GROUP BY {key_list} HAVING {nonzero} ORDER BY {key_list} "
            f"ON CONFLICT ({key_list}) DO UPDATE SET {sets};")


def pg_function(name: str, body: str) -> str:
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$;")


def pg_trigger(name: str, event: str, table: str, referencing: str, function: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table};",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
    ]


@dataclass(frozen=True)
class TriggerSet:
    """The triggers of one app: every name starts with `prefix` (e.g. "coverage_")."""

    prefix: str
    names: dict[str, list[str]]  # vendor → trigger names
    sqlite_statements: Callable[[], list[str]]
    postgresql_statements: Callable[[], list[str]]

    def statements(self, vendor: str) -> list[str]:
        return self.sqlite_statements() if vendor == "sqlite" else self.postgresql_statements()

    def expected_definitions(self, vendor: str) -> dict[str, str]:
        """{trigger or function name: the definition the database should hold}, as the database reports it."""
        if vendor == "sqlite":
            # sqlite_master keeps the CREATE statement as written, without IF NOT EXISTS and the final ";".
            return {statement.split()[5]: statement.replace(" IF NOT EXISTS", "").removesuffix(";")
                    for statement in self.sqlite_statements()}
        return {statement.split()[4].removesuffix("()"): statement.split("$$")[1]
                for statement in self.postgresql_statements() if statement.startswith("CREATE OR REPLACE FUNCTION")}

    def installed_definitions(self, using: str = "default") -> dict[str, str]:
        connection = connections[using]
        like = self.prefix.replace("_", r"\_") + "%"
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s "
                               "ESCAPE '\\'", [like])
                return dict(cursor.fetchall())
            if connection.vendor == "postgresql":
                cursor.execute("SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_trigger t ON t.tgfoid = p.oid "
                               "WHERE t.tgname LIKE %s AND NOT t.tgisinternal", [like])
                return dict(cursor.fetchall())
            return {}

    def installed_triggers(self, using: str = "default") -> set[str]:
        connection = connections[using]
        like = self.prefix.replace("_", r"\_") + "%"
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s ESCAPE '\\'",
                               [like])
            elif connection.vendor == "postgresql":
                cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s AND NOT tgisinternal", [like])
            else:
                return set()
            return {row[0] for row in cursor.fetchall()}

    def install(self, using: str = "default") -> bool:
        """Create the triggers that are missing or replace those whose definition changed; True when any was (the
        caller then rebuilds the counts)."""
        connection = connections[using]
        expected = set(self.names.get(connection.vendor, []))
        if not expected:
            raise NotImplementedError(f"maintained counts need SQLite or PostgreSQL, not {connection.vendor}")
        definitions = self.expected_definitions(connection.vendor)
        installed = self.installed_definitions(using)
        if expected <= self.installed_triggers(using) and all(installed.get(k) == v for k, v in definitions.items()):
            return False
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for name in self.names["sqlite"]:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            for statement in self.statements(connection.vendor):
                cursor.execute(statement)
        return True
