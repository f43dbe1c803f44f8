"""socorg alert-rules [--format json|table]

Lists every early-warning rule as configured in this deployment — code, title, citation, severity, enabled and
params, the RuleSetting overlay applied — so auditors and provinces can ask "on what basis?" and get the answer the
scan itself uses (socorg.alerts.config.rule_configs)."""

import json

from django.core.management.base import BaseCommand

from ...choices import Severity
from ...config import rule_configs


def rule_rows() -> list[dict]:
    return [{"code": code, "title": str(c.rule.title), "citation": c.citation, "severity": c.severity,
             "enabled": c.enabled, "params": c.params, **({"problem": c.problem} if c.problem else {})}
            for code, c in rule_configs().items()]


class Command(BaseCommand):
    help = "List the early-warning rules with their citations and this deployment's settings."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, format="table", **options):
        rows = rule_rows()
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            params = ", ".join(f"{name}={value}" for name, value in row["params"].items()) or "—"
            self.stdout.write(f"{row['code']}  [{'启用' if row['enabled'] else '停用'} · "
                              f"{Severity(row['severity']).label}]  {row['title']}")
            self.stdout.write(f"    依据：{row['citation']}")
            self.stdout.write(f"    参数：{params}")
            if "problem" in row:
                self.stdout.write(f"    ! {row['problem']}")
