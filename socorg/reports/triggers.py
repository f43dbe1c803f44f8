"""Database triggers that keep the annual-report counts (ReportOrgBucket, ReportYearCounts) equal to the
organizations and reports they summarize, so a national figure reads a few thousand rows instead of a million
organizations (issue #13: statistics for the nation ≤ 50 ms).

What is kept (the definitions are those of reports.queries, which the property tests compare with):
- per organization, the years it is due: first_due_year ≤ Y < end_year, where first_due_year is the year of
  registration when registered by 30 June (else the next year; unknown registration: always), and end_year the
  first year whose deadline it is no longer registered on (its own deadline: with or without a supervising unit);
  exempt for Y when registered in the second half of Y;
- per report, its contribution to its year: submitted, late, reviewed, each conclusion, and submitted_due
  (submitted by an organization due that year), keyed by the organization's current authority region and whether
  it has a supervising unit (the two deadlines decide "overdue" by date).

Organizations whose last due year precedes SOCORG_REPORT_MAINTAINED_FROM are left out of the buckets and earlier
registrations are clamped to it: figures of earlier years are counted live (reports.queries).
A migration that rebuilds a counts table on SQLite (a changed constraint or column) must drop these triggers first,
as 0005_bucket_province_totals does: SQLite refuses to rename a table a trigger names; post_migrate reinstalls them.
Why triggers: see coverage.triggers (bulk paths — the ledger, the demo generator — skip Python per row).
"""

from django.conf import settings
from django.db import connection, connections

from socorg.core.triggers import (
    TriggerSet,
    pg_apply,
    pg_function,
    pg_trigger,
    sqlite_exists_guard,
    sqlite_upsert,
)
from socorg.registry.choices import REGISTERED_STATUSES

from . import rules
from .choices import Conclusion, ReportStatus

ORG_TABLE = "registry_socialorganization"
REPORT_TABLE = "reports_annualreport"
BUCKETS = "reports_reportorgbucket"
YEAR_COUNTS = "reports_reportyearcounts"
BUCKET_KEYS = ("rollup", "region_id", "supervised", "first_due_year", "second_half", "end_year")
BUCKET_COLUMNS = ("orgs",)
YEAR_KEYS = ("region_id", "year", "supervised")
YEAR_COLUMNS = ("submitted", "late", "reviewed", *Conclusion.values, "submitted_due")
ORG_TRACKED = ("authority_region_id", "supervisor", "registered_on", "status", "status_changed_on")
REPORT_TRACKED = ("organization_id", "year", "first_submitted_at", "late", "status", "conclusion")
REGISTERED = "(" + ", ".join(f"'{status}'" for status in REGISTERED_STATUSES) + ")"
NAMES = ["reports_org_ins", "reports_org_del", "reports_org_upd", "reports_rep_ins", "reports_rep_del",
         "reports_rep_upd"]


def maintained_from() -> int:
    return int(settings.SOCORG_REPORT_MAINTAINED_FROM)


