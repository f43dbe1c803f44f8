"""Half-year census periods (半年排查) and the figures of every region at once, for snapshots and trends."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from socorg.regions.choices import Level
from socorg.regions.models import Region

from .models import CoverageSnapshot
from .queries import CountsSource, _set_party, add_into, empty_counts, filed_counts, has_direct_level, totals
from .state import region_keys

PERIOD_PATTERN = re.compile(r"^(\d{4})H([12])$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: int

    def __str__(self):
        return f"{self.year}H{self.half}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 6, 30) if self.half == 1 else datetime.date(self.year, 12, 31)

    def year_before(self) -> Period:
        return Period(self.year - 1, self.half)


def parse_period(text: str) -> Period:
    match = PERIOD_PATTERN.match((text or "").strip().upper())
    if not match or not 1949 <= int(match.group(1)) <= 2999:
        raise ValidationError({"period": _("“%(value)s” is not a census period; expected a year and a half, e.g. "
                                           "2026H1 (January–June) or 2026H2 (July–December).") % {"value": text}})
    return Period(int(match.group(1)), int(match.group(2)))


def period_of(day: datetime.date) -> Period:
    return Period(day.year, 1 if day.month <= 6 else 2)


def snapshot_regions():
    """Every unit a snapshot freezes: the nation, provinces, prefectures and counties in force today."""
    levels = [Level.NATIONAL, Level.PROVINCE, Level.PREFECTURE, Level.COUNTY]
    return Region.objects.current().filter(level__in=levels).order_by("code")


def figures_of_all_regions(source: CountsSource, regions) -> dict[str, tuple[dict, dict | None]]:
    """{region code: (totals, 本级 totals or None)} for many regions from one pass over the per-code counts."""
    sums: dict[str, dict] = defaultdict(empty_counts)
    for code, counts in source.org_counts("").items():
        for key in region_keys(code):
            add_into(sums[key], counts)
    party = source.all_party_counts()
    filed: dict[str, int] = defaultdict(int)
    for code, n in filed_counts("", source.on).items():
        for key in region_keys(code):
            filed[key] += n
    result = {}
    for region in regions:
        total = dict(sums.get(region.scope_prefix) or empty_counts())
        _set_party(total, party.get(region.scope_prefix))
        total["filed_community_orgs"] = filed.get(region.scope_prefix, 0)
        direct = None
        if has_direct_level(region):
            direct = dict(sums.get(region.code) or empty_counts())
            _set_party(direct, party.get(region.code))
            direct["filed_community_orgs"] = filed.get(region.code, 0)
            direct = totals(direct)
        result[region.code] = (totals(total), direct)
    return result


def trend(region: Region) -> list[dict]:
    """The region's snapshots, oldest first: [{"period", "taken_at", "totals"}]."""
    rows = CoverageSnapshot.objects.filter(region=region).order_by("period")
    return [{"period": s.period, "taken_at": s.taken_at.isoformat(), "totals": s.totals} for s in rows]


def year_on_year(region: Region, current: dict, today: datetime.date) -> dict | None:
    """Current rates against the snapshot of the same half one year earlier (None without such a snapshot)."""
    earlier = period_of(today).year_before()
    snapshot = CoverageSnapshot.objects.filter(region=region, period=str(earlier)).first()
    if snapshot is None:
        return None
    changes = {}
    for key in ("orgs", "org_covered", "work_covered", "standalone", "party_orgs", "org_coverage_rate",
                "work_coverage_rate", "standalone_rate", "build_rate"):
        before, now = snapshot.totals.get(key), current.get(key)
        changes[key] = {"before": before, "now": now,
                        "change": None if before is None or now is None else round(now - before, 6)}
    return {"period": str(earlier), "changes": changes}


def periods_taken() -> list[str]:
    return list(CoverageSnapshot.objects.filter(Q(region__level=Level.NATIONAL)).order_by("-period")
                .values_list("period", flat=True))
