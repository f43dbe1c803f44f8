"""The FilterSets of the project lists, shared by the pages and /api/v1/ (built on core.filters.FilterSet)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socorg.core.filters import FilterSet
from socorg.core.scope import filter_subtree

from .choices import ApplicationStatus, CallKind, MatchStatus, NeedStatus, ProjectStatus
from .models import Application, Match, Need, Offer, Project, ProjectCall


def _org_text(queryset, path: str, value: str):
    text = (value or "").strip()
    if not text:
        return queryset
    return queryset.filter(Q(**{f"{path}name__contains": text}) | Q(**{f"{path}uscc__contains": text.upper()})
                           | Q(**{f"{path}name_initials__startswith": text.lower().replace(" ", "")}))


class ProjectCallFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=CallKind.choices, label=_("kind"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"),
                                       help_text=_("the region and everything below it, e.g. 530100"))
    year = django_filters.NumberFilter(field_name="opens_on__year", label=_("year"))

    class Meta:
        model = ProjectCall
        fields = []

    def filter_region(self, queryset, name, value):
        return filter_subtree(queryset, "region__code", value)


class ApplicationFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"),
                                  help_text=_("organization name, its pinyin initials or its credit code"))
    call = django_filters.NumberFilter(field_name="call_id", label=_("project call"))
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("status"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"),
                                       help_text=_("the region and everything below it, e.g. 530100"))

    class Meta:
        model = Application
        fields = []

    def filter_q(self, queryset, name, value):
        return _org_text(queryset, "organization__", value)

    def filter_region(self, queryset, name, value):
        return filter_subtree(queryset, "organization__authority_region__code", value)


class ProjectFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"),
                                  help_text=_("organization name, its pinyin initials or its credit code"))
    kind = django_filters.ChoiceFilter(field_name="application__call__kind", choices=CallKind.choices,
                                       label=_("kind"))
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("status"))
    year = django_filters.NumberFilter(field_name="awarded_on__year", label=_("year"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"),
                                       help_text=_("the region and everything below it, e.g. 530100"))

    class Meta:
        model = Project
        fields = []

    def filter_q(self, queryset, name, value):
        return _org_text(queryset, "application__organization__", value)

    def filter_region(self, queryset, name, value):
        return filter_subtree(queryset, "application__organization__authority_region__code", value)


class NeedFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=NeedStatus.choices, label=_("status"))
    category = django_filters.CharFilter(field_name="category", label=_("service category"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"),
                                       help_text=_("the region and everything below it, e.g. 530100"))

    class Meta:
        model = Need
        fields = []

    def filter_region(self, queryset, name, value):
        return filter_subtree(queryset, "region__code", value)


class OfferFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"),
                                  help_text=_("organization name, its pinyin initials or its credit code"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"),
                                       help_text=_("the region and everything below it, e.g. 530100"))

    class Meta:
        model = Offer
        fields = []

    def filter_q(self, queryset, name, value):
        return _org_text(queryset, "organization__", value)

    def filter_region(self, queryset, name, value):
        return filter_subtree(queryset, "organization__authority_region__code", value)


class MatchFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=MatchStatus.choices, label=_("status"))
    need = django_filters.NumberFilter(field_name="need_id", label=_("need"))

    class Meta:
        model = Match
        fields = []
