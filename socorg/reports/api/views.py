"""/api/v1/annual-reports/ (the scoped list) and /api/v1/orgs/{uscc}/annual-reports/{year}/ (one report: GET, PUT
a draft, POST submit / return / review).

Reads start from the caller's reports.view scope (outside → 404); writes go through reports.services, which check
reports.change or reports.review over the organization (an account that may see but not act → 403)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from socorg.core.api.permissions import CapabilityPermission

from .. import services
from ..filters import AnnualReportFilter
from ..models import AnnualReport
from ..queries import organizations_visible
from .serializers import (
    AnnualReportInputSerializer,
    AnnualReportSerializer,
    ReportReturnSerializer,
    ReportReviewSerializer,
)


class AnnualReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Annual reports in the caller's scope, filtered by year, region, status and conclusion."""

    serializer_class = AnnualReportSerializer
    permission_classes = [CapabilityPermission]
    filterset_class = AnnualReportFilter
    scope_domain = "reports"

    def get_queryset(self):
        return (AnnualReport.objects.visible_to(self.request.user, "view").select_related("organization")
                .order_by("-year", "organization__authority_region_id", "organization__uscc"))


class OrgReportMixin:
    permission_classes = [CapabilityPermission]
    scope_domain = "reports"

    def organization(self):
        uscc = self.kwargs["uscc"].upper()
        return get_object_or_404(organizations_visible(self.request.user), uscc=uscc)

    def render(self, report, status_code=status.HTTP_200_OK):
        return Response(AnnualReportSerializer(report).data, status=status_code)

    def report(self):
        return get_object_or_404(AnnualReport, organization=self.organization(), year=self.kwargs["year"])


class OrgReportView(OrgReportMixin, APIView):
    @extend_schema(responses=AnnualReportSerializer)
    def get(self, request, uscc, year):
        """The report for the year; while none exists: status not_started and the pre-filled party building."""
        return self.render(services.report_for(org=self.organization(), year=year))

    @extend_schema(request=AnnualReportInputSerializer, responses=AnnualReportSerializer)
    def put(self, request, uscc, year):
        """Save the draft (created on first save); refused after submission."""
        org = self.organization()
        serializer = AnnualReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_save_draft(org=org, year=year, actor=request.user, **serializer.validated_data)
        return self.render(report)


class OrgReportSubmitView(OrgReportMixin, APIView):
    @extend_schema(request=None, responses=AnnualReportSerializer)
    def post(self, request, uscc, year):
        return self.render(services.report_submit(report=self.report(), actor=request.user))


class OrgReportReturnView(OrgReportMixin, APIView):
    @extend_schema(request=ReportReturnSerializer, responses=AnnualReportSerializer)
    def post(self, request, uscc, year):
        report = self.report()
        serializer = ReportReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.render(services.report_return(report=report, actor=request.user, **serializer.validated_data))


class OrgReportReviewView(OrgReportMixin, APIView):
    @extend_schema(request=ReportReviewSerializer, responses=AnnualReportSerializer)
    def post(self, request, uscc, year):
        report = self.report()
        serializer = ReportReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.render(services.report_review(report=report, actor=request.user, **serializer.validated_data))
