"""The FilterSets of the credit lists and of the penalties, shared by the pages and /api/v1/credit-lists/."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socorg.core.filters import FilterSet, RegionCodeFilter

from .choices import CreditList, PenaltyKind
from .models import CreditEntry, Penalty
from .queries import in_force_q
from .rules import REASONS


def _search(queryset, value: str, prefix: str = "organization__"):
    text = value.strip()
    if not text:
        return queryset
    lowered = text.lower().replace(" ", "")
    return queryset.filter(Q(**{f"{prefix}name__contains": text}) | Q(**{f"{prefix}uscc__contains": text.upper()})
                           | Q(**{f"{prefix}name_initials__startswith": lowered}) | Q(decision_no__contains=text))


class CreditEntryFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"),
                                  help_text=_("organization name, its pinyin initials, its credit code or the "
                                              "decision number"))
    list = django_filters.ChoiceFilter(choices=CreditList.choices, label=_("list"))
    reason = django_filters.ChoiceFilter(choices=[(code, r.title) for code, r in REASONS.items()], label=_("reason"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("in force today"))
    region = RegionCodeFilter(field_name="organization__authority_region__code", label=_("Region code"),
                              help_text=_("the region and everything below it, e.g. 530100"))
    entered_late = django_filters.BooleanFilter(label=_("entered late"))
    ordering = django_filters.OrderingFilter(
        fields=(("decided_on", "decided_on"), ("entry_due_on", "entry_due_on"),
                ("organization__name_pinyin", "organization")),
        field_labels={"decided_on": _("decision date"), "entry_due_on": _("entry due on"),
                      "organization__name_pinyin": _("social organization")},
        label=_("ordering"),
    )

    class Meta:
        model = CreditEntry
        fields = []

    def filter_q(self, queryset, name, value):
        return _search(queryset, value)

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(in_force_q()) if value else queryset.exclude(in_force_q())


class PenaltyFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"),
                                  help_text=_("organization name, its pinyin initials, its credit code or the "
                                              "decision number"))
    kind = django_filters.ChoiceFilter(choices=PenaltyKind.choices, label=_("kind of penalty"))
    region = RegionCodeFilter(field_name="organization__authority_region__code", label=_("Region code"),
                              help_text=_("the region and everything below it, e.g. 530100"))
    decided_from = django_filters.DateFilter(field_name="decided_on", lookup_expr="gte", label=_("decided from"))
    decided_to = django_filters.DateFilter(field_name="decided_on", lookup_expr="lte", label=_("decided until"))

    class Meta:
        model = Penalty
        fields = []

    def filter_q(self, queryset, name, value):
        return _search(queryset, value)


def credit_entry_list_filterset(data, user) -> CreditEntryFilter:
    """The credit list as its page shows it and exports it: the entries in force unless `active` says otherwise,
    newest decision first."""
    params = data.copy()
    if "active" not in params:
        params["active"] = "true"
    queryset = CreditEntry.objects.visible_to(user, "view").select_related("organization__authority_region")
    return CreditEntryFilter(params, queryset=queryset.order_by("-decided_on", "-pk"))


def penalty_list_filterset(data, user) -> PenaltyFilter:
    """The penalty list as its page shows it and exports it, newest decision first."""
    queryset = Penalty.objects.visible_to(user, "view").select_related("organization__authority_region")
    return PenaltyFilter(data, queryset=queryset.order_by("-decided_on", "-pk"))
