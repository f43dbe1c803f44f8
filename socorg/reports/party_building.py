"""The party-building section of an annual report, pre-filled from the registry as of 31 December of the year.

Enter once: the organization types none of this. Party organizations covering it (kind, formation, secretary),
full and probationary members, instructors and liaisons, organizational-life counts for the year and the party
clause in the charter, all as the platform knew them on that day. Member records carry no membership history, so
counts use each member's current membership type among those who had joined by the day and not left before it
(the same limit as "as of" coverage; docs/domain.md)."""

import datetime

from django.db.models import Count, Q

from socorg.activities.models import Activity
from socorg.coverage.models import SHOULD_BUILD_MIN_FULL_MEMBERS
from socorg.coverage.state import instructor_on_duty_q, party_org_active_q
from socorg.party.choices import Formation, Membership
from socorg.party.models import InstructorAssignment, PartyCoverage, PartyMember, active_on
from socorg.registry.models import SocialOrganization


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def party_building_as_of(org: SocialOrganization, year: int) -> dict:
    day = year_end(year)
    coverages = (PartyCoverage.objects.filter(active_on(on=day), party_org_active_q("party_org__", day),
                                              organization=org)
                 .select_related("party_org").order_by("party_org__name"))
    party_orgs = [c.party_org for c in coverages]
    members = PartyMember.objects.filter(employer=org).filter(Q(joined_on__isnull=True) | Q(joined_on__lte=day))
    members = members.filter(Q(is_active=True, left_on__isnull=True) | Q(left_on__gt=day))
    if PartyMember.objects.filter(employer=org).exists():
        counts = dict(members.order_by().values_list("membership").annotate(n=Count("pk")))
        full, probationary = counts.get(Membership.FULL, 0), counts.get(Membership.PROBATIONARY, 0)
    else:
        full, probationary = org.declared_full_members, org.declared_probationary_members
    assignments = (InstructorAssignment.objects.filter(active_on(on=day), instructor_on_duty_q("instructor__", day),
                                                       organization=org)
                   .select_related("instructor").order_by("instructor__name"))
    activity_counts = dict(Activity.objects.filter(party_org__in=[p.pk for p in party_orgs], date__year=year)
                           .order_by().values_list("type").annotate(n=Count("pk")))
    standalone = any(p.formation == Formation.STANDALONE for p in party_orgs)
    return {
        "as_of": day.isoformat(),
        "party_orgs": [{"id": p.pk, "name": p.name, "kind": p.kind, "formation": p.formation,
                        "is_functional": p.is_functional, "secretary": p.secretary_name} for p in party_orgs],
        "full_members": full,
        "probationary_members": probationary,
        "instructors": [{"name": a.instructor.name, "kind": a.instructor.kind} for a in assignments],
        "activities": {str(kind): n for kind, n in sorted(activity_counts.items())},
        "party_clause_in_charter": org.party_clause_in_charter,
        "should_build_missing": full >= SHOULD_BUILD_MIN_FULL_MEMBERS and not standalone,
    }
