"""The scan: evaluate every enabled rule as of a date, open new alerts, refresh the evidence of open ones, resolve
those whose condition no longer holds, and escalate overdue rectifications.

Idempotent: a second scan with the same date and data changes nothing. Each rule is applied in its own transaction
with its RuleSetting row locked, so two scans running at once serialise per rule; the partial unique index on open
alerts is the last line of defence."""

import datetime
import json
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from socorg.core.audit import SYSTEM, audit_write
from socorg.core.scope import in_subtree, subtree_sql

from .choices import OPEN_STATUSES, AlertStatus, SubjectType
from .config import RuleConfig, rule_configs
from .models import Alert, RuleSetting, ScanRun
from .rules import shared_evaluation

CONDITION_GONE = "condition no longer holds"
RULE_DISABLED = "rule disabled"


@dataclass
class RuleOutcome:
    code: str
    enabled: bool
    findings: int = 0
    opened: int = 0
    resolved: int = 0
    updated: int = 0
    seconds: float = 0.0
    evaluate_seconds: float = 0.0  # the findings into the temporary table
    write_seconds: float = 0.0  # resolving, refreshing and opening (the rest of `seconds` is the commit)
    problem: str = ""


@dataclass
class ScanResult:
    as_of: datetime.date
    region_prefix: str
    rules: list[RuleOutcome] = field(default_factory=list)
    escalated: int = 0
    open: int = 0
    seconds: float = 0.0

    @property
    def opened(self) -> int:
        return sum(r.opened for r in self.rules)

    @property
    def resolved(self) -> int:
        return sum(r.resolved for r in self.rules)


def run_scan(*, as_of: datetime.date | None = None, region_prefix: str = "", actor=None) -> ScanResult:
    """Evaluate the rules for the region subtree under `region_prefix` ("" = everything)."""
    as_of = as_of or timezone.localdate()
    started, clock = timezone.now(), time.perf_counter()
    result = ScanResult(as_of, region_prefix)
    with translation.override("zh-hans"), shared_evaluation():  # alert messages are stored in Chinese
        for config in rule_configs().values():
            result.rules.append(apply_rule(config, as_of, region_prefix))
    from .services import escalate_overdue

    result.escalated = escalate_overdue(as_of=as_of, region_prefix=region_prefix)
    result.open = open_alerts(region_prefix).count()
    result.seconds = time.perf_counter() - clock
    _record(result, started, actor)
    return result


def open_alerts(region_prefix: str = ""):
    alerts = Alert.objects.filter(status__in=OPEN_STATUSES)
    return alerts.filter(in_subtree("region__code", region_prefix))


def apply_rule(config: RuleConfig, as_of: datetime.date, region_prefix: str) -> RuleOutcome:
    """Set-based: one statement joins the rule's findings — straight from its query for a set-based rule, from its
    Finding objects (copied into a temporary table) otherwise — with the rule's open alerts (a full join on the
    subject key) and keeps only the differences: findings without an open alert, open alerts without a finding,
    findings whose alert changed (and those with an accepted rectification, which decide whether it is cleared and
    whether its occurrence is suppressed). Resolving, clearing, refreshing and opening are then one statement each
    over those differences. In a steady state nothing but the differences is materialised, and only what changed is
    written."""
    rule = config.rule
    outcome = RuleOutcome(rule.code, config.enabled, problem=config.problem)
    clock = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rules' queries are index probes whose many subplans push their estimated cost past jit_above_cost;
            # compiling them cost ≈ 1.1 s of an activity rule's 2.9 s on the national set (EXPLAIN ANALYZE), and
            # saved nothing.
            cursor.execute("SET LOCAL jit = off")
        _lock_rule(rule)
        where = _OpenAlerts(rule.code, region_prefix)
        _create_temp_table(cursor, DIFFERENCES, f"subject_key varchar(40) NOT NULL, subject_id bigint, "
                                                f"region_id varchar(6), evidence {_json_type()}, episode varchar(40), "
                                                f"message text, alert_id bigint")
        source = _findings_source(cursor, config, as_of, region_prefix) if config.enabled else None
        outcome.findings = _load_differences(cursor, config, where, source)
        _index_or_analyze(cursor, DIFFERENCES)
        outcome.evaluate_seconds = time.perf_counter() - clock
        reason = CONDITION_GONE if config.enabled else RULE_DISABLED
        outcome.resolved = _resolve(cursor, where, as_of, reason)
        _clear_accepted(cursor, where, as_of)
        outcome.updated = _refresh(cursor, config)
        outcome.opened = _open(cursor, config, as_of)
        cursor.execute(f"DROP TABLE {DIFFERENCES}")
        if source is not None and source[0] == _SOURCE_SELECT:
            cursor.execute(f"DROP TABLE {SOURCE}")
        outcome.write_seconds = time.perf_counter() - clock - outcome.evaluate_seconds
    outcome.seconds = time.perf_counter() - clock
    return outcome


