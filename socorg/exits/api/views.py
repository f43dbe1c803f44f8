"""/api/v1/screening-runs/ (list, start a run) and /api/v1/screening-cases/ (the worklist, one case, and the three
ways a case ends: rectify, deregister, revoke; figures per region). Rows through ScopedViewSet; writes through
exits.services."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from socorg.core.api.viewsets import ScopedViewSet
from socorg.regions.models import Region

from .. import services
from ..filters import ScreeningCaseFilter
from ..models import ScreeningCase, ScreeningRun
from ..queries import exit_figures
from .serializers import (
    DeregisterInputSerializer,
    FiguresQuerySerializer,
    RectifyInputSerializer,
    RevokeInputSerializer,
    RunInputSerializer,
    ScreeningCaseSerializer,
    ScreeningRunSerializer,
)


class ScreeningRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Zombie screening runs (僵尸型社会组织排查) over regions of the caller's scope."""

    queryset = ScreeningRun.objects
    serializer_class = ScreeningRunSerializer

    def shape(self, queryset):
        return queryset.order_by("-created_at", "-pk")

    @extend_schema(request=RunInputSerializer, responses={201: ScreeningRunSerializer})
    def create(self, request, *args, **kwargs):
        """Screen the region with the deployment's criteria; one case per organization found (open cases kept)."""
        values = self.parsed(RunInputSerializer)
        region = Region.objects.filter(code=values["region"].strip()).first()
        if region is None:
            from django.core.exceptions import ValidationError
            from django.utils.translation import gettext as _

            raise ValidationError({"region": _("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such "
                                               "as 530000.") % {"code": values["region"]}})
        run = services.screening_run(region=region, actor=request.user, as_of=values["as_of"])
        return self.respond(run, status.HTTP_201_CREATED)


class ScreeningCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Screening cases: the organization, the criteria met with their evidence, and how the case ended."""

    queryset = ScreeningCase.objects
    serializer_class = ScreeningCaseSerializer
    filterset_class = ScreeningCaseFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    scope_actions = {"figures": "view"}

    def shape(self, queryset):
        return (queryset.select_related("organization", "run").prefetch_related("documents")
                .order_by("organization__authority_region_id", "organization__uscc", "pk"))

    @extend_schema(request=RectifyInputSerializer, responses=ScreeningCaseSerializer)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        case = self.get_object()
        return self.respond(services.case_rectify(case=case, actor=request.user,
                                                  **self.parsed(RectifyInputSerializer)))

    @extend_schema(request=DeregisterInputSerializer, responses=ScreeningCaseSerializer)
    @action(detail=True, methods=["post"])
    def deregister(self, request, pk=None):
        """注销: liquidation finished, certificate returned, documents attached; the registry deregisters."""
        case = self.get_object()
        return self.respond(services.case_deregister(case=case, actor=request.user,
                                                     **self.parsed(DeregisterInputSerializer)))

    @extend_schema(request=RevokeInputSerializer, responses=ScreeningCaseSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """撤销登记 / 吊销登记证书, recorded as an administrative penalty (credit), ending the registration."""
        case = self.get_object()
        return self.respond(services.case_revoke(case=case, actor=request.user,
                                                 **self.parsed(RevokeInputSerializer)))

    @extend_schema(parameters=[FiguresQuerySerializer], responses=dict)
    @action(detail=False, methods=["get"])
    def figures(self, request):
        """Cases found, open, rectified, deregistered (注销) and revoked (撤销、吊销) for the region and each child."""
        query = FiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        region = Region.objects.filter(code=query.validated_data["region"]).first()
        if region is None:
            raise Http404
        figures = exit_figures(region=region, user=request.user)
        return Response({"region": region.code, **figures["totals"],
                         "by_region": [{"region": r.code, "name": r.name, "direct": direct, **counts}
                                       for r, direct, counts in figures["rows"]]})
