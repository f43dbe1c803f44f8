"""Figures of the two coverages for a region: totals, 本级 (its own level), and a breakdown by child region or by
another dimension, from one of three sources that must agree:

- "maintained": the per-region counts kept by triggers (RegionCounts, PartyOrgCounts); cost grows with the number
  of regions shown, not of organizations. The default for today's figures by region.
- "flags": a GROUP BY over the organizations' stored flags (today only). Used for breakdowns by type, category,
  level and supervisor, which the maintained tables do not carry.
- "scratch": the flags recomputed. Today: a GROUP BY with the flags by EXISTS subqueries (state.flag_expressions),
  the reference the other two are tested against. A past day: the organizations' state on that day from the dated
  history, computed set-based (coverage.as_of: one pass, then the GROUP BY), with the region, type, category and
  level each organization had on the day.
"""

from __future__ import annotations

import datetime
import os
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.scope import in_subtree
from socorg.party.models import PartyOrganization, Responsibility, ResponsibleBody, party_org_active_q
from socorg.regions.choices import Level
from socorg.regions.models import Region
from socorg.registry.choices import AuthorityLevel, Category, OrgType
from socorg.registry.models import FiledCommunityOrganization, OrgPeriod, SocialOrganization, is_past

from . import as_of, state
from .models import (
    COUNT_FIELDS,
    KEY_LENGTHS,
    PARTY_FIELDS,
    SHOULD_BUILD_MIN_FULL_MEMBERS,
    PartyOrgCounts,
    PartyOrgReach,
    RegionCounts,
)

# Filed (备案) community organizations: counted apart, never part of `orgs` or of any rate (docs/domain.md).
FILED_FIELDS = ("filed_community_orgs",)
ALL_FIELDS = COUNT_FIELDS + PARTY_FIELDS + FILED_FIELDS
SOURCES = ("maintained", "flags", "scratch")
# Breakdown dimension → organization field.
BY_FIELDS = {"region": "authority_region_id", "type": "org_type", "category": "category",
             "level": "authority_level", "supervisor": "supervisor",
             # the body responsible for the organization's party building on the day (an annotation, see
             # responsible_body_of); "" when none is recorded
             "responsible": "responsible_body"}
BY_CHOICES = tuple(BY_FIELDS)
RATES = {"org_coverage_rate": ("org_covered", "orgs"), "org_coverage_rate_formal": ("org_covered_formal", "orgs"),
         "work_coverage_rate": ("work_covered", "orgs"),
         "standalone_rate": ("standalone", "orgs"), "build_rate": ("should_build_built", "should_build")}
MIN = SHOULD_BUILD_MIN_FULL_MEMBERS

# The organizations behind each number (measure → condition on the flags).
MEASURES = {
    "all": Q(),
    "org_covered": Q(org_covered=True),
    "org_uncovered": Q(org_covered=False),
    "org_covered_formal": Q(org_covered_formal=True),
    "org_uncovered_formal": Q(org_covered_formal=False),
    "work_covered": Q(work_covered=True),
    "work_uncovered": Q(work_covered=False),
    "standalone": Q(standalone=True),
    "should_build": Q(basis_full_members__gte=MIN),
    "should_build_built": Q(basis_full_members__gte=MIN, standalone=True),
    "should_build_missing": Q(basis_full_members__gte=MIN, standalone=False),
    "with_members": Q(full_members__gt=0),
}
# Which measure lists the organizations behind each count in `totals`.
MEASURE_OF_COUNT = {"orgs": "all", "org_covered": "org_covered", "org_uncovered": "org_uncovered",
                    "org_covered_formal": "org_covered_formal", "org_uncovered_formal": "org_uncovered_formal",
                    "work_covered": "work_covered", "work_uncovered": "work_uncovered", "standalone": "standalone",
                    "should_build": "should_build", "should_build_built": "should_build_built",
                    "should_build_missing": "should_build_missing", "full_members": "with_members"}


# --- counts and totals ----------------------------------------------------------------------------------------


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(ALL_FIELDS, 0)


def add_into(target: dict, counts: dict) -> None:
    for field in COUNT_FIELDS:
        target[field] += counts.get(field) or 0