def _lock_rule(rule) -> None:
    setting, _created = RuleSetting.objects.get_or_create(code=rule.code, defaults={
        "severity": rule.severity, "params": {}})
    RuleSetting.objects.select_for_update().filter(pk=setting.pk).exists()


# --- the differences table and the set-based statements -----------------------------------------------------

DIFFERENCES = "alerts_scan_difference"
SOURCE = "alerts_scan_finding"  # the findings of a rule computed in Python
ALERTS = Alert._meta.db_table
FINDING_FIELDS = ["subject_key", "subject_id", "region_id", "evidence", "episode", "message"]
_SOURCE_SELECT = f"SELECT {', '.join(FINDING_FIELDS)} FROM {SOURCE}"


def _create_temp_table(cursor, name: str, columns: str) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")


def _write_rows(cursor, table: str, columns: list[str], rows) -> None:
    """COPY on PostgreSQL, executemany on SQLite (the rows are plain tuples in database form)."""
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                           list(rows))


def _json_type() -> str:
    return "jsonb" if connection.vendor == "postgresql" else "text"


def _index_or_analyze(cursor, table: str) -> None:
    """A unique index on the key (clearing accepted rectifications probes it; without it a planner misled by stale
    statistics on the alerts table once chose a nested loop over the whole table per alert: minutes instead of a
    second), and on PostgreSQL statistics (temporary tables are never analysed automatically)."""
    cursor.execute(f"CREATE UNIQUE INDEX {table}_key ON {table} (subject_key)")
    cursor.execute(f"CREATE INDEX {table}_alert ON {table} (alert_id)")  # refreshing joins on it
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {table}")


def _findings_source(cursor, config: RuleConfig, as_of, region_prefix: str) -> tuple[str, list]:
    """The rule's findings as a SELECT of FINDING_FIELDS (sql, params): the rule's own query for a set-based rule;
    for the others their Finding objects, copied into a temporary table first."""
    rule = config.rule
    query = rule.findings_query(as_of, region_prefix, config.params)
    if query is not None:
        sql, params = query.query.sql_with_params()
        return (f"SELECT %s || CAST(q.finding_subject AS varchar(20)) AS subject_key, q.finding_subject AS subject_id, "
                f"q.finding_region AS region_id, q.finding_evidence AS evidence, q.finding_episode AS episode, "
                f"q.finding_message AS message FROM ({sql}) q", [f"{rule.subject_type}:", *params])
    _create_temp_table(cursor, SOURCE, f"subject_key varchar(40) NOT NULL, subject_id bigint NOT NULL, "
                                       f"region_id varchar(6) NOT NULL, evidence {_json_type()} NOT NULL, "
                                       f"episode varchar(40) NOT NULL, message text NOT NULL")
    findings = {f"{rule.subject_type}:{f.subject_id}": f for f in rule.evaluate(as_of, region_prefix, config.params)}
    # Serialised as Django's JSONField does (SQLite compares the normalised JSON text, PostgreSQL jsonb values).
    _write_rows(cursor, SOURCE, FINDING_FIELDS,
                ((key, f.subject_id, f.region_id, json.dumps(f.evidence), f.episode, rule.message(f, config.params))
                 for key, f in findings.items()))
    return _SOURCE_SELECT, []


class _OpenAlerts:
    """SQL conditions on the alerts table for one rule (and one region subtree)."""

    def __init__(self, code: str, region_prefix: str):
        self.code = code
        self.statuses = list(OPEN_STATUSES)
        self.status_in = f"{ALERTS}.status IN ({', '.join(['%s'] * len(self.statuses))})"
        self.region, self.region_params = subtree_sql(f"{ALERTS}.region_id", region_prefix)


def _json_differs(left: str, right: str) -> str:
    if connection.vendor == "postgresql":
        return f"{left} <> {right}"
    # SQLite keeps JSON as text: compare it minified, so the same evidence written by the ORM counts as equal.
    return f"json({left}) <> json({right})"


