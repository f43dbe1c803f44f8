import django_filters
from django.utils.translation import gettext_lazy as _

from socorg.core.filtering import YesNoSelect
from socorg.core.filters import FilterSet

from .choices import Level
from .models import Region


class RegionFilter(FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("level"), empty_label=_("any level"))
    parent = django_filters.CharFilter(field_name="parent_id", label=_("parent code"))
    code_prefix = django_filters.CharFilter(field_name="code", lookup_expr="startswith", label=_("code prefix"))
    q = django_filters.CharFilter(method="filter_q", label=_("name, pinyin or code"))
    include_retired = django_filters.BooleanFilter(
        method="filter_retired", label=_("include retired codes"),
        help_text=_("a search finds retired codes unless “no”; a listing shows them only when “yes”"),
        widget=YesNoSelect)

    class Meta:
        model = Region
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_retired(self, queryset, name, value):
        return queryset  # applied in qs, because the default (absent) depends on whether this is a search

    @property
    def qs(self):
        # A search (q) finds retired codes too: clerks type codes from old records and certificates (532700). A
        # listing (by level, parent, prefix) shows the units in force unless asked. Detail look-ups find every code.
        queryset = super().qs
        if not self.is_valid():
            return queryset
        include = self.form.cleaned_data.get("include_retired")
        if include is None:
            include = bool((self.form.cleaned_data.get("q") or "").strip())
        return queryset if include else queryset.current()
