"""The one FilterSet of complaints, shared by the list page and /api/v1/complaints/. `figure` applies the same
condition as the figures (complaints.queries), so every number links to the complaints behind it."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socorg.core.filters import FilterSet, RegionCodeFilter

from .choices import Category, Channel, Outcome, Status
from .models import Complaint
from .queries import FIGURE_LABELS, figure_conditions, overdue_q


class ComplaintFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"),
                                  help_text=_("receipt number, organization name or credit code, description"))
    region = RegionCodeFilter(field_name="region__code", label=_("Region code"),
                              help_text=_("the region and everything below it, e.g. 530100"))
    year = django_filters.NumberFilter(field_name="received_on", lookup_expr="year", label=_("year received"),
                                       min_value=1990, max_value=9999)
    received_from = django_filters.DateFilter(field_name="received_on", lookup_expr="gte", label=_("received from"))
    received_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte", label=_("received until"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("channel"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("outcome"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue now"))
    organization_unknown = django_filters.BooleanFilter(label=_("organization not found in the registry"))
    figure = django_filters.ChoiceFilter(method="filter_figure", choices=list(FIGURE_LABELS.items()),
                                         label=_("figure"))
    ordering = django_filters.OrderingFilter(
        fields=(("received_on", "received_on"), ("accept_due_on", "accept_due_on"),
                ("conclude_due_on", "conclude_due_on")),
        field_labels={"received_on": _("received on"), "accept_due_on": _("acceptance due on"),
                      "conclude_due_on": _("conclusion due on")},
        label=_("ordering"),
    )

    class Meta:
        model = Complaint
        fields = []

    def filter_q(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(receipt_no=text.upper()) | Q(organization_name__contains=text)
                               | Q(organization_uscc=text.upper()) | Q(description__contains=text))

    def filter_overdue(self, queryset, name, value):
        condition = overdue_q(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_figure(self, queryset, name, value):
        return queryset.filter(figure_conditions(timezone.localdate())[value])


def complaint_list_filterset(data, user) -> ComplaintFilter:
    """The complaint list as its page shows it, newest first."""
    queryset = Complaint.objects.visible_to(user, "view").select_related("region", "assignee")
    return ComplaintFilter(data, queryset=queryset.order_by("-received_on", "-pk"))
