"""The warning board's figures for one region: party organizations red / amber / green per child region, and open
alerts per rule. Aggregates over indexed columns, grouped by county code and rolled up in Python (a few thousand
rows nationally), so the cost grows with the number of regions, not of alerts."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from socorg.core.scope import in_subtree
from socorg.party.choices import PartyOrgStatus
from socorg.party.models import PartyOrganization
from socorg.regions.models import Region

from .choices import OPEN_STATUSES, Severity, SubjectType
from .models import Alert
from .rules import RULES


@dataclass
class BoardRow:
    region: Region | None
    party_orgs: int = 0
    red: int = 0
    amber: int = 0
    alerts: int = 0
    by_rule: dict = field(default_factory=dict)

    @property
    def green(self) -> int:
        return max(self.party_orgs - self.red - self.amber, 0)


def _child_of(children: list[Region], code: str) -> Region | None:
    best = None
    for child in children:
        if code.startswith(child.scope_prefix) and (best is None or len(child.scope_prefix) > len(best.scope_prefix)):
            best = child
    return best


def board_for(region: Region) -> dict:
    prefix = region.scope_prefix
    children = list(Region.objects.current().filter(parent=region).order_by("code"))
    rows: dict[str, BoardRow] = {c.code: BoardRow(c) for c in children}
    total = BoardRow(region)

    def row_for(code: str) -> BoardRow:
        child = _child_of(children, code)
        return rows[child.code] if child else total

    scoped = in_subtree("region__code", prefix)
    for code, count in (PartyOrganization.objects.filter(scoped, status=PartyOrgStatus.ACTIVE).order_by()
                        .values_list("region_id").annotate(n=Count("pk"))):
        row_for(code).party_orgs += count
    open_alerts = Alert.objects.filter(scoped, status__in=OPEN_STATUSES).order_by()
    for code, red, flagged in (open_alerts.filter(subject_type=SubjectType.PARTY_ORG).values_list("region_id")
                               .annotate(red=Count("party_org", distinct=True, filter=Q(severity=Severity.HIGH)),
                                         flagged=Count("party_org", distinct=True))):
        row = row_for(code)
        row.red += red
        row.amber += flagged - red
    by_rule = defaultdict(int)
    for code, rule, count in open_alerts.values_list("region_id", "rule").annotate(n=Count("pk")):
        row = row_for(code)
        row.by_rule[rule] = row.by_rule.get(rule, 0) + count
        row.alerts += count
        by_rule[rule] += count
    child_rows = [rows[c.code] for c in children]
    for row in child_rows:
        for name in ("party_orgs", "red", "amber", "alerts"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return {
        "rows": child_rows, "total": total,
        "by_rule": [(code, rule, by_rule.get(code, 0)) for code, rule in RULES.items()],
    }
