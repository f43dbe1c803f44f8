"""Maintenance of derived state on SocialOrganization: coverage flags (org_covered, org_covered_formal,
work_covered, standalone) and effective member counts (full_members, probationary_members).

Definitions (docs/domain.md): an organization is
- org-covered when an active party organization of any formation (functional included) covers it today;
- formally org-covered when an active, non-functional party organization (one holding its members' formal
  membership relations, the basis of 党内统计) covers it today;
- work-covered when org-covered, or an on-duty instructor or liaison is assigned to it today;
- standalone when an active, non-functional party organization formed 单独组建 covers it today.
Every service that changes coverages, assignments, or a party organization's status / formation / functional flag
calls refresh_coverage_flags() with the affected organizations, inside its transaction. The statistics read the
flags; tests compare them with coverage_flags_from_scratch().

refresh_coverage_flags() also keeps the reach of the party organizations covering those organizations (which
region keys each reaches, see coverage.models.PartyOrgReach); the per-region organization counts follow the flags
through database triggers (coverage.triggers)."""

from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Substr

from socorg.party.choices import Formation, PartyOrgStatus
from socorg.party.models import (
    InstructorAssignment,
    PartyCoverage,
    active_on,
    instructor_on_duty_q,
    party_org_active_q,
)
from socorg.registry.models import SocialOrganization, org_active_q

# The derived flags, in the order coverage_flags_from_scratch() and stored_flags() give them.
FLAGS = ("org_covered", "org_covered_formal", "work_covered", "standalone")


def flag_expressions(on=None) -> dict:
    """The flags as SQL expressions over SocialOrganization rows, evaluated as of `on` (default today)."""
    def covering(**values):
        # the party organization in force on the day with the values it had then (history for a past day)
        return PartyCoverage.objects.filter(active_on(on=on), party_org_active_q("party_org__", on, **values),
                                            organization=OuterRef("pk"))

    covered = Exists(covering())
    formal = covering(is_functional=False)
    standalone = Exists(covering(is_functional=False, formation=Formation.STANDALONE))
    assigned = Exists(InstructorAssignment.objects.filter(active_on(on=on), instructor_on_duty_q("instructor__", on),
                                                          organization=OuterRef("pk")))
    work = Case(When(Q(covered) | Q(assigned), then=Value(True)), default=Value(False))
    return {"org_covered": covered, "org_covered_formal": Exists(formal), "work_covered": work,
            "standalone": standalone}


def refresh_coverage_flags(org_ids: Iterable[int] | None = None) -> int:
    """Recompute the flags of the given organizations (all when None) in one UPDATE, and the reach of the party
    organizations covering them; returns rows updated."""
    orgs = SocialOrganization.objects.all()
    if org_ids is None:
        updated = orgs.update(**flag_expressions())
        rebuild_party_reach()
        return updated
    ids = list(set(org_ids))
    if not ids:
        return 0
    updated = orgs.filter(pk__in=ids).update(**flag_expressions())
    refresh_party_reach(_party_orgs_touching(ids))
    return updated


# --- party organization reach (which region keys each active party organization covers an org in) -------------


def _reach_source(on=None):
    """PartyCoverage rows that make a party organization count: in force, party organization and organization active."""
    return PartyCoverage.objects.filter(active_on(on=on), party_org_active_q("party_org__", on),
                                   org_active_q("organization__", on))


def region_keys(code: str) -> list[str]:
    from .models import KEY_LENGTHS

    return [code[:length] for length in KEY_LENGTHS]


def _party_orgs_touching(org_ids: list[int]) -> set[int]:
    """Party organizations whose reach may change with these organizations: those with any coverage row on them,
    and those reaching their regions with no coverage left there (a coverage row deleted outright)."""
    from .models import PartyOrgReach

    touching = set(PartyCoverage.objects.filter(organization_id__in=org_ids).values_list("party_org_id", flat=True))
    codes = set(SocialOrganization.objects.filter(pk__in=org_ids).values_list("authority_region_id", flat=True))
    still_reaching = _reach_source().filter(party_org_id=OuterRef("party_org_id"),
                                            organization__authority_region_id=OuterRef("key"))
    stale = PartyOrgReach.objects.filter(key__in=codes).exclude(Exists(still_reaching))
    touching.update(stale.values_list("party_org_id", flat=True))
    return touching


