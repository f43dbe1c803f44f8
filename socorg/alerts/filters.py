"""The one FilterSet of alerts, shared by the alert list page and /api/v1/alerts/."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socorg.core.filters import FilterSet, RegionCodeFilter

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
                              help_text=_("the region and everything below it, e.g. 530100"))
    rule = django_filters.ChoiceFilter(choices=rule_choices, label=_("rule"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("severity"))
    state = django_filters.ChoiceFilter(choices=STATE_CHOICES, method="filter_state", label=_("open or closed"))
    status = django_filters.ChoiceFilter(choices=AlertStatus.choices, label=_("status"))
    subject_type = django_filters.ChoiceFilter(choices=SubjectType.choices, label=_("subject type"))
    escalated_to = django_filters.CharFilter(field_name="escalated_to_id", label=_("escalated to (region code)"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("assigned to me"),
                                        widget=forms.Select(choices=[("", "---------"), ("true", _("Yes"))]))
    party_org = django_filters.NumberFilter(field_name="party_org_id", label=_("party organization (id)"))
    ordering = django_filters.OrderingFilter(
        fields=(("opened_on", "opened_on"), ("deadline", "deadline"), ("severity", "severity")),
        field_labels={"opened_on": _("opened on"), "deadline": _("deadline"), "severity": _("severity")},
        label=_("ordering"),
    )

    class Meta:
        model = Alert
        fields = []

    def filter_q(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(party_org__name__contains=text) | Q(organization__name__contains=text)
                               | Q(organization__uscc__startswith=text.upper()))

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.exclude(status__in=OPEN_STATUSES)

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(assignee=user)
