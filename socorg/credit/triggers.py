"""Database triggers that keep CreditEntryCounts (entries not removed, per the organization's authority region, list
and entered late) equal to the entries they summarize, so the figures above the credit list need not join every
entry in force to its organization for the scope (issue #19: 153 ms of SQL for a province's page).

An entry counts while its removed_on is empty, under its organization's current authority region. What changes a
count: an entry inserted or deleted, or its organization, list, entered_late or removed_on changed; an organization
moved to another authority region (its entries' counts move with it). Dates are not counted here: the entries in
force on a day are these counts less the few decided later or past their own end (credit.queries.in_force_figures,
a live correction through two small indexes).

The triggers are those of every count by the organization's region (core.triggers.OrgRegionCounts, as
exits.triggers). Why triggers at all: see coverage.triggers.
"""

from socorg.core.triggers import ORG_TABLE, OrgRegionCounts

ENTRY_TABLE = "credit_creditentry"
COUNTS = "credit_creditentrycounts"
KEYS = ("region_id", "list", "late")
NAMES = ["credit_counts_ins", "credit_counts_del", "credit_counts_upd", "credit_counts_org"]

ENTRY_COUNTS = OrgRegionCounts(counts=COUNTS, table=ENTRY_TABLE, keys=("list", "late"),
                               values=("{r}.list", "{r}.entered_late"), value="entries",
                               tracked=("organization_id", "list", "entered_late", "removed_on"), names=tuple(NAMES),
                               condition="{r}.removed_on IS NULL")
TRIGGERS = ENTRY_COUNTS.trigger_set(prefix="credit_counts_")

__all__ = ["ORG_TABLE", "TRIGGERS", "install_triggers", "rebuild_counts"]


def install_triggers(using: str = "default") -> bool:
    return TRIGGERS.install(using)


def rebuild_counts() -> None:
    """Recount from the entries, set-based: one grouped INSERT … SELECT (after installing the triggers, or to
    repair)."""
    ENTRY_COUNTS.rebuild()
