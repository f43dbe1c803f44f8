"""/api/v1/activities/: organizational-life records and their attachments.

Reads start from visible_to(user, "view") (outside the scope → 404); writes go through activities.services, which
check the party organization against the user's activities.change scope (outside → 403, nothing written)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from socorg.core.api.permissions import CapabilityPermission

from .. import services
from ..filters import ActivityFilter
from ..models import Activity, Attachment
from .serializers import ActivitySerializer, AttachmentSerializer, AttachmentUploadSerializer


class ActivityViewSet(viewsets.ModelViewSet):
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
