"""The party-building section of an annual report, pre-filled from the registry as of 31 December of the year.

Enter once: the organization types none of this. Party organizations covering it (kind, formation, secretary),
full and probationary members, instructors and liaisons, organizational-life counts for the year and the party
clause in the charter, all as the platform knew them on that day: members, party organizations and the
organization's declared counts come from the dated history (docs/history.md) — a member who moves after 31
December still counts where they were then. Organizations without member records that day use their declared
counts, as everywhere else.

Set-based: `party_building_for(orgs, year)` answers for a list of organizations in a fixed number of queries (the
demo data and any bulk use), and `party_building_as_of(org, year)` is the same for one."""

import datetime
from collections import defaultdict

from django.db.models import Count

from socorg.activities.models import Activity
from socorg.coverage.state import instructor_on_duty_q, party_org_active_q
from socorg.party.choices import Formation, Membership
from socorg.party.models import InstructorAssignment, MemberPeriod, PartyCoverage, PartyOrgPeriod, active_on
from socorg.party.rules import should_build_min_full_members
from socorg.registry.models import OrgPeriod, SocialOrganization


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def party_building_as_of(org: SocialOrganization, year: int) -> dict:
    return party_building_for([org], year)[org.pk]


def party_building_for(orgs: list[SocialOrganization], year: int) -> dict[int, dict]:
    day = year_end(year)
    ids = [org.pk for org in orgs]
    party_orgs: dict[int, list] = defaultdict(list)
    coverages = (PartyCoverage.objects.filter(active_on(on=day), party_org_active_q("party_org__", day),
                                              organization_id__in=ids)
                 .select_related("party_org").order_by("party_org__name"))
    for coverage in coverages:
        party_orgs[coverage.organization_id].append(coverage.party_org)
    # The party organizations' kind, formation and functional flag as they were on the day.
    values_then = {row["party_org_id"]: row for row in PartyOrgPeriod.objects.valid_on(day).filter(
        party_org_id__in={p.pk for covering in party_orgs.values() for p in covering})
        .values("party_org_id", "kind", "formation", "is_functional")}
    for covering in party_orgs.values():
        for party_org in covering:
            then = values_then.get(party_org.pk, {})
            for field in ("kind", "formation", "is_functional"):
                setattr(party_org, field, then.get(field, getattr(party_org, field)))
    # Members on the records that day (joins, leaves, transfers and 转正 as dated in the history), else the counts
    # the organization declared then: the rule of coverage.state.member_count_expressions.
    counted = (MemberPeriod.objects.valid_on(day).filter(employer_id__in=ids)
               .order_by().values_list("employer_id", "membership").annotate(n=Count("pk")))
    members = {(employer, membership): n for employer, membership, n in counted}
    with_records = {employer for employer, _ in members}
    declared = {row[0]: row[1:] for row in OrgPeriod.objects.valid_on(day).filter(organization_id__in=ids)
                .values_list("organization_id", "declared_full_members", "declared_probationary_members")}
    instructors: dict[int, list] = defaultdict(list)
    assignments = (InstructorAssignment.objects.filter(active_on(on=day), instructor_on_duty_q("instructor__", day),
                                                       organization_id__in=ids)
                   .select_related("instructor").order_by("instructor__name"))
    for assignment in assignments:
        instructors[assignment.organization_id].append(assignment.instructor)
    party_org_ids = {p.pk for covering in party_orgs.values() for p in covering}
    activity_counts: dict[int, dict] = defaultdict(dict)
    for party_org_id, kind, n in (Activity.objects.filter(party_org_id__in=party_org_ids, date__year=year)
                                  .order_by().values_list("party_org_id", "type").annotate(n=Count("pk"))):
        activity_counts[party_org_id][kind] = n

    minimum = should_build_min_full_members()
    sections = {}
    for org in orgs:
        covering = party_orgs.get(org.pk, [])
        if org.pk in with_records:
            full = members.get((org.pk, Membership.FULL), 0)
            probationary = members.get((org.pk, Membership.PROBATIONARY), 0)
        else:
            full, probationary = declared.get(org.pk, (org.declared_full_members,
                                                       org.declared_probationary_members))
        activities: dict[str, int] = defaultdict(int)
        for party_org in covering:
            for kind, n in activity_counts.get(party_org.pk, {}).items():
                activities[kind] += n
        standalone = any(p.formation == Formation.STANDALONE for p in covering)
        sections[org.pk] = {
            "as_of": day.isoformat(),
            "party_orgs": [{"id": p.pk, "name": p.name, "kind": p.kind, "formation": p.formation,
                            "is_functional": p.is_functional, "secretary": p.secretary_name} for p in covering],
            "full_members": full,
            "probationary_members": probationary,
            "instructors": [{"name": i.name, "kind": i.kind} for i in instructors.get(org.pk, [])],
            "activities": {str(kind): n for kind, n in sorted(activities.items())},
            "party_clause_in_charter": org.party_clause_in_charter,
            "should_build_missing": full >= minimum and not standalone,
        }
    return sections
