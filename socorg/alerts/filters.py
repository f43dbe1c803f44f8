"""The one FilterSet of alerts, shared by the alert list page and /api/v1/alerts/."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from socorg.core.filtering import YesNoSelect, region_filter_widget
from socorg.core.filters import FilterSet, RegionCodeFilter
from socorg.core.search import search_condition

from .choices import OPEN_STATUSES, AlertStatus, Severity, SubjectType
from .models import Alert
from .rules import RULES


def rule_choices():
    return [(code, rule.title) for code, rule in RULES.items()]


STATE_CHOICES = [("open", _("Open (any stage)")), ("closed", _("Closed"))]


class AlertFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"),
                                  help_text=_("party organization or social organization name, or code"))
    region = RegionCodeFilter(field_name="region__code", label=_("Region code"),
                              widget=region_filter_widget(),
                              help_text=_("the region and everything below it, e.g. 530100"))
    rule = django_filters.ChoiceFilter(choices=rule_choices, label=_("rule"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("severity"))
    state = django_filters.ChoiceFilter(choices=STATE_CHOICES, method="filter_state", label=_("open or closed"))
    status = django_filters.ChoiceFilter(choices=AlertStatus.choices, label=_("status"))
    subject_type = django_filters.ChoiceFilter(choices=SubjectType.choices, label=_("subject type"))
    escalated_to = django_filters.CharFilter(field_name="escalated_to_id", label=_("escalated to (region code)"),
                                            widget=region_filter_widget())
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("assigned to me"),
                                        widget=YesNoSelect(no=False))
    party_org = django_filters.NumberFilter(field_name="party_org_id", label=_("party organization (id)"),
                                          widget=forms.HiddenInput)
    ordering = django_filters.OrderingFilter(
        fields=(("opened_on", "opened_on"), ("deadline", "deadline"), ("severity", "severity")),
        field_labels={"opened_on": _("opened on"), "deadline": _("deadline"), "severity": _("severity")},
        label=_("ordering"),
    )

    class Meta:
        model = Alert
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_condition(
            value, names=("party_org__name", "organization__name"),
            pinyin=("party_org__name_pinyin", "party_org__name_initials", "organization__name_pinyin",
                    "organization__name_initials"), codes=("organization__uscc",)))

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.exclude(status__in=OPEN_STATUSES)

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(assignee=user)


def alert_list_filterset(data, user, request=None) -> AlertFilter:
    """The alert list as the page shows it and the export writes it: without any filter, the open alerts — also on
    its next pages and in another order (the page links carry `cursor`, `page`, `page_size` and `ordering`, which
    are no filters)."""
    queryset = Alert.objects.visible_to(user, "view").select_related("party_org", "organization", "region",
                                                                      "assignee")
    data = data.copy()
    if not any(name in data for name in AlertFilter.base_filters if name != "ordering"):
        data["state"] = "open"
    return AlertFilter(data, queryset=queryset, request=request)