def _differs(alert: str, finding: str) -> str:
    """The open alert `alert` no longer shows the finding `finding` (one %s: the rule's severity)."""
    return (f"({_json_differs(f'{alert}.evidence', f'{finding}.evidence')} OR {alert}.episode <> {finding}.episode "
            f"OR {alert}.severity <> %s OR {alert}.region_id <> {finding}.region_id)")


def _load_differences(cursor, config: RuleConfig, where: _OpenAlerts, source: tuple[str, list] | None) -> int:
    """The rule's findings (`source`; None: the rule is disabled) fully joined with its open alerts (in every
    region: a finding matches its open alert wherever that is), keeping the rows the scan acts on: a finding
    without an open alert (alert_id NULL), an open alert without a finding (subject_id NULL), a finding its open
    alert does not show, and a finding whose subject has an accepted rectification not yet cleared. Returns the
    number of findings (those matching an open alert are counted, not kept)."""
    columns = "subject_key, subject_id, region_id, evidence, episode, message, alert_id"
    alerts = (f"SELECT {ALERTS}.id, {ALERTS}.subject_key, {ALERTS}.evidence, {ALERTS}.episode, {ALERTS}.severity, "
              f"{ALERTS}.region_id FROM {ALERTS} WHERE {ALERTS}.rule = %s AND {where.status_in}")
    alert_params = [where.code, *where.statuses]
    if source is None:
        cursor.execute(f"INSERT INTO {DIFFERENCES} ({columns}) "
                       f"SELECT a.subject_key, NULL, NULL, NULL, NULL, NULL, a.id FROM ({alerts}) a", alert_params)
        return 0
    cursor.execute(f"SELECT COUNT(*) FROM {ALERTS} WHERE {ALERTS}.rule = %s AND {where.status_in}", alert_params)
    matched = cursor.fetchone()[0]
    source_sql, source_params = source
    cursor.execute(
        f"INSERT INTO {DIFFERENCES} ({columns}) "
        f"SELECT COALESCE(q.subject_key, a.subject_key), q.subject_id, q.region_id, q.evidence, q.episode, q.message, "
        f"a.id FROM ({source_sql}) q FULL JOIN ({alerts}) a ON a.subject_key = q.subject_key "
        f"WHERE a.id IS NULL OR q.subject_key IS NULL OR {_differs('a', 'q')} "
        f"OR EXISTS (SELECT 1 FROM {ALERTS} WHERE {ALERTS}.rule = %s AND {ALERTS}.subject_key = q.subject_key "
        f"AND {ALERTS}.status = %s AND {ALERTS}.cleared_on IS NULL)",
        [*source_params, *alert_params, config.severity, where.code, AlertStatus.ACCEPTED])
    cursor.execute(f"SELECT SUM(CASE WHEN subject_id IS NULL THEN 1 ELSE 0 END), "
                   f"SUM(CASE WHEN alert_id IS NULL THEN 1 ELSE 0 END) FROM {DIFFERENCES}")
    gone, new = (value or 0 for value in cursor.fetchone())
    return matched - gone + new


def _among(ids_query: str) -> str:
    """`IN (ids_query)` driven from the (small, analysed) differences: on PostgreSQL as `= ANY(ARRAY(…))`, an
    index look-up of each listed alert, since the alerts table's statistics may say it is empty while this
    transaction filled it (a planner trusting them scanned every alert per difference: minutes)."""
    if connection.vendor == "postgresql":
        return f"= ANY(ARRAY({ids_query}))"
    return f"IN ({ids_query})"


def _resolve(cursor, where: _OpenAlerts, as_of, reason: str) -> int:
    """Open alerts (in the region) without a finding are resolved (the differences list only the rule's open
    alerts)."""
    cursor.execute(
        f"UPDATE {ALERTS} SET status = %s, resolved_on = %s, resolution_reason = %s, updated_at = %s "
        f"WHERE {ALERTS}.id {_among(f'SELECT f.alert_id FROM {DIFFERENCES} f WHERE f.subject_id IS NULL')}"
        f"{where.region}",
        [AlertStatus.RESOLVED, _day(as_of), reason, _now(), *where.region_params])
    return cursor.rowcount


