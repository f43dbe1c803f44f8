"""/api/v1/alerts/: alerts in the caller's scope (read), and the rectification steps as actions.

Reads start from visible_to(user, "view") (outside the scope → 404). Steps go through alerts.services: the assignee
submits (alerts.view suffices for them), reviewers and assigners need alerts.change over the alert's region."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from socorg.core.api.permissions import CapabilityPermission

from .. import services
from ..filters import AlertFilter
from ..models import Alert
from .serializers import (
    AlertDetailSerializer,
    AlertSerializer,
    AssignSerializer,
    ReviewSerializer,
    SubmitSerializer,
)


class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [CapabilityPermission]
    filterset_class = AlertFilter
    scope_domain = "alerts"

    def get_permissions(self):
        # Steps are POSTs; the services decide who may take each one (the assignee needs only alerts.view).
        if self.action in {"submit", "assign", "accept", "return_"}:
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        queryset = Alert.objects.visible_to(self.request.user, "view").select_related("party_org", "organization",
                                                                                      "assignee")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__files", "events__actor", "events__assignee")
        return queryset

    def get_serializer_class(self):
        return AlertDetailSerializer if self.action == "retrieve" else AlertSerializer

    def _render(self, alert):
        alert = self.get_queryset().prefetch_related("events__files").get(pk=alert.pk)
        return Response(AlertDetailSerializer(alert, context=self.get_serializer_context()).data)

    @extend_schema(request=AssignSerializer, responses=AlertDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assign the alert for rectification, with a deadline."""
        alert = self.get_object()
        data = self._valid(AssignSerializer)
        # Looked up among the assignable users only: an unknown, inactive or unsuitable name gets the same answer
        # from the service, so the API tells nothing about which user names exist.
        assignee = services.assignable_users(alert).filter(username=data["assignee"]).first()
        return self._render(services.alert_assign(alert=alert, assignee=assignee, deadline=data["deadline"],
                                                  note=data["note"], actor=request.user))

    @extend_schema(request={"multipart/form-data": SubmitSerializer, "application/json": SubmitSerializer},
                   responses=AlertDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def submit(self, request, pk=None):
        """The assignee submits what was done, with evidence files."""
        alert = self.get_object()
        data = self._valid(SubmitSerializer)
        return self._render(services.alert_submit(alert=alert, note=data["note"], files=data["files"],
                                                  actor=request.user))

    @extend_schema(request=ReviewSerializer, responses=AlertDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the submitted rectification: the alert closes."""
        alert = self.get_object()
        data = self._valid(ReviewSerializer)
        return self._render(services.alert_accept(alert=alert, note=data["note"], actor=request.user))

    @extend_schema(request=ReviewSerializer, responses=AlertDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Return the submitted rectification to the assignee with a reason (and optionally a new deadline)."""
        alert = self.get_object()
        data = self._valid(ReviewSerializer)
        return self._render(services.alert_return(alert=alert, note=data["note"], deadline=data["deadline"],
                                                  actor=request.user))

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
