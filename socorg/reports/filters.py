"""The one FilterSet of annual reports, shared by the review queue page and /api/v1/annual-reports/."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socorg.core.filters import FilterSet
from socorg.core.scope import filter_region_subtree

from .choices import Conclusion, ReportStatus
from .models import AnnualReport


class AnnualReportFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"),
                                  help_text=_("organization name, its pinyin initials or its credit code"))
    year = django_filters.NumberFilter(field_name="year", label=_("year reported"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"),
                                       help_text=_("the region and everything below it, e.g. 530100"))
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("status"))
    conclusion = django_filters.ChoiceFilter(choices=Conclusion.choices, label=_("conclusion"))
    late = django_filters.BooleanFilter(label=_("submitted late"))
    ordering = django_filters.OrderingFilter(
        fields=(("submitted_at", "submitted_at"), ("year", "year"), ("organization__name_pinyin", "organization")),
        field_labels={"submitted_at": _("submitted at"), "year": _("year reported"),
                      "organization__name_pinyin": _("social organization")},
        label=_("ordering"),
    )

    class Meta:
        model = AnnualReport
        fields = []

    def filter_q(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        lowered = text.lower().replace(" ", "")
        return queryset.filter(Q(organization__name__contains=text) | Q(organization__uscc__contains=text.upper())
                               | Q(organization__name_initials__startswith=lowered))

    def filter_region(self, queryset, name, value):
        # The model's own region (core.scope.region_subtree): a province or a prefecture by its level column too.
        return filter_region_subtree(queryset, value)


# The review queue's order: the latest submissions first (drafts, never submitted, before them), ties by id; served
# from the cursor on by the index (year, submitted_at desc, id desc).
QUEUE_ORDER = ("-submitted_at", "-pk")


# What a queue row does not show: the report's free text and JSON sections (the party-building snapshot is the
# largest), left in the table instead of being fetched and decoded 50 times a page.
QUEUE_DEFERRED = ("proposed_changes", "leader_changes", "activities_summary", "party_building",
                  "party_building_comment", "return_reasons", "review_reasons")


def report_list_filterset(data, user) -> AnnualReportFilter:
    """The review queue as its page lists it: the user's reports.view scope, `data`'s filters, QUEUE_ORDER."""
    queryset = (AnnualReport.objects.visible_to(user, "view").select_related("organization")
                .defer(*QUEUE_DEFERRED).order_by(*QUEUE_ORDER))
    return AnnualReportFilter(data, queryset=queryset)
