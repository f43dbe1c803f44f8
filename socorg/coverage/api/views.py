"""/api/v1/coverage/: the figures, the organizations behind each number (JSON pages or one Excel sheet), and the
snapshot trend. Every request is confined to the caller's subtree: another region → 404."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, renderers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from socorg.core.api.permissions import CapabilityPermission
from socorg.core.api.viewsets import KeptFilterSetBackend, ScopedViewSet
from socorg.registry.models import SocialOrganization

from ..access import figures_scope, visible_region
from ..excel import MAX_EXPORT_ROWS, XLSX_TYPE, orgs_workbook
from ..filters import OrgsBehindFilter
from ..queries import region_figures
from ..snapshots import trend
from .serializers import (
    FiguresQuerySerializer,
    FiguresSerializer,
    OrgBehindSerializer,
    SnapshotPointSerializer,
)


class XlsxRenderer(renderers.BaseRenderer):
    """Lets `?format=xlsx` through content negotiation; the view writes the workbook itself."""

    media_type = XLSX_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


def _query(serializer_class, request):
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CoverageFiguresView(APIView):
    permission_classes = [CapabilityPermission]
    scope_domain = "coverage"

    @extend_schema(parameters=[FiguresQuerySerializer], responses=FiguresSerializer)
    def get(self, request):
        """Two-coverage figures of a region: totals, 本级 and a breakdown by child region or another dimension."""
        query = _query(FiguresQuerySerializer, request)
        region, responsible = figures_scope(request.user, query.get("region"), query.get("responsible"))
        return Response(region_figures(region, on=query.get("as_of"), by=query["by"],
                                        responsible=responsible).as_json())


class CoverageOrgsViewSet(mixins.ListModelMixin, ScopedViewSet):
    """The organizations behind a number: `measure` in a region (its 本级 only with `direct=true`), as of today or
    `as_of`. `format=xlsx` returns all of them as one formatted Excel sheet."""

    queryset = SocialOrganization.objects  # the organizations the caller may see (registry.view), as the figures
    serializer_class = OrgBehindSerializer
    filterset_class = OrgsBehindFilter
    filter_backends = [KeptFilterSetBackend]
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, XlsxRenderer]
    scope_domain = "coverage"

    def shape(self, queryset):
        return queryset.select_related("authority_region").order_by("uscc")

    def finalize_response(self, request, response, *args, **kwargs):
        # An error answer to ?format=xlsx is JSON like every other error (the xlsx renderer only writes workbooks).
        if response.status_code >= 400 and getattr(request, "accepted_renderer", None) is not None \
                and request.accepted_renderer.format == "xlsx":
            request.accepted_renderer, request.accepted_media_type = renderers.JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(filters=True, responses={200: OrgBehindSerializer(many=True), (200, XLSX_TYPE): OpenApiTypes.BINARY})
    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "xlsx":
            return self._xlsx()
        return super().list(request, *args, **kwargs)

    def _xlsx(self):
        from ..views import MEASURE_LABELS  # the measures' names as the dashboard shows them

        rows = self.filter_queryset(self.get_queryset())
        region, values = self.filterset.region, self.filterset.values
        if rows.count() > MAX_EXPORT_ROWS:
            raise ValidationError({"region": [_("More than %(max)s organizations: narrow the region or the measure "
                                                "to export them.") % {"max": f"{MAX_EXPORT_ROWS:,}"}]})
        title = _("%(region)s · %(measure)s · %(date)s") % {
            "region": region.full_name, "measure": MEASURE_LABELS[values["measure"]],
            "date": (values.get("as_of") or timezone.localdate()).isoformat()}
        content = orgs_workbook((export_row(org) for org in rows.iterator(chunk_size=2000)), title)
        response = HttpResponse(content, content_type=XLSX_TYPE)
        name = f"coverage-{region.code}-{values['measure']}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def export_row(org) -> dict:
    flag = OrgBehindSerializer()._flag
    yes, no = _("Yes"), _("No")
    return {"uscc": org.uscc, "name": org.name, "org_type": org.get_org_type_display(),
            "category": org.get_category_display(),
            "authority_region": f"{org.authority_region.name} ({org.authority_region_id})",
            "org_covered_formal": yes if flag(org, "org_covered_formal") else no,
            "org_covered": yes if flag(org, "org_covered") else no,
            "work_covered": yes if flag(org, "work_covered") else no,
            "standalone": yes if flag(org, "standalone") else no, "full_members": org.full_members}


class CoverageSnapshotsView(APIView):
    permission_classes = [CapabilityPermission]
    scope_domain = "coverage"

    @extend_schema(parameters=[OpenApiParameter("region", str, description="Region code (default: your own region)")],
                   responses=SnapshotPointSerializer(many=True))
    def get(self, request):
        """The region's half-year snapshots, oldest first (the trend line)."""
        region = visible_region(request.user, request.query_params.get("region"))
        return Response(trend(region))
