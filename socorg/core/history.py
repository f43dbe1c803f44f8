"""Dated history kept by database triggers: explicit period tables that work on SQLite and PostgreSQL.

Figures "as of a date" (coverage --as-of, half-year snapshots, the annual report's "as of 31 December") need the
state a row had on that day, not today's. A `PeriodHistory` names a source table (party members, party
organizations, social organizations), the columns whose values are kept, and a history table of periods
[valid_from, valid_to): one row per stretch of time during which the source row was in force with those values
(valid_from NULL = since before anything was recorded — an unknown joining, founding or registration date counts,
as everywhere; valid_to NULL = still; valid_to is the first day without, like the period rows of party.models).

Why triggers (docs/history.md has the decision): members, party organizations and organizations are written by
services, but also by the ledger import (COPY / executemany), the demo generator (COPY), set-based UPDATEs, key
rotation and restore. A trigger sees every INSERT, UPDATE and DELETE whatever the client, so no path can forget the
history. SQLite: row triggers; PostgreSQL: statement triggers over transition tables (one set-based statement per
step, whatever the number of rows).

What a write does to the periods of its row:
- INSERT: one period from the row's own start date (joined / founded / registered on) — open while the row is in
  force, else ended on its end date (left / dissolved / deregistered on) when that lies after the start;
- UPDATE changing a kept column, whether the row is in force, or its end date: on the change day d — the row's end
  date when that was just set (a leave, a dissolution or a deregistration recorded with its date; never later than
  today), otherwise today in the deployment's time zone — periods starting on or after d are dropped, the others
  end at d, and, while the row is in force, a new period opens at d (at the start date when the row has no period
  left: a record corrected on the day it was made);
- UPDATE of the start date alone (a corrected joining date): the first period starts there;
- DELETE: the row's periods go with it (a deleted record was a mistake; the statuses end a real one).
Same-day changes collapse into the last state of the day; a period never starts after it ends.

`backfill_sql()` builds the first history of existing rows set-based (INSERT … SELECT), by the same rule as an
INSERT: their dated facts as the platform has them, which is what "as of" figures computed before history existed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models

from .triggers import TriggerSet, pg_function


@dataclass(frozen=True)
class PeriodHistory:
    name: str                          # trigger name prefix, e.g. "history_member"
    source: str                        # source table
    history: str                       # history table
    key: str                           # history column naming the source row, e.g. "member_id"
    columns: tuple[tuple[str, str], ...]  # (history column, source column) pairs of the kept values
    in_force: str                      # SQL condition on a source row alias "{r}", e.g. "{r}.is_active"
    start: str                         # source column: the first period's start (may be NULL)
    end: str                           # source column: the day the row stopped being in force (may be NULL)

    # --- SQL pieces over a row alias ----------------------------------------------------------------------

    def _force(self, r: str) -> str:
        return "(" + self.in_force.format(r=r) + ")"

    def _first_period(self, r: str) -> tuple[str, str]:
        """(the SELECT list of a row's first period, the condition that it has one) — INSERT and backfill."""
        values = ", ".join([f"{r}.id", *(f"{r}.{source}" for _, source in self.columns), f"{r}.{self.start}",
                            f"CASE WHEN {self._force(r)} THEN NULL ELSE {r}.{self.end} END"])
        has_one = (f"({self._force(r)} OR ({r}.{self.end} IS NOT NULL AND ({r}.{self.start} IS NULL "
                   f"OR {r}.{self.start} < {r}.{self.end})))")
        return values, has_one

    @property
    def _insert_columns(self) -> str:
        return ", ".join([self.key, *(history for history, _ in self.columns), "valid_from", "valid_to"])

    def _tracked(self) -> list[str]:
        """Source columns whose change moves the periods (kept values, in-force columns, end date)."""
        names = [source for _, source in self.columns] + [self.end]
        for column in self.in_force_columns:
            if column not in names:
                names.append(column)
        return names

    @property
    def in_force_columns(self) -> list[str]:
        import re

        return re.findall(r"\{r\}\.(\w+)", self.in_force)

    def backfill_sql(self) -> str:
        """The first history of every existing row (rows that already have periods are left alone)."""
        values, has_one = self._first_period("s")
        return (f"INSERT INTO {self.history} ({self._insert_columns}) SELECT {values} FROM {self.source} s "
                f"WHERE {has_one} AND NOT EXISTS (SELECT 1 FROM {self.history} h WHERE h.{self.key} = s.id)")

    # --- SQLite: row triggers -----------------------------------------------------------------------------

    def _sqlite_today(self) -> str:
        # Django sets the process's TZ to settings.TIME_ZONE, so 'localtime' is the deployment's day.
        return "date('now', 'localtime')"

    def sqlite_statements(self) -> list[str]:
        h, k, today = self.history, self.key, self._sqlite_today()
        values, has_one = self._first_period("NEW")
        tracked = self._tracked()
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in tracked)
        day = (f"(CASE WHEN NEW.{self.end} IS NOT OLD.{self.end} AND NEW.{self.end} IS NOT NULL "
               f"AND NEW.{self.end} <= {today} THEN NEW.{self.end} ELSE {today} END)")
        new_values = ", ".join(["NEW.id", *(f"NEW.{source}" for _, source in self.columns)])
        move = (
            f"DELETE FROM {h} WHERE {k} = NEW.id AND valid_from >= {day}; "
            f"UPDATE {h} SET valid_to = {day} WHERE {k} = NEW.id AND (valid_to IS NULL OR valid_to > {day}); "
            f"INSERT INTO {h} ({self._insert_columns}) SELECT {new_values}, "
            f"CASE WHEN EXISTS (SELECT 1 FROM {h} WHERE {k} = NEW.id) THEN {day} ELSE NEW.{self.start} END, NULL "
            f"WHERE {self._force('NEW')};"
        )
        first = f"(SELECT min(id) FROM {h} WHERE {k} = NEW.id)"
        restart = (f"UPDATE {h} SET valid_from = NEW.{self.start} WHERE id = {first} AND (valid_to IS NULL OR "
                   f"NEW.{self.start} IS NULL OR NEW.{self.start} < valid_to);")
        return [
            f"CREATE TRIGGER IF NOT EXISTS {self.name}_ins AFTER INSERT ON {self.source} "
            f"BEGIN INSERT INTO {h} ({self._insert_columns}) SELECT {values} WHERE {has_one}; END;",
            f"CREATE TRIGGER IF NOT EXISTS {self.name}_start AFTER UPDATE OF {self.start} ON {self.source} "
            f"WHEN OLD.{self.start} IS NOT NEW.{self.start} BEGIN {restart} END;",
            f"CREATE TRIGGER IF NOT EXISTS {self.name}_upd AFTER UPDATE OF {', '.join(tracked)} ON {self.source} "
            f"WHEN {changed} BEGIN {move} END;",
            f"CREATE TRIGGER IF NOT EXISTS {self.name}_del AFTER DELETE ON {self.source} "
            f"BEGIN DELETE FROM {h} WHERE {k} = OLD.id; END;",
        ]

    # --- PostgreSQL: statement triggers over transition tables --------------------------------------------

    def _pg_today(self) -> str:
        return f"(now() AT TIME ZONE '{settings.TIME_ZONE}')::date"

    def postgresql_statements(self) -> list[str]:
        h, k, today = self.history, self.key, self._pg_today()
        values, has_one = self._first_period("n")
        tracked = self._tracked()
        old = ", ".join(f"o.{c}" for c in tracked)
        new = ", ".join(f"n.{c}" for c in tracked)
        day = (f"CASE WHEN n.{self.end} IS DISTINCT FROM o.{self.end} AND n.{self.end} IS NOT NULL "
               f"AND n.{self.end} <= {today} THEN n.{self.end} ELSE {today} END")
        # The rows whose kept values, in-force state or end date changed, with their change day.
        changed = (f"(SELECT n.*, {day} AS change_day FROM new_rows n JOIN old_rows o ON o.id = n.id "
                   f"WHERE ({old}) IS DISTINCT FROM ({new}))")
        restarted = (f"(SELECT n.id, n.{self.start} AS start FROM new_rows n JOIN old_rows o ON o.id = n.id "
                     f"WHERE n.{self.start} IS DISTINCT FROM o.{self.start})")
        new_values = ", ".join(["c.id", *(f"c.{source}" for _, source in self.columns)])
        insert = f"INSERT INTO {h} ({self._insert_columns}) SELECT {values} FROM new_rows n WHERE {has_one};"
        update = (
            f"UPDATE {h} p SET valid_from = r.start FROM {restarted} r WHERE p.{k} = r.id "
            f"AND p.id = (SELECT min(f.id) FROM {h} f WHERE f.{k} = r.id) "
            f"AND (p.valid_to IS NULL OR r.start IS NULL OR r.start < p.valid_to); "
            f"DELETE FROM {h} p USING {changed} c WHERE p.{k} = c.id AND p.valid_from >= c.change_day; "
            f"UPDATE {h} p SET valid_to = c.change_day FROM {changed} c WHERE p.{k} = c.id "
            f"AND (p.valid_to IS NULL OR p.valid_to > c.change_day); "
            f"INSERT INTO {h} ({self._insert_columns}) SELECT {new_values}, "
            f"CASE WHEN EXISTS (SELECT 1 FROM {h} e WHERE e.{k} = c.id) THEN c.change_day ELSE c.{self.start} END, "
            f"NULL FROM {changed} c WHERE {self._force('c')};"
        )
        delete = f"DELETE FROM {h} p USING old_rows o WHERE p.{k} = o.id;"
        statements = [pg_function(f"{self.name}_ins_fn", insert), pg_function(f"{self.name}_upd_fn", update),
                      pg_function(f"{self.name}_del_fn", delete)]
        for suffix, event, referencing in (("ins", "INSERT", "NEW TABLE AS new_rows"),
                                           ("upd", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                                           ("del", "DELETE", "OLD TABLE AS old_rows")):
            statements += [f"DROP TRIGGER IF EXISTS {self.name}_{suffix} ON {self.source};",
                           f"CREATE TRIGGER {self.name}_{suffix} AFTER {event} ON {self.source} REFERENCING "
                           f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION {self.name}_{suffix}_fn();"]
        return statements

    def trigger_set(self) -> TriggerSet:
        return TriggerSet(prefix=f"{self.name}_",
                          names={"sqlite": [f"{self.name}_{s}" for s in ("ins", "start", "upd", "del")],
                                 "postgresql": [f"{self.name}_{s}" for s in ("ins", "upd", "del")]},
                          sqlite_statements=self.sqlite_statements,
                          postgresql_statements=self.postgresql_statements)


def valid_on_q(on, prefix: str = ""):
    """Periods in force on `on`: started on or before it (or since always) and not ended on or before it."""
    from django.db.models import Q

    return ((Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": on}))
            & (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": on})))


class HistoryPeriodQuerySet(models.QuerySet):
    """The manager of every period table (registry.OrgPeriod, party.PartyOrgPeriod, party.MemberPeriod)."""

    def valid_on(self, day):
        """The periods in force on `day` (at most one per source row)."""
        return self.filter(valid_on_q(day))


def drop_foreign_key_index(app_label: str, model_name: str, field_name: str):
    """A migration operation dropping the single-column index Django made for a period table's foreign key when a
    composite index starting with the same column (key, valid_to) serves every lookup by that key (checked with
    EXPLAIN: benchmarks/README.md, history). Dropped by name in place — on SQLite an AlterField would rebuild the
    table, which the history triggers name. The reverse creates the index again."""
    from django.db import migrations

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(field_name).column
        table = model._meta.db_table
        with schema_editor.connection.cursor() as cursor:
            constraints = schema_editor.connection.introspection.get_constraints(cursor, table)
        for name, info in constraints.items():
            if (info["index"] and info["columns"] == [column] and not info["unique"] and not info["primary_key"]
                    and not info.get("foreign_key")):
                schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")

    def backward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[model._meta.get_field(field_name)]))

    return migrations.RunPython(forward, backward)
