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
from socorg.core.bulk import TableWriter
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
    evaluate_seconds: float = 0.0
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
    """Set-based: the findings are loaded into a temporary table once; resolving, clearing, refreshing and opening
    are then one statement each that compares keys in the database. Python touches only the findings (to build
    their evidence) and, for new or changed alerts, their messages — never the unchanged open alerts."""
    rule = config.rule
    outcome = RuleOutcome(rule.code, config.enabled, problem=config.problem)
    clock = time.perf_counter()
    findings = {}
    if config.enabled:
        findings = {f"{rule.subject_type}:{f.subject_id}": f
                    for f in rule.evaluate(as_of, region_prefix, config.params)}
        outcome.findings = len(findings)
    outcome.evaluate_seconds = time.perf_counter() - clock
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_rule(rule)
        # Serialised as Django's JSONField does, so that SQLite (which compares JSON as text) sees equal evidence
        # as equal; PostgreSQL compares jsonb values.
        evidence = {key: json.dumps(f.evidence) for key, f in findings.items()}
        _load_findings(cursor, findings, evidence)
        where = _OpenAlerts(rule.code, region_prefix)
        reason = CONDITION_GONE if config.enabled else RULE_DISABLED
        outcome.resolved = _resolve(cursor, where, as_of, reason)
        _clear_accepted(cursor, where, as_of)
        outcome.updated = _refresh(cursor, config, where, findings, evidence)
        outcome.opened = _open(cursor, config, where, findings, evidence, as_of)
        cursor.execute(f"DROP TABLE {FINDINGS}")
    outcome.seconds = time.perf_counter() - clock
    return outcome


def _lock_rule(rule) -> None:
    setting, _created = RuleSetting.objects.get_or_create(code=rule.code, defaults={
        "severity": rule.severity, "params": {}})
    RuleSetting.objects.select_for_update().filter(pk=setting.pk).exists()


# --- the findings table and the set-based statements ---------------------------------------------------------

FINDINGS = "alerts_scan_finding"
CHANGES = "alerts_scan_change"
ALERTS = Alert._meta.db_table


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
    """SQLite needs an index on the key for its anti-joins; PostgreSQL hashes the table and only needs statistics
    (temporary tables are never analysed automatically)."""
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {table}")
    else:
        cursor.execute(f"CREATE UNIQUE INDEX {table}_key ON {table} (subject_key)")


def _load_findings(cursor, findings: dict, evidence: dict) -> None:
    _create_temp_table(cursor, FINDINGS, f"subject_key varchar(40) NOT NULL, region_id varchar(6) NOT NULL, "
                                         f"evidence {_json_type()} NOT NULL, episode varchar(40) NOT NULL")
    _write_rows(cursor, FINDINGS, ["subject_key", "region_id", "evidence", "episode"],
                ((key, f.region_id, evidence[key], f.episode) for key, f in findings.items()))
    _index_or_analyze(cursor, FINDINGS)


class _OpenAlerts:
    """SQL conditions on the alerts table for one rule (and one region subtree)."""

    def __init__(self, code: str, region_prefix: str):
        self.code = code
        self.statuses = list(OPEN_STATUSES)
        self.status_in = f"{ALERTS}.status IN ({', '.join(['%s'] * len(self.statuses))})"
        self.region, self.region_params = subtree_sql(f"{ALERTS}.region_id", region_prefix)


def _resolve(cursor, where: _OpenAlerts, as_of, reason: str) -> int:
    cursor.execute(
        f"UPDATE {ALERTS} SET status = %s, resolved_on = %s, resolution_reason = %s, updated_at = %s "
        f"WHERE {ALERTS}.rule = %s AND {where.status_in}{where.region} "
        f"AND NOT EXISTS (SELECT 1 FROM {FINDINGS} f WHERE f.subject_key = {ALERTS}.subject_key)",
        [AlertStatus.RESOLVED, _day(as_of), reason, _now(), where.code, *where.statuses, *where.region_params])
    return cursor.rowcount