def _desired_reach(party_org_ids: set[int]) -> set[tuple[int, str, bool]]:
    rows = (_reach_source().filter(party_org_id__in=party_org_ids).order_by()
            .values_list("party_org_id", "organization__authority_region_id", "party_org__is_functional").distinct())
    return {(party_org, key, functional) for party_org, code, functional in rows for key in region_keys(code)}


def refresh_party_reach(party_org_ids: Iterable[int]) -> None:
    """Bring the reach rows of these party organizations up to date; triggers adjust PartyOrgCounts."""
    from .models import PartyOrgReach

    ids = set(party_org_ids)
    if not ids:
        return
    desired = _desired_reach(ids)
    existing = {(p, k, f): pk for pk, p, k, f in PartyOrgReach.objects.filter(party_org_id__in=ids)
                .values_list("pk", "party_org_id", "key", "is_functional")}
    stale = [pk for row, pk in existing.items() if row not in desired]
    if stale:
        PartyOrgReach.objects.filter(pk__in=stale).delete()
    missing = [PartyOrgReach(party_org_id=p, key=k, is_functional=f) for p, k, f in desired - existing.keys()]
    PartyOrgReach.objects.bulk_create(missing, batch_size=5000)


def rebuild_party_reach() -> None:
    """Recompute every reach row set-based (INSERT … SELECT DISTINCT per key length)."""
    from .models import KEY_LENGTHS, PartyOrgCounts, PartyOrgReach

    # Reach rows first (the triggers bring the counts to zero), then whatever the counts table still holds.
    PartyOrgReach.objects.all().delete()
    PartyOrgCounts.objects.all().delete()
    table = PartyOrgReach._meta.db_table
    for length in KEY_LENGTHS:
        key = Substr("organization__authority_region_id", 1, length) if length else Value("")
        rows = (_reach_source().order_by().annotate(reach_key=key)
                .values_list("party_org_id", "reach_key", "party_org__is_functional").distinct())
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} (party_org_id, key, is_functional) {sql}", params)


def rebuild_region_counts() -> None:
    """Recompute RegionCounts from the organizations' stored flags (the triggers keep it afterwards)."""
    from .models import RegionCounts
    from .queries import count_annotations, counts_of

    RegionCounts.objects.all().delete()
    rows = (SocialOrganization.objects.active_on().order_by().values("authority_region_id")
            .annotate(**count_annotations()))
    RegionCounts.objects.bulk_create([RegionCounts(region_id=row["authority_region_id"], **counts_of(row))
                                      for row in rows], batch_size=5000)


def rebuild_counts() -> None:
    """Rebuild both maintained tables from the registry (after installing triggers, or to repair)."""
    rebuild_region_counts()
    rebuild_party_reach()


def coverage_flags_from_scratch(org_ids: Iterable[int] | None = None, on=None) -> dict[int, tuple[bool, ...]]:
    """{org id: flags in FLAGS order} computed without the stored flags (for checks and tests)."""
    orgs = SocialOrganization.objects.all()
    if org_ids is not None:
        orgs = orgs.filter(pk__in=list(org_ids))
    rows = orgs.annotate(**{f"calc_{k}": v for k, v in flag_expressions(on).items()}).values_list(
        "pk", *(f"calc_{flag}" for flag in FLAGS))
    return {pk: tuple(bool(value) for value in values) for pk, *values in rows}


def stored_flags(org_ids: Iterable[int] | None = None) -> dict[int, tuple[bool, ...]]:
    """{org id: flags in FLAGS order} as stored (to compare with coverage_flags_from_scratch)."""
    orgs = SocialOrganization.objects.all()
    if org_ids is not None:
        orgs = orgs.filter(pk__in=list(org_ids))
    return {pk: tuple(values) for pk, *values in orgs.values_list("pk", *FLAGS)}


# --- rows created by a bulk load --------------------------------------------------------------------------


class CoveringState(NamedTuple):
    """A party organization as the flags read it."""

    active: bool
    standalone: bool  # counts toward `standalone`: formed 单独组建 and not functional
    functional: bool


def covering_state(status: str, formation: str, is_functional: bool) -> CoveringState:
    return CoveringState(status == PartyOrgStatus.ACTIVE, formation == Formation.STANDALONE and not is_functional,
                         is_functional)


