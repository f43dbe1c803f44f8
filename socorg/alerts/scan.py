"""The scan: evaluate every enabled rule as of a date, open new alerts, refresh the evidence of open ones, resolve
those whose condition no longer holds, and escalate overdue rectifications.

Idempotent: a second scan with the same date and data changes nothing. Each rule is applied in its own transaction
with its RuleSetting row locked, so two scans running at once serialise per rule; the partial unique index on open
alerts is the last line of defence."""

import datetime
import json
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from socorg.core.audit import audit_write
from socorg.core.bulk import TableWriter

from .choices import OPEN_STATUSES, AlertStatus, SubjectType
from .config import RuleConfig, rule_configs
from .models import Alert, RuleSetting, ScanRun

CONDITION_GONE = "condition no longer holds"
RULE_DISABLED = "rule disabled"
CHUNK = 2000


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
    with translation.override("zh-hans"):  # alert messages are stored in Chinese
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
    return alerts.filter(region__code__startswith=region_prefix) if region_prefix else alerts


def apply_rule(config: RuleConfig, as_of: datetime.date, region_prefix: str) -> RuleOutcome:
    rule = config.rule
    outcome = RuleOutcome(rule.code, config.enabled, problem=config.problem)
    clock = time.perf_counter()
    findings = {}
    if config.enabled:
        findings = {f"{rule.subject_type}:{f.subject_id}": f
                    for f in rule.evaluate(as_of, region_prefix, config.params)}
        outcome.findings = len(findings)
    outcome.evaluate_seconds = time.perf_counter() - clock
    with transaction.atomic():
        _lock_rule(rule)
        reason = CONDITION_GONE if config.enabled else RULE_DISABLED
        current = _open_alerts_of(rule.code, region_prefix)
        outcome.resolved = _resolve(rule.code, [pk for key, (pk, *_rest) in current.items() if key not in findings],
                                    as_of, reason)
        suppressed = _accepted_episodes(rule.code, region_prefix, findings, as_of)
        outcome.updated = _refresh(config, findings, current)
        new = [f for key, f in findings.items() if key not in current and suppressed.get(key) != f.episode]
        outcome.opened = _open(config, new, as_of)
    outcome.seconds = time.perf_counter() - clock
    return outcome


def _lock_rule(rule) -> None:
    setting, _created = RuleSetting.objects.get_or_create(code=rule.code, defaults={
        "severity": rule.severity, "params": {}})
    RuleSetting.objects.select_for_update().filter(pk=setting.pk).exists()


def _open_alerts_of(code: str, region_prefix: str) -> dict[str, tuple]:
    rows = open_alerts(region_prefix).filter(rule=code).values_list("subject_key", "pk", "severity", "episode",
                                                                     "evidence")
    return {key: (pk, severity, episode, evidence) for key, pk, severity, episode, evidence in rows}


def _resolve(code: str, ids: list[int], as_of, reason: str) -> int:
    count = 0
    for start in range(0, len(ids), CHUNK):
        count += Alert.objects.filter(pk__in=ids[start:start + CHUNK], status__in=OPEN_STATUSES).update(
            status=AlertStatus.RESOLVED, resolved_on=as_of, resolution_reason=reason, updated_at=timezone.now())
    return count


def _accepted_episodes(code: str, region_prefix: str, findings: dict, as_of) -> dict[str, str]:
    """Accepted rectifications whose condition has held ever since: the same occurrence is not reopened. Those whose
    condition is gone are marked cleared, so a later recurrence opens a new alert."""
    accepted = Alert.objects.filter(rule=code, status=AlertStatus.ACCEPTED, cleared_on__isnull=True)
    if region_prefix:
        accepted = accepted.filter(region__code__startswith=region_prefix)
    episodes, cleared = {}, []
    for pk, key, episode in accepted.values_list("pk", "subject_key", "episode"):
        if key in findings:
            episodes[key] = episode
        else:
            cleared.append(pk)
    for start in range(0, len(cleared), CHUNK):
        Alert.objects.filter(pk__in=cleared[start:start + CHUNK]).update(cleared_on=as_of)
    return episodes


def _refresh(config: RuleConfig, findings: dict, current: dict) -> int:
    """Open alerts whose evidence, occurrence or severity changed get the new picture (one bulk update)."""
    changed = []
    for key, (pk, severity, episode, evidence) in current.items():
        finding = findings.get(key)
        if finding is None:
            continue
        if evidence != finding.evidence or episode != finding.episode or severity != config.severity:
            changed.append(Alert(pk=pk, evidence=finding.evidence, episode=finding.episode, severity=config.severity,
                                 message=config.rule.message(finding, config.params), updated_at=timezone.now()))
    Alert.objects.bulk_update(changed, ["evidence", "episode", "severity", "message", "updated_at"],
                              batch_size=CHUNK)
    return len(changed)


OPEN_FIELDS = ["rule", "subject_type", "subject_key", "party_org", "organization", "region", "severity", "message",
               "evidence", "episode", "status", "opened_on", "updated_at"]


def _open(config: RuleConfig, findings: list, as_of) -> int:
    """Insert the new alerts as plain rows (COPY on PostgreSQL, executemany on SQLite): building model instances
    and letting the ORM compile a hundred thousand of them would cost more than the scan itself."""
    rule = config.rule
    party = rule.subject_type == SubjectType.PARTY_ORG
    stamp, day = timezone.now().isoformat(), as_of.isoformat()
    writer = TableWriter(Alert, OPEN_FIELDS, batch_size=CHUNK * 5)
    for f in findings:
        writer.add((rule.code, rule.subject_type, f"{rule.subject_type}:{f.subject_id}",
                    f.subject_id if party else None, None if party else f.subject_id, f.region_id, config.severity,
                    rule.message(f, config.params), json.dumps(f.evidence, ensure_ascii=False), f.episode,
                    AlertStatus.OPEN, day, stamp))
    writer.flush()
    return writer.count


def _record(result: ScanResult, started, actor) -> None:
    per_rule = {r.code: {"enabled": r.enabled, "findings": r.findings, "opened": r.opened, "resolved": r.resolved,
                         "updated": r.updated, "seconds": round(r.seconds, 3), "problem": r.problem}
                for r in result.rules}
    run = ScanRun.objects.create(as_of=result.as_of, region_prefix=result.region_prefix, started_at=started,
                                 seconds=result.seconds, opened=result.opened, resolved=result.resolved,
                                 open_count=result.open, escalated=result.escalated, per_rule=per_rule)
    audit_write(action="alerts.scan", obj=run, actor=actor, object_repr=_("Early-warning scan as of %(date)s")
                % {"date": result.as_of}, after={"region_prefix": result.region_prefix, "opened": result.opened,
                                                 "resolved": result.resolved, "escalated": result.escalated,
                                                 "open": result.open})