def _clear_accepted(cursor, where: _OpenAlerts, as_of) -> None:
    """Accepted rectifications whose condition is gone are marked cleared, so a later recurrence opens a new alert;
    those whose condition has held ever since keep suppressing the same occurrence (see _open)."""
    cursor.execute(
        f"UPDATE {ALERTS} SET cleared_on = %s WHERE {ALERTS}.rule = %s AND {ALERTS}.status = %s "
        f"AND {ALERTS}.cleared_on IS NULL{where.region} "
        f"AND NOT EXISTS (SELECT 1 FROM {FINDINGS} f WHERE f.subject_key = {ALERTS}.subject_key)",
        [_day(as_of), where.code, AlertStatus.ACCEPTED, *where.region_params])


def _refresh(cursor, config: RuleConfig, where: _OpenAlerts, findings: dict, evidence: dict) -> int:
    """Open alerts whose evidence, occurrence, severity or region changed get the new picture: the changed keys
    are found in SQL, their new messages written to a second temporary table, and one UPDATE … FROM applies them."""
    cursor.execute(
        f"SELECT f.subject_key FROM {FINDINGS} f JOIN {ALERTS} ON {ALERTS}.rule = %s "
        f"AND {ALERTS}.subject_key = f.subject_key AND {where.status_in} "
        f"WHERE {ALERTS}.evidence <> f.evidence OR {ALERTS}.episode <> f.episode OR {ALERTS}.severity <> %s "
        f"OR {ALERTS}.region_id <> f.region_id",
        [where.code, *where.statuses, config.severity])
    changed = [key for (key,) in cursor.fetchall()]
    if not changed:
        return 0
    _create_temp_table(cursor, CHANGES, "subject_key varchar(40) NOT NULL, message text NOT NULL")
    _write_rows(cursor, CHANGES, ["subject_key", "message"],
                ((key, config.rule.message(findings[key], config.params)) for key in changed))
    _index_or_analyze(cursor, CHANGES)
    cursor.execute(
        f"UPDATE {ALERTS} SET message = c.message, evidence = f.evidence, episode = f.episode, "
        f"region_id = f.region_id, severity = %s, updated_at = %s "
        f"FROM {CHANGES} c JOIN {FINDINGS} f ON f.subject_key = c.subject_key "
        f"WHERE {ALERTS}.rule = %s AND {ALERTS}.subject_key = c.subject_key AND {where.status_in}",
        [config.severity, _now(), where.code, *where.statuses])
    cursor.execute(f"DROP TABLE {CHANGES}")
    return len(changed)


OPEN_FIELDS = ["rule", "subject_type", "subject_key", "party_org", "organization", "region", "severity", "message",
               "evidence", "episode", "status", "opened_on", "updated_at"]


def _open(cursor, config: RuleConfig, where: _OpenAlerts, findings: dict, evidence: dict, as_of) -> int:
    """Findings without an open alert, and not an occurrence whose rectification was accepted, become new alerts.
    They are inserted as plain rows (COPY on PostgreSQL, executemany on SQLite) in key order, so the unique index
    on open alerts is filled page by page rather than at random."""
    cursor.execute(
        f"SELECT f.subject_key FROM {FINDINGS} f WHERE NOT EXISTS (SELECT 1 FROM {ALERTS} WHERE {ALERTS}.rule = %s "
        f"AND {ALERTS}.subject_key = f.subject_key AND {where.status_in}) "
        f"AND NOT EXISTS (SELECT 1 FROM {ALERTS} WHERE {ALERTS}.rule = %s AND {ALERTS}.subject_key = f.subject_key "
        f"AND {ALERTS}.status = %s AND {ALERTS}.cleared_on IS NULL AND {ALERTS}.episode = f.episode) "
        f"ORDER BY f.subject_key",
        [where.code, *where.statuses, where.code, AlertStatus.ACCEPTED])
    new = [key for (key,) in cursor.fetchall()]
    rule = config.rule
    party = rule.subject_type == SubjectType.PARTY_ORG
    stamp, day = _now(), _day(as_of)
    writer = TableWriter(Alert, OPEN_FIELDS)
    for key in new:
        f = findings[key]
        writer.add((rule.code, rule.subject_type, key, f.subject_id if party else None,
                    None if party else f.subject_id, f.region_id, config.severity, rule.message(f, config.params),
                    evidence[key], f.episode, AlertStatus.OPEN, day, stamp))
    writer.flush()
    return writer.count


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