class CreatedRowsState:
    """Derived state of the organizations and party organizations one bulk load (the ledger import) created.

    Nothing but the load's own links can cover an organization it created, so their flags follow from the links it
    wrote (note_coverage / note_assignment) and the reach of the party organizations it created from theirs
    (note_reach), without re-reading them. Existing rows touched by the load go through refresh_coverage_flags() /
    refresh_party_reach() instead. A ledger test compares the result with coverage_flags_from_scratch() and a
    rebuild of the counts.

    The load declares the links it is about to write before it writes any organization (expect_coverage /
    expect_assignment, by USCC: the ledger reads its party and instructor sheets' lists first), so a new
    organization is inserted with its final flags (expected_flags) and no UPDATE follows — on PostgreSQL every
    updated row is a new tuple in each of the table's indexes. write_flags() still compares what was inserted with
    the links actually written and updates only the organizations where the two differ (none when the declaration
    was complete), so the stored flags never depend on the declaration being right."""

    NO_FLAGS = (False, False, False, False)

    def __init__(self, created_org_ids: set[int]):
        self.created_org_ids = created_org_ids  # filled by the load as it creates organizations
        self.covered: set[int] = set()
        self.formal: set[int] = set()
        self.standalone: set[int] = set()
        self.assigned: set[int] = set()
        self.reach: set[tuple[int, str, bool]] = set()
        # Declared before the write, by USCC (see expect_coverage); and the flags each created row got.
        self.expected_covered: set[str] = set()
        self.expected_formal: set[str] = set()
        self.expected_standalone: set[str] = set()
        self.expected_assigned: set[str] = set()
        self.inserted_flags: dict[int, tuple[bool, ...]] = {}  # created org id → flags inserted (any True)

    def expect_coverage(self, codes, covering: CoveringState) -> None:
        """The load will link these organizations (by USCC) to a party organization left in this state."""
        if covering.active:
            self.expected_covered.update(codes)
            if not covering.functional:
                self.expected_formal.update(codes)
            if covering.standalone:
                self.expected_standalone.update(codes)

    def expect_assignment(self, codes, *, on_duty: bool) -> None:
        """The load will assign an instructor (on duty or not) to these organizations (by USCC)."""
        if on_duty:
            self.expected_assigned.update(codes)

    def expected_flags(self, code: str) -> tuple[bool, ...]:
        """The flags (FLAGS order) an organization created with this USCC will have once the declared links are
        written: what to insert it with."""
        covered = code in self.expected_covered
        return (covered, code in self.expected_formal, covered or code in self.expected_assigned,
                code in self.expected_standalone)

    def note_inserted(self, org_id: int, flags: tuple[bool, ...]) -> None:
        """A created organization was inserted with these flags."""
        if flags != self.NO_FLAGS:
            self.inserted_flags[org_id] = flags

    def note_coverage(self, org_id: int, covering: CoveringState) -> None:
        """A coverage link written by the load, in force today, by a party organization as the load leaves it."""
        if org_id in self.created_org_ids and covering.active:
            self.covered.add(org_id)
            if not covering.functional:
                self.formal.add(org_id)
            if covering.standalone:
                self.standalone.add(org_id)

    def note_assignment(self, org_id: int, *, on_duty: bool) -> None:
        """An instructor assignment written by the load, in force today."""
        if on_duty and org_id in self.created_org_ids:
            self.assigned.add(org_id)

    def note_reach(self, party_org_id: int, region_code: str, *, functional: bool) -> None:
        """A created, active party organization covers an active organization of this region today."""
        for key in region_keys(region_code):
            self.reach.add((party_org_id, key, functional))

    def write_reach(self) -> None:
        from socorg.core.bulk import TableWriter

        from .models import PartyOrgReach

        if self.reach:
            writer = TableWriter(PartyOrgReach, ["party_org", "key", "is_functional"], batch_size=5000)
            for row in sorted(self.reach):
                writer.add(row)
            writer.flush()

    def final_flags(self) -> dict[int, tuple[bool, ...]]:
        """{created org id: its flags (FLAGS order)} from the links written, for those with any flag set."""
        return {org_id: (org_id in self.covered, org_id in self.formal, True, org_id in self.standalone)
                for org_id in (self.covered | self.assigned) & self.created_org_ids}

    def write_flags(self, batch_size: int = 5000) -> int:
        """Set the flags of the created organizations whose inserted flags differ from those the written links
        give (one UPDATE per flag combination and batch); returns how many there were."""
        final = self.final_flags()
        groups: dict[tuple[bool, ...], list[int]] = {}
        for org_id in final.keys() | self.inserted_flags.keys():
            flags = final.get(org_id, self.NO_FLAGS)
            if flags != self.inserted_flags.get(org_id, self.NO_FLAGS):
                groups.setdefault(flags, []).append(org_id)
        for flags, ids in groups.items():
            ids.sort()
            for start in range(0, len(ids), batch_size):
                SocialOrganization.objects.filter(pk__in=ids[start:start + batch_size]).update(
                    **dict(zip(FLAGS, flags, strict=True)))
        return sum(len(ids) for ids in groups.values())


