"""The figures table as people read it (terminal, dashboard, Excel): one row per unit, 本级 first, total last."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .queries import MEASURE_OF_COUNT, Figures


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    is_rate: bool = False

    @property
    def measure(self) -> str | None:
        return MEASURE_OF_COUNT.get(self.key)


COLUMNS = [
    Column("orgs", gettext_lazy("Organizations")),
    Column("org_covered_formal", gettext_lazy("Org. covered (formal)")),
    Column("org_coverage_rate_formal", gettext_lazy("Org. coverage (formal)"), True),
    Column("org_covered", gettext_lazy("Org. covered (incl. functional)")),
    Column("org_coverage_rate", gettext_lazy("Org. coverage (incl. functional)"), True),
    Column("work_covered", gettext_lazy("Work covered")),
    Column("work_coverage_rate", gettext_lazy("Work coverage"), True),
    Column("standalone", gettext_lazy("Standalone")),
    Column("standalone_rate", gettext_lazy("Standalone rate"), True),
    Column("should_build", gettext_lazy("Should build")),
    Column("should_build_missing", gettext_lazy("Should build, missing")),
    Column("build_rate", gettext_lazy("Build rate"), True),
    Column("party_orgs", gettext_lazy("Party organizations")),
    Column("party_orgs_functional", gettext_lazy("Functional")),
    Column("full_members", gettext_lazy("Full members")),
]


@dataclass
class Row:
    kind: str  # "direct", "child", "total"
    label: str
    code: str | None
    totals: dict
    direct: bool = False  # the numbers are of the region's own level only
    group_key: str | None = None  # the breakdown value of a "group" row


def figure_rows(figures: Figures) -> list[Row]:
    rows = []
    if figures.direct is not None:
        rows.append(Row("direct", _("Own level (本级)"), figures.region.code, figures.direct, direct=True))
    for child in figures.children:
        if "region" in child:
            rows.append(Row("child", child["region"]["name"], child["region"]["code"], child["totals"]))
        else:
            rows.append(Row("group", child["group"]["name"], None, child["totals"], group_key=child["group"]["key"]))
    rows.append(Row("total", _("Total"), figures.region.code, figures.totals))
    return rows


def format_cell(totals: dict, column: Column) -> str:
    value = totals.get(column.key)
    if column.is_rate:
        return "—" if value is None else f"{value * 100:.1f}%"
    return f"{value:,}"
