"""/api/v1/alerts/: alerts in the caller's scope (read), and the rectification steps as actions.

A ScopedViewSet (core.api.viewsets): reads and the assignee's submission are confined to visible_to(user, "view"),
assigning and reviewing to the alerts.change scope (outside → 404; an alert the user may see but not act on → 403).
Steps go through alerts.services: the assignee submits (alerts.view suffices for them), reviewers and assigners need
alerts.change (reviewers alerts.review) over the alert's region."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated

from socorg.core.api.viewsets import READ, ScopedViewSet

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


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Alert.objects
    filterset_class = AlertFilter
    scope_domain = "alerts"
    scope_actions = {"submit": "view"}  # the assignee's step: alerts.view over the alert suffices

    def get_permissions(self):
        # Steps are POSTs; the services decide who may take each one (the assignee needs only alerts.view).
        if self.action in {"submit", "assign", "accept", "return_"}:
            return [IsAuthenticated()]
        return super().get_permissions()

    def shape(self, queryset):
        queryset = queryset.select_related("party_org", "organization", "assignee")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__files", "events__actor", "events__assignee")
        return queryset

    def get_serializer_class(self):
        return AlertDetailSerializer if self.action == "retrieve" else AlertSerializer

    def _render(self, alert):
        alert = self.scoped_queryset(READ).prefetch_related("events__files").get(pk=alert.pk)
        return self.respond(alert, serializer_class=AlertDetailSerializer, reread=False)

    @extend_schema(request=AssignSerializer, responses=AlertDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assign the alert for rectification, with a deadline."""
        alert = self.get_object()
        data = self.parsed(AssignSerializer)
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
        data = self.parsed(SubmitSerializer)
        return self._render(services.alert_submit(alert=alert, note=data["note"], files=data["files"],
                                                  actor=request.user))

    @extend_schema(request=ReviewSerializer, responses=AlertDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the submitted rectification: the alert closes."""
        alert = self.get_object()
        data = self.parsed(ReviewSerializer)
        return self._render(services.alert_accept(alert=alert, note=data["note"], actor=request.user))

    @extend_schema(request=ReviewSerializer, responses=AlertDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Return the submitted rectification to the assignee with a reason (and optionally a new deadline)."""
        alert = self.get_object()
        data = self.parsed(ReviewSerializer)
        return self._render(services.alert_return(alert=alert, note=data["note"], deadline=data["deadline"],
                                                  actor=request.user))