def totals(counts: dict) -> dict:
    """All counts, the derived gaps, and the rates (fractions 0–1, None when the denominator is 0)."""
    result = {field: int(counts.get(field) or 0) for field in ALL_FIELDS}
    result["org_uncovered"] = result["orgs"] - result["org_covered"]
    result["org_uncovered_formal"] = result["orgs"] - result["org_covered_formal"]
    result["work_uncovered"] = result["orgs"] - result["work_covered"]
    result["should_build_missing"] = result["should_build"] - result["should_build_built"]
    for rate, (numerator, denominator) in RATES.items():
        result[rate] = round(result[numerator] / result[denominator], 6) if result[denominator] else None
    return result


def count_annotations(prefix: str = "") -> dict:
    """Aggregates over SocialOrganization rows, reading the flags and member counts from the stored columns or, with
    prefix "calc_", from the aliases of state.flag_expressions() and state.member_count_expressions()."""
    covered, formal, work, standalone = (f"{prefix}{flag}" for flag in state.FLAGS)
    basis, full = f"{prefix}basis_full_members", f"{prefix}full_members"
    # Named n_<count>: an annotation may not shadow the flag columns it counts.
    return {
        "n_orgs": Count("pk"),
        "n_org_covered": Count("pk", filter=Q(**{covered: True})),
        "n_org_covered_formal": Count("pk", filter=Q(**{formal: True})),
        "n_work_covered": Count("pk", filter=Q(**{work: True})),
        "n_standalone": Count("pk", filter=Q(**{standalone: True})),
        "n_should_build": Count("pk", filter=Q(**{f"{basis}__gte": MIN})),
        "n_should_build_built": Count("pk", filter=Q(**{f"{basis}__gte": MIN, standalone: True})),
        "n_full_members": Coalesce(Sum(full), Value(0)),
    }


def counts_of(row: dict) -> dict:
    """The counts of an aggregated row (count_annotations names without their n_ prefix)."""
    return {field: row[f"n_{field}"] for field in COUNT_FIELDS}


def orgs_on(on: datetime.date | None, source: str):
    """Organizations in the statistics with the flags to count: stored flags, or recomputed as of `on`."""
    if source == "scratch":
        return as_of_aliases(SocialOrganization.objects.active_on(on), on), count_annotations("calc_")
    return SocialOrganization.objects.active_on(), count_annotations()


def as_of_aliases(rows, on: datetime.date | None):
    """Alias calc_<flag> and calc_<member count> on organization rows: their values as of `on` (a past day from
    the dated history, docs/history.md; today recomputed flags and the stored member counts)."""
    values = {**state.flag_expressions(on=on), **state.member_count_expressions(on)}
    return rows.alias(**{f"calc_{k}": v for k, v in values.items()})


# --- sources: per-code organization counts and per-key party organization counts ------------------------------


