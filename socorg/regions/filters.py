import django_filters
from django.utils.translation import gettext_lazy as _

from socorg.core.filters import FilterSet

from .choices import Level
from .models import Region


class RegionFilter(FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("level"), empty_label=_("any level"))
    parent = django_filters.CharFilter(field_name="parent_id", label=_("parent code"))
    code_prefix = django_filters.CharFilter(field_name="code", lookup_expr="startswith", label=_("code prefix"))
    q = django_filters.CharFilter(method="filter_q", label=_("name, pinyin or code"))
    include_retired = django_filters.BooleanFilter(method="filter_retired", label=_("include retired codes"))

    class Meta:
        model = Region
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_retired(self, queryset, name, value):
        return queryset  # applied in qs, because the default (absent) must also hide retired codes

    @property
    def qs(self):
        # Retired codes are hidden unless asked for; detail look-ups by code still find them.
        queryset = super().qs
        if not self.form.cleaned_data.get("include_retired"):
            queryset = queryset.current()
        return queryset