MEMBER_COUNTS = ("full_members", "basis_full_members", "probationary_members")


def _member_counts(members, declared_full, declared_probationary) -> dict:
    """The effective member counts of the organization at OuterRef("pk") (the one rule, today and as of a day): from
    its member records (`members`: the rows counted, one per member, with `membership` and `is_full_time_staff`)
    where it has any, otherwise the declared counts; and the full members counted toward should-build on the
    deployment's basis (party.rules.should_build_basis)."""
    members = members.order_by().values("employer")

    def counted(declared, kinds: Q):
        # One subquery per count: no row (NULL) when the organization has no member records, so the declared
        # count applies; otherwise the records of these kinds (possibly 0).
        records = members.annotate(n=Count("pk", filter=kinds)).values("n")
        return Coalesce(Subquery(records, output_field=IntegerField()), declared, output_field=IntegerField())

    kinds = member_kinds()
    return {name: counted(declared_probationary if name == "probationary_members" else declared_full, kinds[name])
            for name in MEMBER_COUNTS}


def member_kinds() -> dict[str, Q]:
    """{member count: the member records it counts}: full members, the full members counted toward should-build on
    the deployment's basis (party.rules.should_build_basis), probationary members. Counts with no member records
    fall back to the declared full (the first two) or probationary count."""
    from socorg.party.choices import Membership
    from socorg.party.rules import should_build_basis

    basis = Q(membership=Membership.FULL)
    if should_build_basis() == "full_time_staff":
        basis &= Q(is_full_time_staff=True)
    return {"full_members": Q(membership=Membership.FULL), "basis_full_members": basis,
            "probationary_members": Q(membership=Membership.PROBATIONARY)}


def member_count_expressions(on=None) -> dict:
    """The member counts of SocialOrganization rows as of `on`: today the stored columns (refresh_member_counts
    keeps them); a past day from the dated history — the member periods in force that day (joins, leaves,
    transfers, 转正 as recorded) and the declared counts the organization had then (docs/history.md)."""
    from socorg.party.models import MemberPeriod
    from socorg.registry.models import OrgPeriod, is_past

    if not is_past(on):
        return {name: F(name) for name in MEMBER_COUNTS}
    period = OrgPeriod.objects.valid_on(on).filter(organization=OuterRef("pk"))

    def declared(field):
        return Coalesce(Subquery(period.values(field)[:1]), Value(0))

    return _member_counts(MemberPeriod.objects.valid_on(on).filter(employer=OuterRef("pk")),
                          declared("declared_full_members"), declared("declared_probationary_members"))


def refresh_member_counts(org_ids: Iterable[int] | None = None) -> int:
    """Set the effective member counts of organizations: from active member records where the organization has
    any, otherwise the declared counts; and the full members counted toward should-build on the deployment's basis
    (party.rules.should_build_basis: every full member employed there, or only the full-time staff among the member
    records; the declared count where there are no records). Called by member and organization services on every
    change."""
    from socorg.party.models import PartyMember

    orgs = SocialOrganization.objects.all()
    if org_ids is not None:
        ids = list(set(org_ids))
        if not ids:
            return 0
        orgs = orgs.filter(pk__in=ids)
    members = PartyMember.objects.filter(employer=OuterRef("pk"), is_active=True)
    return orgs.update(**_member_counts(members, F("declared_full_members"), F("declared_probationary_members")))
