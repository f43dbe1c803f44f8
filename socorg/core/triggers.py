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
from importlib import import_module

from django.db import connections
from django.db.models.signals import post_migrate


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


ORG_TABLE = "registry_socialorganization"


@dataclass(frozen=True)
class OrgRegionCounts:
    """Counts of the rows of `table` (each belonging to a social organization through `organization_id`) per the
    organization's current authority region and the row's own `keys`, kept by triggers (exits.triggers,
    credit.triggers). The counts table has the columns ("region_id", *keys, value).

    `values` are the row's expressions for `keys`, with `{r}` for the row (e.g. "{r}.status"); `condition` selects
    the rows that count (e.g. "{r}.removed_on IS NULL", "" for all); `tracked` are the row's columns whose change
    moves it between counts. `names` are the four triggers: insert, delete and update of a row, and the
    organization's region change.

    On PostgreSQL the rows' triggers are statement triggers over transition tables (one grouped upsert per
    statement), and the organization's region change is a row trigger with `UPDATE OF authority_region_id … WHEN
    (the region differs)`: the condition is evaluated inline, so the many UPDATEs of organizations that keep their
    region (coverage refreshes, the ledger import) queue nothing, where a statement trigger would join the old and
    new rows of every such statement (transition tables cannot be combined with a column list). Organizations are
    never inserted or deleted with such rows attached (PROTECT), so only their region change is watched. SQLite: row
    triggers."""

    counts: str
    table: str
    keys: tuple[str, ...]
    values: tuple[str, ...]
    value: str
    tracked: tuple[str, ...]
    names: tuple[str, str, str, str]
    condition: str = ""

    def _where(self, row: str) -> str:
        return f" AND {self.condition.format(r=row)}" if self.condition else ""

    def _row_values(self, row: str) -> str:
        return ", ".join(v.format(r=row) for v in self.values)

    # --- SQLite

    def _sqlite_row(self, row: str, sign: int) -> str:
        """Add (sign +1) or take away (-1) the row `row` (NEW or OLD) under its organization's region."""
        where = f"o.id = {row}.organization_id{self._where(row)}"
        keys = ("region_id", *self.keys)
        if sign < 0:
            values = ("o.authority_region_id", *(v.format(r=row) for v in self.values))
            where += f" AND {sqlite_exists_guard(self.counts, keys, values)}"
        return sqlite_upsert(self.counts, keys, (self.value,), f"SELECT o.authority_region_id, "
                             f"{self._row_values(row)}, {sign} FROM {ORG_TABLE} o WHERE {where}")

    def _sqlite_org_rows(self, org: str, sign: int) -> str:
        """Add or take away every counted row of the organization `org` under `org`'s region (one counts row per
        row: the upsert adds them up)."""
        where = f"c.organization_id = {org}.id{self._where('c')}"
        keys = ("region_id", *self.keys)
        if sign < 0:
            values = (f"{org}.authority_region_id", *(v.format(r="c") for v in self.values))
            where += f" AND {sqlite_exists_guard(self.counts, keys, values)}"
        return sqlite_upsert(self.counts, keys, (self.value,), f"SELECT {org}.authority_region_id, "
                             f"{self._row_values('c')}, {sign} FROM {self.table} c WHERE {where}")

    def sqlite_statements(self) -> list[str]:
        ins, dele, upd, org = self.names
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in self.tracked)
        return [
            f"CREATE TRIGGER IF NOT EXISTS {ins} AFTER INSERT ON {self.table} "
            f"BEGIN {self._sqlite_row('NEW', +1)} END;",
            f"CREATE TRIGGER IF NOT EXISTS {dele} AFTER DELETE ON {self.table} "
            f"BEGIN {self._sqlite_row('OLD', -1)} END;",
            f"CREATE TRIGGER IF NOT EXISTS {upd} AFTER UPDATE OF {', '.join(self.tracked)} ON {self.table} "
            f"WHEN {changed} BEGIN {self._sqlite_row('OLD', -1)} {self._sqlite_row('NEW', +1)} END;",
            f"CREATE TRIGGER IF NOT EXISTS {org} AFTER UPDATE OF authority_region_id ON {ORG_TABLE} "
            f"WHEN OLD.authority_region_id IS NOT NEW.authority_region_id "
            f"BEGIN {self._sqlite_org_rows('OLD', -1)} {self._sqlite_org_rows('NEW', +1)} END;",
        ]

    # --- PostgreSQL

    def _columns(self, row: str, sign: int, region: str) -> str:
        named = ", ".join(f"{v.format(r=row)} AS {k}" for k, v in zip(self.keys, self.values, strict=True))
        return f"{region} AS region_id, {named}, {sign} AS {self.value}"

    def _pg_rows(self, transition: str, sign: int) -> str:
        where = f" WHERE {self.condition.format(r='c')}" if self.condition else ""
        return (f"SELECT {self._columns('c', sign, 'o.authority_region_id')} FROM {transition} c "
                f"JOIN {ORG_TABLE} o ON o.id = c.organization_id{where}")

    def _pg_org_rows(self, org: str, sign: int) -> str:
        return (f"SELECT {self._columns('c', sign, f'{org}.authority_region_id')} FROM {self.table} c "
                f"WHERE c.organization_id = {org}.id{self._where('c')}")

    def postgresql_statements(self) -> list[str]:
        ins, dele, upd, org = self.names
        keys, columns = ("region_id", *self.keys), (self.value,)
        bodies = {
            ins: pg_apply(self.counts, keys, columns, self._pg_rows("new_rows", +1)),
            dele: pg_apply(self.counts, keys, columns, self._pg_rows("old_rows", -1)),
            upd: pg_apply(self.counts, keys, columns,
                          f"{self._pg_rows('new_rows', +1)} UNION ALL {self._pg_rows('old_rows', -1)}"),
            org: pg_apply(self.counts, keys, columns,
                          f"{self._pg_org_rows('NEW', +1)} UNION ALL {self._pg_org_rows('OLD', -1)}"),
        }
        return [
            *(pg_function(f"{name}_fn", body) for name, body in bodies.items()),
            *pg_trigger(ins, "INSERT", self.table, "NEW TABLE AS new_rows", f"{ins}_fn"),
            *pg_trigger(dele, "DELETE", self.table, "OLD TABLE AS old_rows", f"{dele}_fn"),
            *pg_trigger(upd, "UPDATE", self.table, "OLD TABLE AS old_rows NEW TABLE AS new_rows", f"{upd}_fn"),
            f"DROP TRIGGER IF EXISTS {org} ON {ORG_TABLE};",
            f"CREATE TRIGGER {org} AFTER UPDATE OF authority_region_id ON {ORG_TABLE} FOR EACH ROW "
            f"WHEN (OLD.authority_region_id IS DISTINCT FROM NEW.authority_region_id) EXECUTE FUNCTION {org}_fn();",
        ]

    def trigger_set(self, prefix: str) -> "TriggerSet":
        return TriggerSet(prefix=prefix, names={"sqlite": list(self.names), "postgresql": list(self.names)},
                          sqlite_statements=self.sqlite_statements, postgresql_statements=self.postgresql_statements)

    def rebuild(self, using: str = "default") -> None:
        """Recount from the rows, set-based: one grouped INSERT … SELECT (after installing the triggers, or to
        repair)."""
        where = f" WHERE {self.condition.format(r='c')}" if self.condition else ""
        values = self._row_values("c")
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.counts}")
            cursor.execute(f"INSERT INTO {self.counts} (region_id, {', '.join(self.keys)}, {self.value}) "
                           f"SELECT o.authority_region_id, {values}, COUNT(*) FROM {self.table} c "
                           f"JOIN {ORG_TABLE} o ON o.id = c.organization_id{where} "
                           f"GROUP BY o.authority_region_id, {values}")


def keep_counts_after_migrate(app_config, triggers_module: str) -> None:
    """After every migrate of `app_config`'s app: (re)create the triggers of `triggers_module` (its
    `install_triggers(using)`) and, when any was missing or changed, recount (its `rebuild_counts()`). Call from
    the app's `ready()`."""

    def install(sender, using="default", **kwargs):
        module = import_module(triggers_module)
        if module.install_triggers(using):
            module.rebuild_counts()

    post_migrate.connect(install, sender=app_config, weak=False,
                         dispatch_uid=f"{app_config.label}_counts_triggers")