class Sql:
    """The definitions as SQL over an organization row `o` and a report row `r`, for one database."""

    def __init__(self, vendor: str):
        self.vendor = vendor
        self.first = maintained_from()
        self.cutoff = rules.exemption_cutoff(2000).strftime("%m-%d")
        self.deadline_supervised = rules.deadline(2000, has_supervisor=True).strftime("%m-%d")
        self.deadline_direct = rules.deadline(2000, has_supervisor=False).strftime("%m-%d")

    # PostgreSQL: date_part of the date (as a timestamp, a float), not to_char (which casts each date to a timestamp
    # with time zone and formats text) nor EXTRACT (numeric): the triggers evaluate these several times per row.
    def year(self, day: str) -> str:
        return f"CAST(substr({day}, 1, 4) AS INTEGER)" if self.vendor == "sqlite" else f"date_part('year', {day})::int"

    def month_day(self, day: str) -> str:
        """The day of the year as 'MM-DD' (SQLite's ISO text) or the number MM * 100 + DD; compared with day_of()."""
        if self.vendor == "sqlite":
            return f"substr({day}, 6, 5)"
        return f"(date_part('month', {day}) * 100 + date_part('day', {day}))"

    def day_of(self, month_day: str) -> str:
        """A constant 'MM-DD' in month_day()'s form."""
        return f"'{month_day}'" if self.vendor == "sqlite" else str(int(month_day.replace("-", "")))

    def number(self, condition: str, sign: int) -> str:
        value = f"({condition})" if self.vendor == "sqlite" else f"(({condition})::int)"
        return value if sign > 0 else f"-{value}"

    def supervised(self, o: str) -> str:
        return f"({o}.supervisor <> '')"

    def first_due_raw(self, o: str) -> str:
        """The first year due (0: registration date unknown, due every year)."""
        reg = f"{o}.registered_on"
        return (f"(CASE WHEN {reg} IS NULL THEN 0 WHEN {self.month_day(reg)} <= {self.day_of(self.cutoff)} "
                f"THEN {self.year(reg)} ELSE {self.year(reg)} + 1 END)")

    def first_due(self, o: str) -> str:
        function = "max" if self.vendor == "sqlite" else "GREATEST"
        return f"{function}({self.first_due_raw(o)}, {self.first - 1})"

    def second_half(self, o: str) -> str:
        reg = f"{o}.registered_on"
        return (f"({reg} IS NOT NULL AND {self.month_day(reg)} > {self.day_of(self.cutoff)} "
                f"AND {self.year(reg)} >= {self.first - 1})")

    def end(self, o: str) -> str:
        """The first year the organization is not due: still registered → never; ended on a day d → due for Y
        only when d is after Y's deadline (its own deadline); an ended record with no date → no year."""
        changed = f"{o}.status_changed_on"
        deadline = (f"(CASE WHEN {self.supervised(o)} THEN {self.day_of(self.deadline_supervised)} "
                    f"ELSE {self.day_of(self.deadline_direct)} END)")
        return (f"(CASE WHEN {o}.status IN {REGISTERED} THEN 9999 WHEN {changed} IS NULL THEN 0 "
                f"WHEN {self.month_day(changed)} > {deadline} THEN {self.year(changed)} "
                f"ELSE {self.year(changed)} - 1 END)")

    def in_window(self, o: str) -> str:
        return f"{self.end(o)} > {self.first}"

    def bucket_region(self, o: str, rollup: bool) -> str:
        """The authority region, or for the province totals its province's code."""
        return f"substr({o}.authority_region_id, 1, 2) || '0000'" if rollup else f"{o}.authority_region_id"

    def bucket_values(self, o: str, sign: int, rollup: bool) -> str:
        """rollup, region_id, supervised, first_due_year, second_half, end_year, orgs."""
        names = (*BUCKET_KEYS, *BUCKET_COLUMNS)
        flag = ("1" if rollup else "0") if self.vendor == "sqlite" else ("TRUE" if rollup else "FALSE")
        values = (flag, self.bucket_region(o, rollup), self.supervised(o), self.first_due(o), self.second_half(o),
                  self.end(o), str(sign))
        return ", ".join(f"{value} AS {name}" for value, name in zip(values, names, strict=True))

    def report_values(self, o: str, r: str, sign: int) -> str:
        """region_id, year, supervised, then YEAR_COLUMNS."""
        submitted = f"{r}.first_submitted_at IS NOT NULL"
        reviewed = f"{r}.status = '{ReportStatus.REVIEWED}'"
        due = f"{self.first_due_raw(o)} <= {r}.year AND {r}.year < {self.end(o)}"
        counts = [submitted, f"{r}.late", reviewed,
                  *(f"{reviewed} AND {r}.conclusion = '{c}'" for c in Conclusion.values),
                  f"{submitted} AND {due}"]
        values = [f"{o}.authority_region_id", f"{r}.year", self.supervised(o),
                  *(self.number(c, sign) for c in counts)]
        return ", ".join(f"{value} AS {name}" for value, name in zip(values, (*YEAR_KEYS, *YEAR_COLUMNS),
                                                                         strict=True))


# --- SQLite ---------------------------------------------------------------------------------------------------


def _sqlite_bucket(sql: Sql, row: str, sign: int) -> str:
    statements = []
    for rollup in (False, True):
        where = sql.in_window(row)
        if sign < 0:
            keys = ("1" if rollup else "0", sql.bucket_region(row, rollup), sql.supervised(row), sql.first_due(row),
                    sql.second_half(row), sql.end(row))
            where += f" AND {sqlite_exists_guard(BUCKETS, BUCKET_KEYS, keys)}"
        statements.append(sqlite_upsert(BUCKETS, BUCKET_KEYS, BUCKET_COLUMNS,
                                        f"SELECT {sql.bucket_values(row, sign, rollup)} WHERE {where}"))
    return " ".join(statements)


def _sqlite_reports(sql: Sql, o: str, r: str, from_where: str, sign: int) -> str:
    if sign < 0:
        guard = sqlite_exists_guard(YEAR_COUNTS, YEAR_KEYS, (f"{o}.authority_region_id", f"{r}.year",
                                                             sql.supervised(o)))
        from_where += f" AND {guard}"
    return sqlite_upsert(YEAR_COUNTS, YEAR_KEYS, YEAR_COLUMNS,
                         f"SELECT {sql.report_values(o, r, sign)} {from_where}")


