"""/api/v1/orgs/: social organizations, looked up by their unified social credit code.

A ScopedViewSet (core.api.viewsets): reads are confined to visible_to(user, "view"), writes to visible_to(user,
"change") (outside the scope → 404; an organization the user may see but not change → 403). Writes go through
registry.services, which check the authority region against the user's registry.change scope (outside → 400 on
authority_region) and write nothing on failure."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from socorg.core.api.conditional import ConditionalUpdateMixin
from socorg.core.api.viewsets import KeptFilterSetBackend, ScopedViewSet
from socorg.core.scope import can

from .. import services
from ..filters import ORG_LIST_ORDER, OrganizationFilter
from ..models import SocialOrganization
from ..totals import org_list_total
from .serializers import OrganizationSerializer, StatusChangeSerializer


class OrganizationViewSet(ConditionalUpdateMixin, mixins.ListModelMixin, ScopedViewSet):
    queryset = SocialOrganization.objects
    serializer_class = OrganizationSerializer
    filter_backends = [KeptFilterSetBackend]  # the FilterSet carries the ordering, shared with the list page
    filterset_class = OrganizationFilter
    lookup_field = "uscc"
    lookup_value_regex = r"[0-9A-Za-z]{18}"
    scope_domain = "registry"

    def shape(self, queryset):
        return queryset.select_related("authority_region").order_by(*ORG_LIST_ORDER)

    def exact_count(self) -> int | None:
        """The list's total from the maintained per-region counts when the filters allow (see registry.totals)."""
        filterset = getattr(self, "filterset", None)
        return org_list_total(filterset, self.request.user) if filterset is not None else None

    def get_object(self):
        self.kwargs["uscc"] = self.kwargs["uscc"].upper()  # codes are stored in upper case
        return super().get_object()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["reveal_phone"] = False
        return context

    def _render(self, org, status_code=status.HTTP_200_OK):
        reveal = can(self.request.user, "registry.change", org.authority_region_id)
        return self.respond(org, status_code, reread=False, context={"reveal_phone": reveal})

    def retrieve(self, request, *args, **kwargs):
        return self._render(self.get_object())

    def create(self, request, *args, **kwargs):
        org = services.org_register(actor=request.user, **self.parsed(OrganizationSerializer))
        return self._render(org, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        org = self.get_object()
        values = self.parsed(OrganizationSerializer, instance=org, partial=kwargs.pop("partial", False))
        org = services.org_update(org=org, actor=request.user, **values)
        return self._render(org)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.org_delete(org=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=StatusChangeSerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def deregister(self, request, uscc=None):
        """Deregister (注销) the organization as of `date`, for `reason`."""
        return self._change_status(request, services.org_deregister)

    @extend_schema(request=StatusChangeSerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, uscc=None):
        """Revoke (撤销登记) the organization's registration as of `date`, for `reason`."""
        return self._change_status(request, services.org_revoke)

    @extend_schema(request=StatusChangeSerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"], url_path="revoke-certificate")
    def revoke_certificate(self, request, uscc=None):
        """Revoke (吊销) the organization's registration certificate as of `date`, for `reason`."""
        return self._change_status(request, services.org_revoke_certificate)

    @extend_schema(request=StatusChangeSerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, uscc=None):
        """Suspend the organization's activities for a set period (限期停止活动) as of `date`, for `reason`."""
        return self._change_status(request, services.org_suspend)

    @extend_schema(request=StatusChangeSerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, uscc=None):
        """End a suspension: back to normal status as of `date`, for `reason`."""
        return self._change_status(request, services.org_resume)

    def _change_status(self, request, service):
        org = self.get_object()
        org = service(org=org, actor=request.user, **self.parsed(StatusChangeSerializer))
        return self._render(org)
