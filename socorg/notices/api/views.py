"""/api/v1/notices/ (staff: notices in the caller's notices scope, drafts written through notices.services,
publish / withdraw / remind, the completion table at …/receipts/) and /api/v1/my-notices/ (every account: its own
current notices; reading one records the read receipt; …/respond/ sends the reply or file).

Outside the scope (or another account's receipt) → 404; an account that sees but may not send → 403."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from socorg.party.models import ResponsibleBody
from socorg.regions.models import Region
from socorg.registry.models import SocialOrganization

from .. import services
from ..models import Notice
from ..queries import inbox
from .serializers import (
    InboxSerializer,
    NoticeInputSerializer,
    NoticeSerializer,
    ReceiptSerializer,
    RespondSerializer,
)


class NoticePermission(BasePermission):
    """notices.view to read, notices.send to write (row scope: the queryset and the services)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.has_capability("notices.view" if request.method in SAFE_METHODS else "notices.send")


def _input_values(data: dict) -> dict:
    """The service's arguments from validated input: codes and keys resolved (unknown ones left for the service to
    name: an unknown region is None, unknown bodies or credit codes raise a field error here)."""
    from django.core.exceptions import ValidationError

    values = dict(data)
    values["region"] = Region.objects.filter(code=values["region"].strip()).first()
    body_ids = values.pop("bodies", []) or []
    values["bodies"] = list(ResponsibleBody.objects.filter(pk__in=body_ids))
    codes = [c.strip().upper() for c in values.pop("organizations", []) or []]
    found = {o.uscc: o for o in SocialOrganization.objects.filter(uscc__in=codes)}
    errors = {}
    if len(values["bodies"]) != len(set(body_ids)):
        errors["bodies"] = _("Some of these responsible party bodies do not exist.")
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors["organizations"] = "没有以下统一社会信用代码的社会组织：{}。".format("、".join(unknown[:10]))
    if values["region"] is None:
        errors["region"] = _("No region has this code.")
    if errors:
        raise ValidationError(errors)
    values["organizations"] = [found[c] for c in dict.fromkeys(codes)]
    return values


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Notices in the caller's scope. POST / PUT write a draft (attachments through the page); publish, withdraw
    and remind are actions."""

    serializer_class = NoticeSerializer
    permission_classes = [NoticePermission]
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        action_name = "view" if self.request.method in SAFE_METHODS else "send"
        return (Notice.objects.visible_to(self.request.user, action_name).select_related("region")
                .prefetch_related("bodies", "organizations", "attachments").order_by("-created_at", "-pk"))

    @extend_schema(request=NoticeInputSerializer, responses={201: NoticeSerializer})
    def create(self, request, *args, **kwargs):
        data = NoticeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notice = services.notice_save(actor=request.user, **_input_values(data.validated_data))
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoticeInputSerializer, responses=NoticeSerializer)
    def update(self, request, *args, **kwargs):
        notice = self.get_object()
        data = NoticeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notice = services.notice_save(actor=request.user, notice=notice, **_input_values(data.validated_data))
        return Response(NoticeSerializer(notice).data)

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        notice = services.notice_publish(notice=self.get_object(), actor=request.user)
        return Response(NoticeSerializer(notice).data)

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        notice = services.notice_withdraw(notice=self.get_object(), actor=request.user)
        return Response(NoticeSerializer(notice).data)

    @extend_schema(request=None, responses={200: {"type": "object", "properties": {"reminded": {"type": "integer"}}}})
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        return Response({"reminded": services.notice_remind_now(notice=self.get_object(), actor=request.user)})

    @extend_schema(responses=ReceiptSerializer(many=True))
    @action(detail=True, methods=["get"])
    def receipts(self, request, pk=None):
        """The completion table: one row per recipient."""
        notice = self.get_object()
        queryset = notice.receipts.select_related("recipient", "organization").order_by("pk")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ReceiptSerializer(page, many=True).data)


class MyNoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's current notices (pinned first). Retrieving one records that it was read."""

    serializer_class = InboxSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return inbox(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        receipt = services.notice_read(receipt=self.get_object(), actor=request.user)
        return Response(InboxSerializer(receipt).data)

    @extend_schema(request=RespondSerializer, responses=InboxSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def respond(self, request, pk=None):
        receipt = get_object_or_404(self.get_queryset(), pk=pk)
        data = RespondSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        receipt = services.notice_respond(receipt=receipt, actor=request.user,
                                          reply=data.validated_data.get("reply", ""),
                                          file=data.validated_data.get("file"))
        return Response(InboxSerializer(receipt).data)