class CountsSource:
    """Where the figures come from. `org_counts(prefix)` gives {authority region code: counts} for the subtree;
    `party_counts(keys)` gives {region key: (party_orgs, functional)} for 0/2/4/6-character keys."""

    def __init__(self, source: str, on: datetime.date | None = None, responsible: ResponsibleBody | None = None,
                 by: str = "region"):
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}; expected one of {SOURCES}")
        if source != "scratch" and on is not None and on != timezone.localdate():
            raise ValueError("only the 'scratch' source computes figures for a past date")
        if source == "maintained" and responsible is not None:
            raise ValueError("the maintained counts are per region only; filter by responsible body from 'flags'")
        self.source, self.on, self.responsible = source, on, responsible
        # A past day: the set-based pass over the dated history (coverage.as_of), grouped by the region and the
        # `by` breakdown of the day at once and kept per scope prefix, so the figures by region and the breakdown
        # read one pass.
        self.past, self.by = source == "scratch" and is_past(on), by
        self._past_counts: dict[str, dict] = {}
        self._past_reach: dict[str, set] = {}

    def scope(self, prefix: str = "") -> as_of.Scope:
        return as_of.Scope(self.on, prefix, self.responsible)

    def past_counts(self, prefix: str) -> dict[tuple[str, str], dict]:
        if prefix not in self._past_counts:
            self._past_counts[prefix] = as_of.org_counts(self.scope(prefix), self.by)
        return self._past_counts[prefix]

    def past_reach(self, prefix: str) -> set:
        if prefix not in self._past_reach:
            self._past_reach[prefix] = as_of.reach(self.scope(prefix), self.by)
        return self._past_reach[prefix]

    def only_responsible(self, rows, organization: str = "pk"):
        """Rows of organizations (or, with organization="organization_id", rows pointing at them) whose party
        building `self.responsible` is responsible for on the day; all rows without that filter."""
        if self.responsible is None:
            return rows
        return rows.filter(**{f"{organization}__in": responsible_for(self.responsible, self.on)})

    def org_counts(self, prefix: str) -> dict[str, dict]:
        if self.source == "maintained":
            rows = RegionCounts.objects.filter(in_subtree("region__code", prefix)).values("region_id", *COUNT_FIELDS)
            return {row.pop("region_id"): row for row in rows}
        if self.past:
            return as_of.by_region(self.past_counts(prefix))
        orgs, annotations = orgs_on(self.on, self.source)
        rows = (self.only_responsible(orgs).filter(in_subtree("authority_region__code", prefix)).order_by()
                .values("authority_region_id")
                .annotate(**annotations))
        return {row["authority_region_id"]: counts_of(row) for row in rows}

    def folded(self, region: Region, children: list[Region]):
        """(total, 本级, {child code: counts}) for the region. The maintained source sums in SQL, one grouped query
        per child-prefix length over at most a few thousand rows, so Python handles only the rows shown."""
        if self.source != "maintained":
            return _fold(self.org_counts(region.scope_prefix), region, children)
        sums = {f"n_{field}": Sum(field) for field in COUNT_FIELDS}
        rows = RegionCounts.objects.filter(in_subtree("region__code", region.scope_prefix)).order_by()
        total = {k[2:]: v or 0 for k, v in rows.aggregate(**sums).items()}
        direct = {k[2:]: v or 0 for k, v in rows.filter(region_id=region.code).aggregate(**sums).items()}
        per_child = {child.code: empty_counts() for child in children}
        by_prefix = {child.scope_prefix: child.code for child in children}
        for length in sorted({len(prefix) for prefix in by_prefix}):
            grouped = (rows.exclude(region_id=region.code).annotate(child_key=Substr("region_id", 1, length))
                       .values("child_key").annotate(**sums))
            for row in grouped:
                child = by_prefix.get(row["child_key"])
                if child is not None:
                    add_into(per_child[child], counts_of(row))
        return {**empty_counts(), **total}, {**empty_counts(), **direct}, per_child

    def party_counts(self, keys: set[str]) -> dict[str, tuple[int, int]]:
        if self.source == "maintained":
            rows = PartyOrgCounts.objects.filter(key__in=keys).values_list("key", *PARTY_FIELDS)
            return {key: (n, functional) for key, n, functional in rows}
        if self.past:
            return as_of.party_counts(self.past_reach(os.path.commonprefix(list(keys))), keys)
        result = {}
        by_length = defaultdict(set)
        for key in keys:
            by_length[len(key)].add(key)
        for length, group in by_length.items():
            result.update(self._party_counts_of_length(length, group))
        return result

    def all_party_counts(self) -> dict[str, tuple[int, int]]:
        """Party organization counts for every region key (snapshots of the whole country)."""
        if self.source == "maintained":
            return {key: (n, f) for key, n, f in PartyOrgCounts.objects.values_list("key", *PARTY_FIELDS)}
        if self.past:
            return as_of.party_counts(self.past_reach(""), None)
        result = {}
        for length in KEY_LENGTHS:
            result.update(self._party_counts_of_length(length, None))
        return result

    def _party_counts_of_length(self, length: int, keys: set[str] | None) -> dict[str, tuple[int, int]]:
        on = self.on if self.source == "scratch" else None
        rows = self.only_responsible(state._reach_source(on=on), "organization_id")
        counts = {"n": Count("party_org_id", distinct=True),
                  "f": Count("party_org_id", distinct=True, filter=functional_q(on))}
        if length == 0:
            result = rows.aggregate(**counts)
            return {"": (result["n"], result["f"])}
        code = "organization__authority_region_id"
        grouped = rows.annotate(reach_key=Substr(code, 1, length))
        if keys is not None:
            grouped = grouped.filter(reach_key__in=keys)
        grouped = grouped.order_by().values("reach_key").annotate(**counts)
        return {row["reach_key"]: (row["n"], row["f"]) for row in grouped}


