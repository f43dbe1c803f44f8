"""Database triggers that keep ExitCaseCounts (screening cases per registration-authority region and status) equal
to the cases they summarize, so the exit figures above the worklist read a few thousand counts rows instead of
joining every case to its organization (issue #19: the nation's figures took 754 ms of SQL over 766,696 cases).

A case counts under its organization's current authority region, as the case's scope does
(ScreeningCase.scope_region_field). What changes a count:
- a case inserted, deleted, or its status or organization changed (a screening run's bulk insert, a case closed);
- an organization moved to another authority region: its cases' counts move with it.

The triggers are those of every count by the organization's region (core.triggers.OrgRegionCounts: statement
triggers over transition tables on PostgreSQL, one grouped upsert per screening run; a row trigger on the
organization's region change that queues nothing while the region stays; SQLite row triggers). Why triggers at all:
see coverage.triggers.
"""

from socorg.core.triggers import ORG_TABLE, OrgRegionCounts

CASE_TABLE = "exits_screeningcase"
COUNTS = "exits_exitcasecounts"
KEYS = ("region_id", "status")
NAMES = ["exits_case_ins", "exits_case_del", "exits_case_upd", "exits_org_region"]

CASE_COUNTS = OrgRegionCounts(counts=COUNTS, table=CASE_TABLE, keys=("status",), values=("{r}.status",),
                              value="cases", tracked=("status", "organization_id"), names=tuple(NAMES))
TRIGGERS = CASE_COUNTS.trigger_set(prefix="exits_")

__all__ = ["ORG_TABLE", "TRIGGERS", "install_triggers", "rebuild_counts"]


def install_triggers(using: str = "default") -> bool:
    return TRIGGERS.install(using)


def rebuild_counts() -> None:
    """Recount from the cases, set-based: one grouped INSERT … SELECT (after installing the triggers, or to repair)."""
    CASE_COUNTS.rebuild()
