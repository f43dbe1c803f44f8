"""/api/v1/inspection-plans/: plans in the caller's scope (list, detail, create), the commit, the draw, conflicts,
inspection results, cancelling and closing — and, for anyone, a drawn plan's proof and a closed plan's results.

A ScopedViewSet: reads are confined to visible_to(user, "view"), writes to visible_to(user, "change") (outside →
404; seen but not changeable → 403). Writes go through inspections.services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from socorg.core.api.viewsets import ScopedViewSet

from .. import services
from ..filters import InspectionPlanFilter
from ..models import Inspection, InspectionPlan, Selection
from ..proof import build_proof
from .serializers import (
    CancelInputSerializer,
    CommitResultSerializer,
    ConflictInputSerializer,
    DrawInputSerializer,
    InspectionInputSerializer,
    PlanInputSerializer,
    PlanSerializer,
    ProofSerializer,
    PublicInspectionSerializer,
    PublicResultsSerializer,
)


class InspectionPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Random-inspection plans (双随机、一公开) in the caller's scope."""

    queryset = InspectionPlan.objects
    serializer_class = PlanSerializer
    filterset_class = InspectionPlanFilter
    scope_domain = "inspections"

    def shape(self, queryset):
        return queryset.select_related("region").prefetch_related("inspectors").order_by("-year", "-created_at",
                                                                                           "-pk")

    @extend_schema(request=PlanInputSerializer, responses={201: PlanSerializer})
    def create(self, request, *args, **kwargs):
        """A plan with its inspector pool; each inspector gets a stable id (I001, I002, …)."""
        values = self.parsed(PlanInputSerializer)
        values["inspectors"] = [dict(entry) for entry in values["inspectors"]]
        plan = services.plan_create(actor=request.user, **values)
        return self.respond(plan, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=CommitResultSerializer)
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        """Freeze the pool (sorted credit codes) and publish its SHA-256 with the time."""
        plan = services.plan_commit(plan=self.get_object(), actor=request.user)
        return Response(CommitResultSerializer(plan).data)

    @extend_schema(request=DrawInputSerializer, responses=ProofSerializer)
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        """Draw once with the public value entered now; answers the proof."""
        plan = self.get_object()
        plan = services.plan_draw(plan=plan, actor=request.user, **self.parsed(DrawInputSerializer))
        return Response(build_proof(plan))

    @extend_schema(request=ConflictInputSerializer, responses={201: PlanSerializer})
    @action(detail=True, methods=["post"])
    def conflicts(self, request, pk=None):
        """Record an inspector's declared conflict with an organization of the pool (before the draw)."""
        plan = self.get_object()
        values = self.parsed(ConflictInputSerializer)
        inspector = get_object_or_404(plan.inspectors, code=values["inspector"].strip().upper())
        services.conflict_declare(plan=plan, inspector=inspector, uscc=values["uscc"], reason=values["reason"],
                                  actor=request.user)
        return self.respond(plan, status.HTTP_201_CREATED)

    @extend_schema(request=InspectionInputSerializer, responses=PublicInspectionSerializer)
    @action(detail=True, methods=["post"])
    def inspections(self, request, pk=None):
        """Record (or correct, until the plan is closed) the inspection of one selected organization."""
        plan = self.get_object()
        values = self.parsed(InspectionInputSerializer)
        selection = get_object_or_404(Selection, plan=plan, uscc=values.pop("uscc").strip().upper())
        inspection = services.inspection_record(selection=selection, actor=request.user, **values)
        return Response(PublicInspectionSerializer(inspection).data)

    @extend_schema(request=CancelInputSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the plan with a reason; it stays visible."""
        plan = services.plan_cancel(plan=self.get_object(), actor=request.user, **self.parsed(CancelInputSerializer))
        return self.respond(plan)

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the plan once every selected organization is inspected: the results are published."""
        return self.respond(services.plan_close(plan=self.get_object(), actor=request.user))


class PlanProofView(APIView):
    """The proof of a drawn plan: public, for anyone to re-run the draw (socorg verify-draw)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=ProofSerializer)
    def get(self, request, pk):
        plan = get_object_or_404(InspectionPlan.objects.filter(drawn_at__isnull=False), pk=pk)
        return Response(build_proof(plan))


class PlanResultsView(APIView):
    """The published results of a closed plan: public."""

    permission_classes = [AllowAny]

    @extend_schema(responses=PublicResultsSerializer)
    def get(self, request, pk):
        plan = get_object_or_404(InspectionPlan.objects.select_related("region").filter(closed_at__isnull=False),
                                 pk=pk)
        inspections = (Inspection.objects.filter(selection__plan=plan).select_related("selection__organization")
                       .prefetch_related("inspectors_present").order_by("selection__position"))
        return Response({"plan": PublicResultsSerializer().fields["plan"].to_representation(plan),
                         "inspections": PublicInspectionSerializer(inspections, many=True).data})



