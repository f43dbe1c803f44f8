"""/api/v1/credit-lists/ (list, one entry, a listing decision, a removal) and /api/v1/penalties/.

Reads start from the caller's credit.view scope (outside → 404); writes go through credit.services, which check
credit.change over the organization (seen but not allowed → 403)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError

from socorg.core.api.viewsets import ScopedViewSet
from socorg.registry.models import SocialOrganization

from .. import services
from ..filters import CreditEntryFilter, PenaltyFilter
from ..models import CreditEntry, Penalty
from .serializers import (
    CreditEntryInputSerializer,
    CreditEntrySerializer,
    CreditRemoveSerializer,
    PenaltyInputSerializer,
    PenaltySerializer,
)


class _OrganizationMixin:
    def organization(self, uscc: str) -> SocialOrganization:
        uscc = (uscc or "").strip().upper()
        if len(uscc) != 18:
            raise DRFValidationError({"uscc": [_("A unified social credit code has 18 characters.")]})
        return self.scoped_object(SocialOrganization.objects, domain="credit", uscc=uscc)


@extend_schema(parameters=[OpenApiParameter("list", str, enum=["abnormal", "serious"]),
                           OpenApiParameter("active", bool), OpenApiParameter("region", str)])
class CreditEntryViewSet(_OrganizationMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Entries of the credit lists in the caller's scope: ?list=abnormal|serious&active=true&region=530000."""

    queryset = CreditEntry.objects
    serializer_class = CreditEntrySerializer
    filterset_class = CreditEntryFilter

    def shape(self, queryset):
        return queryset.select_related("organization").order_by("-decided_on", "-pk")

    @extend_schema(request=CreditEntryInputSerializer, responses={201: CreditEntrySerializer})
    def create(self, request, *args, **kwargs):
        """List an organization by a decision: the answer carries entry_due_on (the 5th working day after
        decided_on) and entered_late."""
        values = self.parsed(CreditEntryInputSerializer)
        org = self.organization(values.pop("uscc"))
        entry = services.entry_create(org=org, list=values["list"], reason=values["reason"],
                                      decision_no=values["decision_no"], decided_on=values["decided_on"],
                                      evidence=values["evidence"], actor=request.user)
        return self.respond(entry, status.HTTP_201_CREATED)

    @extend_schema(request=CreditRemoveSerializer, responses=CreditEntrySerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        """Remove the entry on application: reason and the verification date (decided_on)."""
        entry = self.get_object()
        values = self.parsed(CreditRemoveSerializer)
        entry = services.entry_remove(entry=entry, reason=values["reason"], decided_on=values["decided_on"],
                                      actor=request.user)
        return self.respond(entry)


class PenaltyViewSet(_OrganizationMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Administrative penalties in the caller's scope."""

    queryset = Penalty.objects
    serializer_class = PenaltySerializer
    filterset_class = PenaltyFilter

    def shape(self, queryset):
        return queryset.select_related("organization").order_by("-decided_on", "-pk")

    @extend_schema(request=PenaltyInputSerializer, responses={201: PenaltySerializer})
    def create(self, request, *args, **kwargs):
        values = self.parsed(PenaltyInputSerializer)
        org = self.organization(values.pop("uscc"))
        penalty = services.penalty_record(org=org, actor=request.user, **values)
        return self.respond(penalty, status.HTTP_201_CREATED)
