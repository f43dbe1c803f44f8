"""Maintenance of derived state on SocialOrganization: coverage flags (org_covered, work_covered, standalone) and
effective member counts (full_members, probationary_members).

Definitions (../shared/domain.md): an organization is
- org-covered when an active party organization of any formation (functional included) covers it today;
- work-covered when org-covered, or an on-duty instructor or liaison is assigned to it today;
- standalone when an active, non-functional party organization formed 单独组建 covers it today.
Every service that changes coverages, assignments, or a party organization's status / formation / functional flag
calls refresh_coverage_flags() with the affected organizations, inside its transaction. The statistics read the
flags; tests compare them with coverage_flags_from_scratch()."""

from collections.abc import Iterable

from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When

from socorg.party.choices import Formation, InstructorStatus, PartyOrgStatus
from socorg.party.models import Coverage, InstructorAssignment, active_on
from socorg.registry.models import SocialOrganization


def flag_expressions(on=None) -> dict:
    """The three flags as SQL expressions over SocialOrganization rows, evaluated as of `on` (default today)."""
    covering = Coverage.objects.filter(active_on(on=on), organization=OuterRef("pk"),
                                       party_org__status=PartyOrgStatus.ACTIVE)
    covered = Exists(covering)
    standalone = Exists(covering.filter(party_org__is_functional=False, party_org__formation=Formation.STANDALONE))
    assigned = Exists(InstructorAssignment.objects.filter(active_on(on=on), organization=OuterRef("pk"),
                                                          instructor__status=InstructorStatus.ON_DUTY))
    work = Case(When(Q(covered) | Q(assigned), then=Value(True)), default=Value(False))
    return {"org_covered": covered, "work_covered": work, "standalone": standalone}


def refresh_coverage_flags(org_ids: Iterable[int] | None = None) -> int:
    """Recompute the flags of the given organizations (all when None) in one UPDATE; returns rows updated."""
    orgs = SocialOrganization.objects.all()
    if org_ids is not None:
        ids = list(set(org_ids))
        if not ids:
            return 0
        orgs = orgs.filter(pk__in=ids)
    return orgs.update(**flag_expressions())


def coverage_flags_from_scratch(org_ids: Iterable[int] | None = None, on=None) -> dict[int, tuple[bool, bool, bool]]:
    """{org id: (org_covered, work_covered, standalone)} computed without the stored flags (for checks and tests)."""
    orgs = SocialOrganization.objects.all()
    if org_ids is not None:
        orgs = orgs.filter(pk__in=list(org_ids))
    rows = orgs.annotate(**{f"calc_{k}": v for k, v in flag_expressions(on).items()}).values_list(
        "pk", "calc_org_covered", "calc_work_covered", "calc_standalone"
    )
    return {pk: (bool(a), bool(b), bool(c)) for pk, a, b, c in rows}


def refresh_member_counts(org_ids: Iterable[int] | None = None) -> int:
    """Set the effective member counts of organizations: from active member records where the organization has
    any, otherwise the declared counts. Called by member and organization services on every change."""
    from django.db.models import Count, IntegerField
    from django.db.models.functions import Coalesce

    from socorg.party.choices import Membership
    from socorg.party.models import PartyMember

    orgs = SocialOrganization.objects.all()
    if org_ids is not None:
        ids = list(set(org_ids))
        if not ids:
            return 0
        orgs = orgs.filter(pk__in=ids)
    members = PartyMember.objects.filter(employer=OuterRef("pk"), is_active=True).order_by().values("employer")

    def counted(**kinds):
        subquery = members.filter(**kinds).annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(subquery), Value(0), output_field=IntegerField())

    has_records = Exists(members)
    return orgs.update(
        full_members=Case(When(has_records, then=counted(membership=Membership.FULL)),
                          default=F("declared_full_members"), output_field=IntegerField()),
        probationary_members=Case(When(has_records, then=counted(membership=Membership.PROBATIONARY)),
                                  default=F("declared_probationary_members"), output_field=IntegerField()),
    )
