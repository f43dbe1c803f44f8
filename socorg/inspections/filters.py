"""The one FilterSet of inspection plans, shared by the plan list page and /api/v1/inspection-plans/."""

import django_filters
from django.utils.translation import gettext_lazy as _

from socorg.core.filters import FilterSet
from socorg.core.scope import filter_subtree

from .choices import PlanStatus
from .models import InspectionPlan


class InspectionPlanFilter(FilterSet):
    year = django_filters.NumberFilter(field_name="year", label=_("year"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"),
                                       help_text=_("the region and everything below it, e.g. 530100"))
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label=_("status"))

    class Meta:
        model = InspectionPlan
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = self.filters["year"]  # a year, not any number the column could hold
        year.extra.update(min_value=1900, max_value=9999)
        year.__dict__.pop("_field", None)

    def filter_region(self, queryset, name, value):
        return filter_subtree(queryset, "region__code", value)
