"""The one FilterSet of organizational-life records, shared by the list page and /api/v1/activities/."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from socorg.core.filtering import region_filter_widget
from socorg.core.filters import FilterSet, RegionCodeFilter
from socorg.core.search import search_condition

from .choices import ActivityType
from .models import Activity


class ActivityFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"),
                                  help_text=_("topic or party organization name, pinyin or pinyin initials"))
    region = RegionCodeFilter(field_name="party_org__region__code", label=_("Region code"),
                              widget=region_filter_widget(),
                              help_text=_("the region and everything below it, e.g. 530100"))
    party_org = django_filters.NumberFilter(field_name="party_org_id", label=_("party organization (id)"),
                                          widget=forms.HiddenInput)
    type = django_filters.ChoiceFilter(choices=ActivityType.choices, label=_("type"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("from"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("until"))
    ordering = django_filters.OrderingFilter(
        fields=(("date", "date"), ("party_org__name_pinyin", "party_org"), ("actual_attendance", "attendance")),
        field_labels={"date": _("date"), "party_org__name_pinyin": _("party organization"),
                      "actual_attendance": _("actual attendance")},
        label=_("ordering"),
    )

    class Meta:
        model = Activity
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_condition(
            value, names=("topic", "party_org__name"),
            pinyin=("party_org__name_pinyin", "party_org__name_initials")))



def activity_list_filterset(data, user) -> ActivityFilter:
    """The activity list as the page shows it and the export writes it."""
    queryset = Activity.objects.visible_to(user, "view").select_related("party_org", "party_org__region")
    return ActivityFilter(data, queryset=queryset)
