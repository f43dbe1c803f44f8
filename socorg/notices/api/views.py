"""/api/v1/notices/ (staff: notices in the caller's notices scope, drafts written through notices.services,
publish / withdraw / remind, the completion table at …/receipts/) and /api/v1/my-notices/ (every account: its own
current notices; reading one records the read receipt; …/respond/ sends the reply or file).

ScopedViewSets (core.api.viewsets): notices are read in the notices.view scope and written in the notices.send
scope; the inbox is the caller's own receipts (NoticeReceipt.objects.addressed_to). Outside the scope (or another
account's receipt) → 404; an account that sees a notice but may not send it → 403."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from socorg.core.api.viewsets import ScopedViewSet
from socorg.party.models import ResponsibleBody
from socorg.regions.models import Region
from socorg.registry.models import SocialOrganization

from .. import queries, services
from ..models import Notice, NoticeReceipt
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
                    mixins.UpdateModelMixin, ScopedViewSet):
    """Notices in the caller's scope. POST / PUT write a draft (attachments through the page); publish, withdraw
    and remind are actions."""

    queryset = Notice.objects
    serializer_class = NoticeSerializer
    permission_classes = [NoticePermission]
    http_method_names = ["get", "post", "put", "head", "options"]
    write_scope = "send"

    def shape(self, queryset):
        return (queryset.select_related("region").prefetch_related("bodies", "organizations", "attachments")
                .order_by("-created_at", "-pk"))

    @extend_schema(request=NoticeInputSerializer, responses={201: NoticeSerializer})
    def create(self, request, *args, **kwargs):
        notice = services.notice_save(actor=request.user, **_input_values(self.parsed(NoticeInputSerializer)))
        return self.respond(notice, status.HTTP_201_CREATED, reread=False)

    @extend_schema(request=NoticeInputSerializer, responses=NoticeSerializer)
    def update(self, request, *args, **kwargs):
        notice = self.get_object()
        values = _input_values(self.parsed(NoticeInputSerializer))
        return self.respond(services.notice_save(actor=request.user, notice=notice, **values), reread=False)

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self.respond(services.notice_publish(notice=self.get_object(), actor=request.user), reread=False)

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self.respond(services.notice_withdraw(notice=self.get_object(), actor=request.user), reread=False)

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


class MyNoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The caller's current notices (pinned first). Retrieving one records that it was read."""

    queryset = NoticeReceipt.objects
    scope_method = "addressed_to"  # the caller's own receipts, whatever their roles
    scope_actions = {"respond_to": "view"}  # responding is the recipient's own act, like reading
    serializer_class = InboxSerializer
    permission_classes = [IsAuthenticated]

    def shape(self, queryset):
        return queries.inbox_rows(queryset)

    def retrieve(self, request, *args, **kwargs):
        receipt = services.notice_read(receipt=self.get_object(), actor=request.user)
        return self.respond(receipt, reread=False)

    @extend_schema(request=RespondSerializer, responses=InboxSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser],
            url_path="respond", url_name="respond")
    def respond_to(self, request, pk=None):  # (named apart from ScopedViewSet.respond, which answers)
        receipt = self.get_object()
        values = self.parsed(RespondSerializer)
        receipt = services.notice_respond(receipt=receipt, actor=request.user, reply=values.get("reply", ""),
                                          file=values.get("file"))
        return self.respond(receipt, reread=False)
