"""/api/v1/activities/: organizational-life records and their attachments.

Reads start from visible_to(user, "view") (outside the scope → 404); writes go through activities.services, which
check the party organization against the user's activities.change scope (outside → 403, nothing written)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from socorg.core.api.conditional import ConditionalUpdateMixin
from socorg.core.api.permissions import CapabilityPermission
from socorg.core.scope import can
from socorg.party.models import PartyMember

from .. import services
from ..filters import ActivityFilter
from ..models import Activity, Attachment, DuesPayment
from .serializers import (
    ActivitySerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    AttendanceSerializer,
    DuesPaymentSerializer,
)


class ActivityViewSet(ConditionalUpdateMixin, viewsets.ModelViewSet):
    serializer_class = ActivitySerializer
    permission_classes = [CapabilityPermission]
    filterset_class = ActivityFilter
    scope_domain = "activities"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (Activity.objects.visible_to(self.request.user, "view").select_related("party_org")
                .prefetch_related("attachments"))

    def _render(self, activity, status_code=status.HTTP_200_OK):
        activity = self.get_queryset().get(pk=activity.pk)
        return Response(ActivitySerializer(activity, context=self.get_serializer_context()).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = services.activity_create(actor=request.user, **serializer.validated_data)
        return self._render(activity, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        activity = self.get_object()
        serializer = self.get_serializer(activity, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        activity = services.activity_update(activity=activity, actor=request.user, **serializer.validated_data)
        return self._render(activity)

    def destroy(self, request, *args, **kwargs):
        services.activity_delete(activity=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=AttendanceSerializer, responses=AttendanceSerializer)
    @action(detail=True, methods=["get", "put"])
    def attendance(self, request, pk=None):
        """Who attended (party member ids). Reading needs members.view over the branch's region; writing also
        activities.change."""
        activity = self.get_object()
        if request.method == "GET":
            if not can(request.user, "members.view", activity.party_org.region_id):
                raise PermissionDenied
            members = sorted(activity.attendances.values_list("member_id", flat=True))
            return Response({"members": members})
        serializer = AttendanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        members = services.attendance_set(activity=activity, members=serializer.validated_data["members"],
                                          actor=request.user)
        return Response({"members": members})

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer}, responses=AttachmentSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        """Attach a file (minutes, photo) to the record."""
        activity = self.get_object()
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.attachment_add(activity=activity, actor=request.user, **serializer.validated_data)
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"attachments/(?P<attachment_id>\d+)")
    def remove_attachment(self, request, pk=None, attachment_id=None):
        """Remove one attachment of the record."""
        activity = self.get_object()
        attachment = get_object_or_404(Attachment, pk=attachment_id, activity=activity)
        services.attachment_remove(attachment=attachment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DuesPaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """/api/v1/dues/: party dues per member per month. POST records (or corrects) one month of one member."""

    serializer_class = DuesPaymentSerializer
    permission_classes = [CapabilityPermission]
    scope_domain = "members"

    def get_queryset(self):
        payments = DuesPayment.objects.visible_to(self.request.user, "view").select_related("member")
        member = self.request.query_params.get("member", "")
        payments = payments.filter(member_id=int(member)) if member.isdigit() else payments
        return payments.order_by("member_id", "-month")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        member = get_object_or_404(PartyMember.objects.visible_to(request.user, "view").select_related("party_org"),
                                   pk=values["member_id"])
        payment = services.dues_record(member=member, month=values["month"], amount=values.get("amount"),
                                       paid_on=values.get("paid_on"), actor=request.user)
        return Response(self.get_serializer(payment).data, status=status.HTTP_201_CREATED)