def functional_q(on: datetime.date | None) -> Q:
    """Coverage rows whose party organization was functional on `on` (from the dated history for a past day)."""
    return party_org_active_q("party_org__", on, is_functional=True)


def filed_counts(prefix: str, on: datetime.date | None = None) -> dict[str, int]:
    """{filing region code: filed community organizations in force on `on`} in the subtree of `prefix`."""
    rows = (FiledCommunityOrganization.objects.active_on(on).filter(in_subtree("filing_region__code", prefix))
            .order_by().values("filing_region_id").annotate(n=Count("pk")))
    return {row["filing_region_id"]: row["n"] for row in rows}


def _set_filed(counts: dict, filed: dict[str, int], prefix: str, *, exact: bool = False) -> None:
    counts["filed_community_orgs"] = sum(n for code, n in filed.items()
                                         if (code == prefix if exact else code.startswith(prefix)))


# --- figures by region ----------------------------------------------------------------------------------------


def region_ref(region: Region) -> dict:
    return {"code": region.code, "name": region.name, "level": region.level, "full_name": region.full_name}


@dataclass
class Figures:
    region: Region
    as_of: datetime.date
    by: str
    source: str
    totals: dict
    direct: dict | None
    children: list[dict]
    responsible: ResponsibleBody | None = None

    def as_json(self) -> dict:
        responsible = self.responsible
        return {"region": region_ref(self.region), "as_of": self.as_of.isoformat(), "by": self.by,
                "responsible": {"id": responsible.pk, "name": responsible.name, "kind": responsible.kind}
                if responsible else None,
                "source": self.source, "totals": self.totals,
                "direct": {"totals": self.direct} if self.direct is not None else None,
                "children": self.children}


def has_direct_level(region: Region) -> bool:
    """Counties have no 本级 row: their own level is their whole subtree."""
    return region.level != Level.COUNTY


def _child_regions(region: Region) -> list[Region]:
    # Retired children stay in the list (old registrations keep their codes); empty ones are dropped later.
    return list(region.children.all().order_by("code")) if has_direct_level(region) else []


def _fold(codes: dict[str, dict], region: Region, children: list[Region]):
    """Fold per-code counts into the region total, its 本级 row and its child regions (by code prefix)."""
    total, direct = empty_counts(), empty_counts()
    per_child = {child.code: empty_counts() for child in children}
    by_prefix = {child.scope_prefix: child.code for child in children}
    lengths = sorted({len(p) for p in by_prefix})
    for code, counts in codes.items():
        add_into(total, counts)
        if code == region.code:
            add_into(direct, counts)
            continue
        for length in lengths:
            child = by_prefix.get(code[:length])
            if child is not None:
                add_into(per_child[child], counts)
                break
    return total, direct, per_child


def region_figures(region: Region, *, on: datetime.date | None = None, by: str = "region",
                   source: str | None = None, responsible: ResponsibleBody | None = None) -> Figures:
    """The figures of `region` as of `on` (default today). Source chosen as described in the module docstring;
    with `responsible`, only the organizations whose party building that body is responsible for on the day (the
    maintained counts are per region only, so today's figures then come from the stored flags). Filed community
    organizations have no responsible body recorded: none is counted under a responsible body."""
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValueError("figures cannot be computed for a future date")
    if by not in BY_FIELDS:
        raise ValueError(f"unknown breakdown {by!r}; expected one of {BY_CHOICES}")
    if source is None:
        source = "scratch" if on < today else ("flags" if responsible is not None else "maintained")
    counts_source = CountsSource(source, on if on < today else None, responsible, by)
    children = _child_regions(region)
    total, direct, per_child = counts_source.folded(region, children)
    keys = {region.scope_prefix, region.code} | {child.scope_prefix for child in children}
    party = counts_source.party_counts(keys)
    _set_party(total, party.get(region.scope_prefix))
    _set_party(direct, party.get(region.code))
    filed = filed_counts(region.scope_prefix, on if on < today else None) if responsible is None else {}
    _set_filed(total, filed, region.scope_prefix)
    _set_filed(direct, filed, region.code, exact=True)
    if by == "region":
        rows = []
        for child in children:
            counts = per_child[child.code]
            if child.valid_to is not None and not counts["orgs"]:
                continue
            _set_party(counts, party.get(child.scope_prefix))
            _set_filed(counts, filed, child.scope_prefix)
            rows.append({"region": region_ref(child), "totals": totals(counts)})
    else:
        rows = group_figures(region, by=by, on=on if on < today else None,
                             source="flags" if source == "maintained" else source, responsible=responsible,
                             counts_source=counts_source if counts_source.past else None)
    return Figures(region=region, as_of=on, by=by, source=source, totals=totals(total), responsible=responsible,
                   # 本级 belongs to the breakdown by region; the groups of another dimension already sum to the total
                   direct=totals(direct) if has_direct_level(region) and by == "region" else None, children=rows)


