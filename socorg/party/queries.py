"""Read querysets shared by the UI and the API: scoped first, then everything a page needs in a constant number
of queries (related rows joined or prefetched once per page, counts annotated)."""

from django.db.models import Prefetch

from .models import Coverage, Instructor, InstructorAssignment, PartyMember, PartyOrganization, active_on


def current_coverages_prefetch() -> Prefetch:
    return Prefetch("coverages", to_attr="current_coverages",
                    queryset=Coverage.objects.filter(active_on()).select_related("organization")
                    .only("party_org_id", "start_on", "end_on", "organization__uscc", "organization__name")
                    .order_by("start_on", "pk"))


def party_orgs_for(user, action: str = "view"):
    return (PartyOrganization.objects.visible_to(user, action).with_covered_count()
            .select_related("region", "parent"))


def party_orgs_with_coverages(user):
    return party_orgs_for(user).prefetch_related(current_coverages_prefetch())


def members_for(user, action: str = "view"):
    return PartyMember.objects.visible_to(user, action).select_related("party_org", "employer")


def instructors_for(user, action: str = "view"):
    current = Prefetch("assignments", to_attr="current_assignments",
                       queryset=InstructorAssignment.objects.filter(active_on()).select_related("organization")
                       .only("instructor_id", "start_on", "end_on", "organization__uscc", "organization__name"))
    return Instructor.objects.visible_to(user, action).select_related("region").prefetch_related(current)
