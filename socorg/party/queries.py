"""Read querysets shared by the UI and the API: scoped first, then everything a page needs in a constant number
of queries (related rows joined or prefetched once per page, counts annotated)."""

from django.db.models import Prefetch

from .models import Instructor, InstructorAssignment, PartyCoverage, PartyMember, PartyOrganization, active_on


def current_coverages_prefetch() -> Prefetch:
    return Prefetch("coverages", to_attr="current_coverages",
                    queryset=PartyCoverage.objects.filter(active_on()).select_related("organization")
                    .only("party_org_id", "start_on", "end_on", "organization__uscc", "organization__name")
                    .order_by("start_on", "pk"))


# The *_rows functions shape an already scoped queryset (the API's ScopedViewSet.shape applies them after
# visible_to); the *_for functions scope and shape for a page.

def party_org_rows(queryset):
    return queryset.with_covered_count().select_related("region", "parent")


def party_orgs_for(user, action: str = "view"):
    return party_org_rows(PartyOrganization.objects.visible_to(user, action))


def party_orgs_with_coverages(user):
    return party_orgs_for(user).prefetch_related(current_coverages_prefetch())


# Members are listed by party organization (the roster of each branch), then name. Besides being how a roster is
# read, this order is cheap in any scope: the database walks the in-scope party organizations in name order (a few
# hundred in a county) and each one's members through the party_org index, sorting only within one organization,
# and stops after a page. Ordering the whole scope by name instead sorts every member of a province.
MEMBER_LIST_ORDER = ("party_org__name", "name", "id")


def employer_prefetch() -> Prefetch:
    """Members' employers, read for a page's rows once the page is chosen (one query by primary key) rather than
    joined: joined, the database looked up the employer of every member in a county before sorting them and keeping
    50 (3,594 look-ups, 40 of 54 ms, for the busiest county's roster on the national set; benchmarks/README.md,
    lists). Pages show the employer's name and code only: its phone is not decrypted."""
    from socorg.registry.models import SocialOrganization

    return Prefetch("employer", queryset=SocialOrganization.objects.only("id", "uscc", "name"))


def member_rows(queryset):
    return queryset.select_related("party_org").prefetch_related(employer_prefetch()).order_by(*MEMBER_LIST_ORDER)


def members_for(user, action: str = "view"):
    return member_rows(PartyMember.objects.visible_to(user, action))


def instructor_rows(queryset):
    current = Prefetch("assignments", to_attr="current_assignments",
                       queryset=InstructorAssignment.objects.filter(active_on()).select_related("organization")
                       .only("instructor_id", "start_on", "end_on", "organization__uscc", "organization__name"))
    return queryset.select_related("region").prefetch_related(current)


def instructors_for(user, action: str = "view"):
    return instructor_rows(Instructor.objects.visible_to(user, action))