def _set_party(counts: dict, party: tuple[int, int] | None) -> None:
    counts["party_orgs"], counts["party_orgs_functional"] = party or (0, 0)


# --- figures by another dimension -----------------------------------------------------------------------------


def responsible_for(body: ResponsibleBody, on: datetime.date | None):
    """Ids of the organizations `body` is responsible for on `on` (a subquery)."""
    return Responsibility.objects.active_on(on).filter(body=body).values("organization_id")


def responsible_body_of(on: datetime.date | None, organization: str = "pk"):
    """The id (as text, "" when none) of the body responsible on `on` for the organization at OuterRef(organization):
    one responsibility is in force at a time (party.services.responsibility)."""
    body = (Responsibility.objects.active_on(on).filter(organization=OuterRef(organization)).order_by("-start_on")
            .values("body_id")[:1])
    return Coalesce(Cast(Subquery(body), CharField()), Value(""))


def _group_label(by: str, key: str) -> str:
    if by == "responsible":
        body = ResponsibleBody.objects.filter(pk=int(key)).first() if key else None
        return body.name if body else _("No responsible party body recorded")
    if by == "type":
        return str(OrgType(key).label) if key in OrgType.values else key
    if by == "category":
        return str(Category(key).label) if key in Category.values else key
    if by == "level":
        return str(AuthorityLevel(key).label) if key in AuthorityLevel.values else key
    return key or _("Direct registration (no supervising unit)")


def group_figures(region: Region, *, by: str, on: datetime.date | None, source: str,
                  responsible: ResponsibleBody | None = None, counts_source: CountsSource | None = None) -> list[dict]:
    """Totals per value of an organization field within the region's subtree (one GROUP BY each for
    organizations and party organizations; for a past day the pass of `counts_source` when given)."""
    field = BY_FIELDS[by]
    if source == "scratch" and is_past(on):
        # the values each organization had on the day (an organization counts where and as what it was)
        counts_source = counts_source or CountsSource(source, on, responsible, by)
        party = as_of.group_party_counts(counts_source.past_reach(region.scope_prefix))
        result = []
        for key, counts in as_of.by_value(counts_source.past_counts(region.scope_prefix)).items():
            counts = {**empty_counts(), **counts}
            _set_party(counts, party.get(key))
            result.append({"group": {"key": key, "name": _group_label(by, key)}, "totals": totals(counts)})
        return result
    orgs, annotations = orgs_on(on, source)
    only = CountsSource(source, on, responsible).only_responsible
    orgs = only(orgs).filter(in_subtree("authority_region__code", region.scope_prefix))
    party_rows = only(state._reach_source(on=on), "organization_id").filter(
        in_subtree("organization__authority_region__code", region.scope_prefix))
    party_field = f"organization__{field}"
    if by == "responsible":
        orgs = orgs.annotate(responsible_body=responsible_body_of(on))
        party_rows, party_field = party_rows.annotate(group=responsible_body_of(on, "organization_id")), "group"
    rows = orgs.order_by().values(field).annotate(**annotations).order_by(field)
    party_rows = (party_rows.order_by().values(party_field)
                  .annotate(n=Count("party_org_id", distinct=True),
                            f=Count("party_org_id", distinct=True, filter=functional_q(on))))
    party = {row[party_field]: (row["n"], row["f"]) for row in party_rows}
    result = []
    for row in rows:
        key = row[field]
        counts = {**empty_counts(), **counts_of(row)}
        _set_party(counts, party.get(key))
        result.append({"group": {"key": key, "name": _group_label(by, key)}, "totals": totals(counts)})
    return result


