"""The one FilterSet of social organizations, shared by the list page and /api/v1/orgs/."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socorg.core.filtering import YesNoSelect, region_filter_widget
from socorg.core.filters import FilterSet, RegionCodeFilter
from socorg.core.scope import in_subtree
from socorg.core.search import search
from socorg.party.rules import should_build_min_full_members, with_should_build_min

from .choices import Category, OrgStatus, OrgType
from .models import SocialOrganization

# Coverage states: each a condition on the maintained flags (see socorg.coverage.state).
SHOULD_BUILD_MIN_FULL_MEMBERS = should_build_min_full_members()
COVERAGE_STATES = {
    "org_covered": Q(org_covered=True),
    "org_uncovered": Q(org_covered=False),
    "work_covered": Q(work_covered=True),
    "work_uncovered": Q(work_covered=False),
    "standalone": Q(standalone=True),
    "should_build_missing": Q(basis_full_members__gte=SHOULD_BUILD_MIN_FULL_MEMBERS, standalone=False),
}
COVERAGE_CHOICES = [
    ("org_covered", _("Organizationally covered")),
    ("org_uncovered", _("Not organizationally covered")),
    ("work_covered", _("Work covered")),
    ("work_uncovered", _("Not work covered")),
    ("standalone", _("Standalone party organization")),
    ("should_build_missing", with_should_build_min(
        _("Should build, not built (≥%(min)d full members, no standalone organization)"))),
]


# Default order of the list page and /api/v1/orgs/: registration region, then code. Region first because a scope
# or region filter is a range of region codes (see core.scope.ScopePrefix) read from the region index in region
# order, sorting only within a region; in code order one province's rows sit in clustered stretches of the uscc
# index that the database walks up to (province first page 158 → 25 ms p95; deep pages got slower, see
# benchmarks/README.md, lists).
ORG_LIST_ORDER = ("authority_region_id", "uscc")


class OrganizationFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"),
                                  help_text=_("name, pinyin, pinyin initials or part of the code; "
                                              "several words narrow the result"))
    region = RegionCodeFilter(method="filter_region", label=_("Region code"),
                              widget=region_filter_widget(),
                              help_text=_("the region and everything below it, e.g. 530100"))
    org_type = django_filters.ChoiceFilter(choices=OrgType.choices, label=_("type"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    status = django_filters.ChoiceFilter(choices=OrgStatus.choices, label=_("status"))
    coverage = django_filters.ChoiceFilter(choices=COVERAGE_CHOICES, method="filter_coverage",
                                           label=_("coverage"))
    supervisor = django_filters.CharFilter(lookup_expr="icontains", label=_("supervising unit"))
    direct = django_filters.BooleanFilter(method="filter_direct", label=_("direct registration"),
                                          widget=YesNoSelect)
    ordering = django_filters.OrderingFilter(
        fields=(("uscc", "uscc"), ("name_pinyin", "name_pinyin"), ("registered_on", "registered_on"),
                ("full_members", "full_members")),
        field_labels={"uscc": _("code"), "name_pinyin": _("name (pinyin)"), "registered_on": _("registration date"),
                      "full_members": _("full party members")},
        label=_("ordering"),
    )

    class Meta:
        model = SocialOrganization
        fields = []

    def filter_q(self, queryset, name, value):
        return search(queryset, value, names=("name", "short_name"), codes=("uscc",))

    def filter_region(self, queryset, name, region):
        self.region_prefix = region.scope_prefix  # for registry.totals (exact totals from the maintained counts)
        return queryset.filter(in_subtree("authority_region__code", region.scope_prefix))

    def filter_coverage(self, queryset, name, value):
        return queryset.filter(COVERAGE_STATES[value])

    def filter_direct(self, queryset, name, value):
        return queryset.filter(supervisor="") if value else queryset.exclude(supervisor="")


def org_list_filterset(data, user) -> OrganizationFilter:
    """The organization list as the page shows it and the export writes it: the user's scope, default order."""
    queryset = (SocialOrganization.objects.visible_to(user, "view").select_related("authority_region")
                .order_by(*ORG_LIST_ORDER))
    return OrganizationFilter(data, queryset=queryset)