def _clear_accepted(cursor, where: _OpenAlerts, as_of) -> None:
    """Accepted rectifications whose condition is gone are marked cleared, so a later recurrence opens a new alert;
    those whose condition has held ever since keep suppressing the same occurrence (see _open). Every finding of a
    subject with such a rectification is among the differences."""
    cursor.execute(
        f"UPDATE {ALERTS} SET cleared_on = %s WHERE {ALERTS}.rule = %s AND {ALERTS}.status = %s "
        f"AND {ALERTS}.cleared_on IS NULL{where.region} AND NOT EXISTS (SELECT 1 FROM {DIFFERENCES} f "
        f"WHERE f.subject_key = {ALERTS}.subject_key AND f.subject_id IS NOT NULL)",
        [_day(as_of), where.code, AlertStatus.ACCEPTED, *where.region_params])


def _refresh(cursor, config: RuleConfig) -> int:
    """Open alerts whose evidence, occurrence, severity or region changed get the new picture (and message) in one
    UPDATE … FROM; unchanged ones are not written."""
    cursor.execute(
        f"UPDATE {ALERTS} SET message = f.message, evidence = f.evidence, episode = f.episode, "
        f"region_id = f.region_id, severity = %s, updated_at = %s FROM {DIFFERENCES} f "
        f"WHERE {ALERTS}.id {_among(f'SELECT alert_id FROM {DIFFERENCES} WHERE alert_id IS NOT NULL')} "
        f"AND {ALERTS}.id = f.alert_id AND f.subject_id IS NOT NULL AND {_differs(ALERTS, 'f')}",
        [config.severity, _now(), config.severity])
    return cursor.rowcount


OPEN_FIELDS = ["rule", "subject_type", "subject_key", "party_org", "organization", "region", "severity", "message",
               "evidence", "episode", "status", "opened_on", "updated_at"]


def _defaults() -> tuple[list[str], list]:
    """The alert columns a scan does not set, with their defaults in database form."""
    omitted = [f for f in Alert._meta.concrete_fields
               if f.name not in OPEN_FIELDS and not f.primary_key and not f.auto_created]
    return [f.column for f in omitted], [f.get_db_prep_save(f.get_default(), connection) for f in omitted]


def _open(cursor, config: RuleConfig, as_of) -> int:
    """Findings without an open alert, and not an occurrence whose rectification was accepted, become new alerts in
    one INSERT … SELECT, in key order (so the unique index on open alerts is filled page by page)."""
    rule = config.rule
    party = rule.subject_type == SubjectType.PARTY_ORG
    columns = [Alert._meta.get_field(name).column for name in OPEN_FIELDS]
    default_columns, defaults = _defaults()
    cursor.execute(
        f"INSERT INTO {ALERTS} ({', '.join(columns + default_columns)}) "
        f"SELECT %s, %s, f.subject_key, {'f.subject_id' if party else 'NULL'}, {'NULL' if party else 'f.subject_id'}, "
        f"f.region_id, %s, f.message, f.evidence, f.episode, %s, %s, %s{''.join(', %s' for _ in defaults)} "
        f"FROM {DIFFERENCES} f WHERE f.alert_id IS NULL AND f.subject_id IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {ALERTS} WHERE {ALERTS}.rule = %s AND {ALERTS}.subject_key = f.subject_key "
        f"AND {ALERTS}.status = %s AND {ALERTS}.cleared_on IS NULL AND {ALERTS}.episode = f.episode) "
        f"ORDER BY f.subject_key",
        [rule.code, rule.subject_type, config.severity, AlertStatus.OPEN, _day(as_of), _now(), *defaults,
         rule.code, AlertStatus.ACCEPTED])
    return cursor.rowcount


def _day(day: datetime.date):
    return connection.ops.adapt_datefield_value(day)


def _now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _record(result: ScanResult, started, actor) -> None:
    per_rule = {r.code: {"enabled": r.enabled, "findings": r.findings, "opened": r.opened, "resolved": r.resolved,
                         "updated": r.updated, "seconds": round(r.seconds, 3), "problem": r.problem}
                for r in result.rules}
    run = ScanRun.objects.create(as_of=result.as_of, region_prefix=result.region_prefix, started_at=started,
                                 seconds=result.seconds, opened=result.opened, resolved=result.resolved,
                                 open_count=result.open, escalated=result.escalated, per_rule=per_rule)
    audit_write(action="alerts.scan", obj=run, actor=actor or SYSTEM, object_repr=_("Early-warning scan as of %(date)s")
                % {"date": result.as_of}, after={"region_prefix": result.region_prefix, "opened": result.opened,
                                                 "resolved": result.resolved, "escalated": result.escalated,
                                                 "open": result.open})