# --- the records behind a number ------------------------------------------------------------------------------


def orgs_behind(user, region: Region, measure: str, *, direct: bool = False, on: datetime.date | None = None,
                group: tuple[str, str] | None = None, responsible: ResponsibleBody | None = None, rows=None):
    """The organizations counted by `measure` in the region (its 本级 only when `direct`; one breakdown group when
    `group` = (by, key)), as the user may see them. For a past date the flags are recomputed as of that date.
    `rows`: the organizations to choose from, already confined to the user's view (the API's ScopedViewSet)."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    today = timezone.localdate()
    rows = SocialOrganization.objects.visible_to(user, "view") if rows is None else rows
    if is_past(on):
        # where and as what each organization was registered on the day (its period), as the figures count it
        period = OrgPeriod.objects.valid_on(on).filter(organization=OuterRef("pk"))
        period = (period.filter(authority_region_id=region.code) if direct
                  else period.filter(in_subtree("authority_region__code", region.scope_prefix)))
        if group is not None and as_of.GROUPS[group[0]] in as_of.PERIOD_VALUES and group[0] != "region":
            period = period.filter(**{as_of.GROUPS[group[0]]: group[1]})
            group = None
        rows = rows.filter(Exists(period))
    else:
        rows = (rows.filter(authority_region_id=region.code) if direct
                else rows.filter(in_subtree("authority_region__code", region.scope_prefix)))
    if responsible is not None:
        rows = rows.filter(pk__in=responsible_for(responsible, on if on is not None and on < today else None))
    if group is not None and group[0] == "responsible":
        rows = rows.annotate(responsible_body=responsible_body_of(on if on is not None and on < today else None))
    if group is not None and group[0] != "region":
        rows = rows.filter(**{BY_FIELDS[group[0]]: group[1]})
    condition = MEASURES[measure]
    if on is not None and on < today:
        rows = as_of_aliases(rows.active_on(on), on)
        condition = _on_calculated_flags(condition)
    else:
        rows = rows.active_on()
    return rows.filter(condition)


def _on_calculated_flags(condition: Q) -> Q:
    flags = {*state.FLAGS, *state.MEMBER_COUNTS}
    children = []
    for child in condition.children:
        if isinstance(child, Q):
            children.append(_on_calculated_flags(child))
            continue
        name, value = child
        children.append((f"calc_{name}" if name.split("__")[0] in flags else name, value))
    result = Q()
    result.children, result.connector, result.negated = children, condition.connector, condition.negated
    return result


def party_orgs_behind(user, region: Region, *, direct: bool = False, functional: bool | None = None):
    """Today's party organizations counted in `party_orgs` for the region (or its 本级), as the user may see them."""
    key = region.code if direct else region.scope_prefix
    reach = PartyOrgReach.objects.filter(key=key)
    if functional is not None:
        reach = reach.filter(is_functional=functional)
    return PartyOrganization.objects.visible_to(user, "view").filter(pk__in=reach.values("party_org_id"))


def verify_maintained(region: Region | None = None) -> list[str]:
    """Differences between the maintained figures and a from-scratch recount (empty when they agree)."""
    region = region or Region.objects.get(level=Level.NATIONAL)
    problems = []
    maintained = region_figures(region, source="maintained")
    scratch = region_figures(region, source="scratch")
    pairs = [("total", maintained.totals, scratch.totals), ("direct", maintained.direct, scratch.direct)]
    pairs += [(m["region"]["code"], m["totals"], s["totals"]) for m, s in zip(maintained.children, scratch.children,
                                                                            strict=False)]
    for label, left, right in pairs:
        if left != right:
            diff = {k: (left[k], right[k]) for k in left if left[k] != right[k]} if left and right else (left, right)
            problems.append(f"{label}: maintained≠scratch {diff}")
    if len(maintained.children) != len(scratch.children):
        problems.append("children differ in number")
    return problems
