"""The FilterSet of screening cases (the worklist page)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socorg.core.filters import FilterSet, RegionCodeFilter

from .choices import CaseStatus, Criterion
from .models import ScreeningCase
from .queries import FIGURE_LABELS, FIGURES


class ScreeningCaseFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"),
                                  help_text=_("organization name or credit code"))
    region = RegionCodeFilter(field_name="organization__authority_region__code", label=_("Region code"),
                              help_text=_("the region and everything below it, e.g. 530100"))
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("status"))
    criterion = django_filters.ChoiceFilter(choices=Criterion.choices, method="filter_criterion",
                                            label=_("criterion met"))
    figure = django_filters.ChoiceFilter(method="filter_figure", label=_("figure"),
                                         choices=list(FIGURE_LABELS.items()))
    run = django_filters.NumberFilter(field_name="run_id", label=_("screening run"))

    class Meta:
        model = ScreeningCase
        fields = []

    def filter_q(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(organization__name__contains=text) | Q(organization__uscc=text.upper()))

    def filter_criterion(self, queryset, name, value):
        # JSON list membership, portable across SQLite and PostgreSQL: the evidence has a key per criterion met.
        return queryset.filter(evidence__has_key=value)

    def filter_figure(self, queryset, name, value):
        return queryset.filter(FIGURES[value])


def case_list_filterset(data, user) -> ScreeningCaseFilter:
    """The screening case list as its page shows it: by the organization's region, then its credit code."""
    queryset = ScreeningCase.objects.visible_to(user, "view").select_related(
        "organization", "organization__authority_region", "run")
    return ScreeningCaseFilter(data, queryset=queryset.order_by("organization__authority_region_id",
                                                                 "organization__uscc"))
