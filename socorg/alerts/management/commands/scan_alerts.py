"""socorg scan-alerts [--as-of DATE] [--region CODE] [--format json|table]

Evaluates every enabled early-warning rule as of a date (records after it are ignored), opens, refreshes and
resolves alerts, escalates overdue rectifications, and prints the result. Serves cron; Celery beat runs the same
scan daily through socorg.alerts.tasks."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from socorg.regions.models import Region

from ...choices import SubjectType
from ...scan import open_alerts, run_scan


class Command(BaseCommand):
    help = "Evaluate the early-warning rules and update the alerts."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="date to evaluate as of (YYYY-MM-DD; default today)")
        parser.add_argument("--region", help="limit to a region's subtree (6-digit code)")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, as_of=None, region=None, format="table", **options):
        day = self._as_of(as_of)
        prefix = self._prefix(region)
        result = run_scan(as_of=day, region_prefix=prefix)
        if format == "json":
            self._json(result, prefix)
        else:
            self._table(result)

    def _as_of(self, text):
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError as error:
            raise CommandError(f"--as-of {text!r} is not a date; expected YYYY-MM-DD.") from error

    def _prefix(self, code):
        if not code:
            return ""
        prefix = Region.objects.filter(code=code.strip()).values_list("scope_prefix", flat=True).first()
        if prefix is None:
            raise CommandError(f"--region {code!r} is not a known region code; expected a 6-digit GB/T 2260 code.")
        return prefix

    def _json(self, result, prefix):
        alerts = (open_alerts(prefix).select_related("party_org", "organization").order_by("rule", "id")
                  .iterator(chunk_size=5000))
        payload = {
            "as_of": result.as_of, "opened": result.opened, "resolved": result.resolved, "open": result.open,
            "alerts": [_alert_json(a) for a in alerts],
        }
        self.stdout.write(json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False))

    def _table(self, result):
        self.stdout.write(f"as of {result.as_of}  region {result.region_prefix or '(all)'}")
        self.stdout.write(f"{'rule':32} {'on':>3} {'findings':>9} {'opened':>7} {'resolved':>8} {'updated':>7} "
                          f"{'seconds':>8}")
        for r in result.rules:
            self.stdout.write(f"{r.code:32} {'yes' if r.enabled else 'no':>3} {r.findings:>9} {r.opened:>7} "
                              f"{r.resolved:>8} {r.updated:>7} {r.seconds:>8.2f}"
                              + (f"  ! {r.problem}" if r.problem else ""))
        self.stdout.write(f"opened {result.opened}, resolved {result.resolved}, escalated {result.escalated}, "
                          f"open {result.open}, {result.seconds:.2f} s")


def _alert_json(alert) -> dict:
    party = alert.subject_type == SubjectType.PARTY_ORG
    return {
        "rule": alert.rule, "subject_type": alert.subject_type,
        "subject": alert.party_org.name if party else alert.organization.uscc,
        "severity": alert.severity, "message": alert.message, "evidence": alert.evidence, "status": alert.status,
        "opened_on": alert.opened_on,
    }