def sqlite_statements() -> list[str]:
    sql = Sql("sqlite")
    org_changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in ORG_TRACKED)
    rep_changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in REPORT_TRACKED)

    def org_reports(row: str, sign: int) -> str:
        return _sqlite_reports(sql, row, "r", f"FROM {REPORT_TABLE} r WHERE r.organization_id = {row}.id", sign)

    def report_org(row: str, sign: int) -> str:
        return _sqlite_reports(sql, "o", row, f"FROM {ORG_TABLE} o WHERE o.id = {row}.organization_id", sign)

    return [
        f"CREATE TRIGGER IF NOT EXISTS reports_org_ins AFTER INSERT ON {ORG_TABLE} "
        f"BEGIN {_sqlite_bucket(sql, 'NEW', +1)} END;",
        f"CREATE TRIGGER IF NOT EXISTS reports_org_del AFTER DELETE ON {ORG_TABLE} "
        f"BEGIN {_sqlite_bucket(sql, 'OLD', -1)} {org_reports('OLD', -1)} END;",
        f"CREATE TRIGGER IF NOT EXISTS reports_org_upd AFTER UPDATE OF {', '.join(ORG_TRACKED)} ON {ORG_TABLE} "
        f"WHEN {org_changed} BEGIN {_sqlite_bucket(sql, 'OLD', -1)} {_sqlite_bucket(sql, 'NEW', +1)} "
        f"{org_reports('OLD', -1)} {org_reports('NEW', +1)} END;",
        f"CREATE TRIGGER IF NOT EXISTS reports_rep_ins AFTER INSERT ON {REPORT_TABLE} "
        f"BEGIN {report_org('NEW', +1)} END;",
        f"CREATE TRIGGER IF NOT EXISTS reports_rep_del AFTER DELETE ON {REPORT_TABLE} "
        f"BEGIN {report_org('OLD', -1)} END;",
        f"CREATE TRIGGER IF NOT EXISTS reports_rep_upd AFTER UPDATE OF {', '.join(REPORT_TRACKED)} "
        f"ON {REPORT_TABLE} WHEN {rep_changed} BEGIN {report_org('OLD', -1)} {report_org('NEW', +1)} END;",
    ]


# --- PostgreSQL ---------------------------------------------------------------------------------------------


def postgresql_statements() -> list[str]:
    sql = Sql("postgresql")

    def buckets(table: str, sign: int) -> str:
        return " UNION ALL ".join(f"SELECT {sql.bucket_values('o', sign, rollup)} FROM {table} o "
                                  f"WHERE {sql.in_window('o')}" for rollup in (False, True))

    def org_reports(table: str, sign: int) -> str:
        return (f"SELECT {sql.report_values('o', 'r', sign)} FROM {table} o "
                f"JOIN {REPORT_TABLE} r ON r.organization_id = o.id")

    def report_orgs(table: str, sign: int) -> str:
        return (f"SELECT {sql.report_values('o', 'r', sign)} FROM {table} r "
                f"JOIN {ORG_TABLE} o ON o.id = r.organization_id")

    # An UPDATE statement over organizations (the coverage flags' set-based refresh touches every row) only
    # matters for the rows whose tracked columns changed.
    differs = (f"ROW({', '.join(f'a.{c}' for c in ORG_TRACKED)}) IS DISTINCT FROM "
               f"ROW({', '.join(f'b.{c}' for c in ORG_TRACKED)})")
    changed_old = f"(SELECT a.* FROM old_rows a JOIN new_rows b ON b.id = a.id WHERE {differs})"
    changed_new = f"(SELECT b.* FROM old_rows a JOIN new_rows b ON b.id = a.id WHERE {differs})"

    bucket = (BUCKETS, BUCKET_KEYS, BUCKET_COLUMNS)
    year = (YEAR_COUNTS, YEAR_KEYS, YEAR_COLUMNS)
    org_ins = pg_apply(*bucket, buckets("new_rows", +1))
    org_del = pg_apply(*bucket, buckets("old_rows", -1)) + " " + pg_apply(*year, org_reports("old_rows", -1))
    org_upd = (pg_apply(*bucket, f"{buckets(changed_new, +1)} UNION ALL {buckets(changed_old, -1)}") + " "
               + pg_apply(*year, f"{org_reports(changed_new, +1)} UNION ALL {org_reports(changed_old, -1)}"))
    rep_ins = pg_apply(*year, report_orgs("new_rows", +1))
    rep_del = pg_apply(*year, report_orgs("old_rows", -1))
    rep_upd = pg_apply(*year, f"{report_orgs('new_rows', +1)} UNION ALL {report_orgs('old_rows', -1)}")
    both = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
    return [
        pg_function("reports_org_ins_fn", org_ins),
        pg_function("reports_org_del_fn", org_del),
        pg_function("reports_org_upd_fn", org_upd),
        pg_function("reports_rep_ins_fn", rep_ins),
        pg_function("reports_rep_del_fn", rep_del),
        pg_function("reports_rep_upd_fn", rep_upd),
        *pg_trigger("reports_org_ins", "INSERT", ORG_TABLE, "NEW TABLE AS new_rows", "reports_org_ins_fn"),
        *pg_trigger("reports_org_del", "DELETE", ORG_TABLE, "OLD TABLE AS old_rows", "reports_org_del_fn"),
        *pg_trigger("reports_org_upd", "UPDATE", ORG_TABLE, both, "reports_org_upd_fn"),
        *pg_trigger("reports_rep_ins", "INSERT", REPORT_TABLE, "NEW TABLE AS new_rows", "reports_rep_ins_fn"),
        *pg_trigger("reports_rep_del", "DELETE", REPORT_TABLE, "OLD TABLE AS old_rows", "reports_rep_del_fn"),
        *pg_trigger("reports_rep_upd", "UPDATE", REPORT_TABLE, both, "reports_rep_upd_fn"),
    ]


