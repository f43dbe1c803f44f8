"""/api/v1/activities/: organizational-life records and their attachments.

ScopedViewSets (core.api.viewsets): reads are confined to visible_to(user, "view"), writes to the change scope
(outside → 404; a record the user may see but not change → 403). Writes go through activities.services, which check
the party organization against the user's activities.change scope (outside → 403, nothing written)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from socorg.core.api.conditional import ConditionalUpdateMixin
from socorg.core.api.viewsets import ScopedViewSet
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


class ActivityViewSet(ConditionalUpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Activity.objects
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    scope_domain = "activities"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def shape(self, queryset):
        return queryset.select_related("party_org").prefetch_related("attachments")

    def create(self, request, *args, **kwargs):
        activity = services.activity_create(actor=request.user, **self.parsed(ActivitySerializer))
        return self.respond(activity, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        activity = self.get_object()
        values = self.parsed(ActivitySerializer, instance=activity, partial=kwargs.pop("partial", False))
        activity = services.activity_update(activity=activity, actor=request.user, **values)
        return self.respond(activity)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

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
        members = services.attendance_set(activity=activity, members=self.parsed(AttendanceSerializer)["members"],
                                          actor=request.user)
        return Response({"members": members})

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer}, responses=AttachmentSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        """Attach a file (minutes, photo) to the record."""
        activity = self.get_object()
        attachment = services.attachment_add(activity=activity, actor=request.user,
                                             **self.parsed(AttachmentUploadSerializer))
        return self.respond(attachment, status.HTTP_201_CREATED, serializer_class=AttachmentSerializer, reread=False)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"attachments/(?P<attachment_id>\d+)")
    def remove_attachment(self, request, pk=None, attachment_id=None):
        """Remove one attachment of the record."""
        activity = self.get_object()
        attachment = get_object_or_404(Attachment, pk=attachment_id, activity=activity)
        services.attachment_remove(attachment=attachment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DuesPaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """/api/v1/dues/: party dues per member per month. POST records (or corrects) one month of one member."""

    queryset = DuesPayment.objects
    serializer_class = DuesPaymentSerializer
    scope_domain = "members"

    def shape(self, queryset):
        payments = queryset.select_related("member")
        member = self.request.query_params.get("member", "")
        payments = payments.filter(member_id=int(member)) if member.isdigit() else payments
        return payments.order_by("member_id", "-month")

    def create(self, request, *args, **kwargs):
        values = self.parsed(DuesPaymentSerializer)
        # The member is looked up in the user's members.change scope (seen but not changeable → 403, else 404).
        member = self.scoped_object(PartyMember.objects.select_related("party_org"), pk=values["member_id"])
        payment = services.dues_record(member=member, month=values["month"], amount=values.get("amount"),
                                       paid_on=values.get("paid_on"), actor=request.user)
        return self.respond(payment, status.HTTP_201_CREATED, reread=False)
