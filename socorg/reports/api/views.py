"""/api/v1/annual-reports/ (the scoped list) and /api/v1/orgs/{uscc}/annual-reports/{year}/ (one report: GET, PUT
a draft, POST submit / return / review).

ScopedViewSets (core.api.viewsets): reads are confined to the caller's reports.view scope, saving and submitting to
reports.change, returning and reviewing to reports.review over the organization (outside the scope → 404; an
organization the user may see but not act on → 403). Writes go through reports.services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins

from socorg.core.api.viewsets import ScopedViewSet
from socorg.registry.models import SocialOrganization

from .. import services
from ..filters import QUEUE_ORDER, AnnualReportFilter
from ..models import AnnualReport
from .serializers import (
    AnnualReportInputSerializer,
    AnnualReportSerializer,
    ReportReturnSerializer,
    ReportReviewSerializer,
)


class AnnualReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Annual reports in the caller's scope, filtered by year, region, status and conclusion."""

    queryset = AnnualReport.objects
    serializer_class = AnnualReportSerializer
    filterset_class = AnnualReportFilter
    scope_domain = "reports"

    def shape(self, queryset):
        # The review queue's order, year by year (the page's): a province's or a prefecture's reports are then one
        # index range, counted without a join (core.scope.region_subtree). The region-first order it replaces needed
        # the organizations' region range in the query, which the province's capped count paid for (26–78 ms).
        return queryset.select_related("organization").order_by("-year", *QUEUE_ORDER)


# One organization's report for one year, addressed by the organization's USCC: the scoped rows are the
# organizations whose reports the caller may see (reports.view), change (reports.change) or review (reports.review).
# (A comment, not a docstring: the schema would show it as the description of every operation.)
class OrgReportViewSet(ScopedViewSet):

    queryset = SocialOrganization.objects
    visible_domain = "reports"
    scope_domain = "reports"
    scope_actions = {"return_": "review", "review": "review"}
    serializer_class = AnnualReportSerializer
    lookup_field = "uscc"
    filter_backends = []
    pagination_class = None

    def get_object(self):
        self.kwargs["uscc"] = self.kwargs["uscc"].upper()  # codes are stored in upper case
        return super().get_object()

    def report(self):
        return get_object_or_404(AnnualReport, organization=self.get_object(), year=self.kwargs["year"])

    @extend_schema(responses=AnnualReportSerializer)
    def retrieve(self, request, uscc, year):
        """The report for the year; while none exists: status not_started and the pre-filled party building."""
        return self.respond(services.report_for(org=self.get_object(), year=year), reread=False)

    @extend_schema(request=AnnualReportInputSerializer, responses=AnnualReportSerializer)
    def update(self, request, uscc, year):
        """Save the draft (created on first save); refused after submission."""
        org = self.get_object()
        report = services.report_save_draft(org=org, year=year, actor=request.user,
                                            **self.parsed(AnnualReportInputSerializer))
        return self.respond(report, reread=False)

    @extend_schema(request=None, responses=AnnualReportSerializer)
    def submit(self, request, uscc, year):
        return self.respond(services.report_submit(report=self.report(), actor=request.user), reread=False)

    @extend_schema(request=ReportReturnSerializer, responses=AnnualReportSerializer)
    def return_(self, request, uscc, year):
        report = self.report()
        report = services.report_return(report=report, actor=request.user, **self.parsed(ReportReturnSerializer))
        return self.respond(report, reread=False)

    @extend_schema(request=ReportReviewSerializer, responses=AnnualReportSerializer)
    def review(self, request, uscc, year):
        report = self.report()
        report = services.report_review(report=report, actor=request.user, **self.parsed(ReportReviewSerializer))
        return self.respond(report, reread=False)