TRIGGERS = TriggerSet(prefix="reports_", names={"sqlite": NAMES, "postgresql": NAMES},
                      sqlite_statements=sqlite_statements, postgresql_statements=postgresql_statements)


def install_triggers(using: str = "default") -> bool:
    return TRIGGERS.install(using)


def rebuild_counts() -> None:
    """Recount both tables from the organizations and reports, set-based (after installing the triggers, after a
    change of the deadlines or of SOCORG_REPORT_MAINTAINED_FROM, or to repair)."""
    sql = Sql(connection.vendor)
    groups = ", ".join(str(n) for n in range(1, len(BUCKET_KEYS) + 1))
    sums = ", ".join(f"SUM({c})" for c in YEAR_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {BUCKETS}")
        for rollup in (False, True):
            cursor.execute(f"INSERT INTO {BUCKETS} ({', '.join((*BUCKET_KEYS, *BUCKET_COLUMNS))}) "
                           f"SELECT {', '.join(BUCKET_KEYS)}, COUNT(*) FROM "
                           f"(SELECT {sql.bucket_values('o', +1, rollup)} FROM {ORG_TABLE} o "
                           f"WHERE {sql.in_window('o')}) d GROUP BY {groups}")
        cursor.execute(f"DELETE FROM {YEAR_COUNTS}")
        cursor.execute(f"INSERT INTO {YEAR_COUNTS} ({', '.join((*YEAR_KEYS, *YEAR_COLUMNS))}) "
                       f"SELECT region_id, year, supervised, {sums} FROM "
                       f"(SELECT {sql.report_values('o', 'r', +1)} FROM {REPORT_TABLE} r "
                       f"JOIN {ORG_TABLE} o ON o.id = r.organization_id) d GROUP BY 1, 2, 3")



# --- The report's province and prefecture (AnnualReport.province_prefix / prefecture_prefix) --------------------
#
# Derived from the organization's authority region, so that a province's or a prefecture's review queue is read in
# order from the indexes (year, province_prefix | prefecture_prefix, submitted_at desc, id desc) (core.scope
# .region_subtree). Kept here, by triggers, because reports are written by the services, the ledger sheet and the
# demo (bulk_create), and organizations move region through the registry's services, the ledger and set-based
# UPDATEs: no writer can forget them.
# - a report inserted, or updated naming its organization or these columns (Django's save() names every column, so
#   a stale instance saved after its organization moved cannot write its old region back): the values are read
#   from its organization (PostgreSQL: BEFORE ROW; SQLite, whose triggers cannot change NEW: AFTER ROW, UPDATE);
# - an organization whose authority region changes: its reports follow (a row trigger on UPDATE OF
#   authority_region_id WHEN it differs, so the many UPDATEs of organizations that keep their region cost nothing).

REGION_NAMES = ["reports_region_rep_ins", "reports_region_rep_upd", "reports_region_org"]
PG_REGION_NAMES = ["reports_region_rep", "reports_region_org"]
PROVINCE_LENGTH, PREFECTURE_LENGTH = 2, 4


def region_values(region: str) -> str:
    """The SET list of the report's region columns from an authority region code expression."""
    return (f"province_prefix = substr({region}, 1, {PROVINCE_LENGTH}), "
            f"prefecture_prefix = substr({region}, 1, {PREFECTURE_LENGTH})")


def region_sqlite_statements() -> list[str]:
    of_org = f"(SELECT o.authority_region_id FROM {ORG_TABLE} o WHERE o.id = NEW.organization_id)"
    set_from_org = f"UPDATE {REPORT_TABLE} SET {region_values(of_org)} WHERE id = NEW.id;"
    stale = (f"NEW.province_prefix IS NOT substr({of_org}, 1, {PROVINCE_LENGTH}) "
             f"OR NEW.prefecture_prefix IS NOT substr({of_org}, 1, {PREFECTURE_LENGTH})")
    return [
        f"CREATE TRIGGER IF NOT EXISTS reports_region_rep_ins AFTER INSERT ON {REPORT_TABLE} "
        f"BEGIN {set_from_org} END;",
        f"CREATE TRIGGER IF NOT EXISTS reports_region_rep_upd AFTER UPDATE OF organization_id, province_prefix, "
        f"prefecture_prefix ON {REPORT_TABLE} WHEN {stale} BEGIN {set_from_org} END;",
        f"CREATE TRIGGER IF NOT EXISTS reports_region_org AFTER UPDATE OF authority_region_id ON {ORG_TABLE} "
        f"WHEN OLD.authority_region_id IS NOT NEW.authority_region_id "
        f"BEGIN UPDATE {REPORT_TABLE} SET {region_values('NEW.authority_region_id')} "
        f"WHERE organization_id = NEW.id; END;",
    ]


def region_postgresql_statements() -> list[str]:
    from_org = (f"SELECT substr(o.authority_region_id, 1, {PROVINCE_LENGTH}), "
                f"substr(o.authority_region_id, 1, {PREFECTURE_LENGTH}) "
                f"INTO NEW.province_prefix, NEW.prefecture_prefix FROM {ORG_TABLE} o WHERE o.id = NEW.organization_id;")
    follow = f"UPDATE {REPORT_TABLE} SET {region_values('NEW.authority_region_id')} WHERE organization_id = NEW.id;"
    return [
        # The function of a BEFORE ROW trigger returns the row (pg_function's return NULL would drop it).
        f"CREATE OR REPLACE FUNCTION reports_region_rep_fn() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {from_org} RETURN NEW; END $$;",
        pg_function("reports_region_org_fn", follow),
        f"DROP TRIGGER IF EXISTS reports_region_rep ON {REPORT_TABLE};",
        f"CREATE TRIGGER reports_region_rep BEFORE INSERT OR UPDATE OF organization_id, province_prefix, "
        f"prefecture_prefix ON {REPORT_TABLE} FOR EACH ROW EXECUTE FUNCTION reports_region_rep_fn();",
        f"DROP TRIGGER IF EXISTS reports_region_org ON {ORG_TABLE};",
        f"CREATE TRIGGER reports_region_org AFTER UPDATE OF authority_region_id ON {ORG_TABLE} FOR EACH ROW "
        f"WHEN (OLD.authority_region_id IS DISTINCT FROM NEW.authority_region_id) "
        f"EXECUTE FUNCTION reports_region_org_fn();",
    ]


REGION_TRIGGERS = TriggerSet(prefix="reports_region_", names={"sqlite": REGION_NAMES, "postgresql": PG_REGION_NAMES},
                             sqlite_statements=region_sqlite_statements,
                             postgresql_statements=region_postgresql_statements)


def backfill_regions_sql(vendor: str) -> str:
    """One set-based UPDATE … FROM (PostgreSQL, SQLite ≥ 3.33) giving every report whose region columns differ from
    its organization's authority region the right ones: the migration's backfill, and the repair after the triggers
    were (re)installed. Rows already right are not written."""
    province = f"substr(o.authority_region_id, 1, {PROVINCE_LENGTH})"
    prefecture = f"substr(o.authority_region_id, 1, {PREFECTURE_LENGTH})"
    distinct = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return (f"UPDATE {REPORT_TABLE} AS r SET province_prefix = {province}, prefecture_prefix = {prefecture} "
            f"FROM {ORG_TABLE} AS o WHERE o.id = r.organization_id "
            f"AND (r.province_prefix {distinct} {province} OR r.prefecture_prefix {distinct} {prefecture})")


def install_region_triggers(using: str = "default") -> None:
    """Install the region triggers when missing or changed, then repair what was written without them."""
    if REGION_TRIGGERS.install(using):
        with connections[using].cursor() as cursor:
            cursor.execute(backfill_regions_sql(connections[using].vendor))
