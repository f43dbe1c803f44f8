from rest_framework import mixins
from rest_framework.permissions import IsAuthenticated

from socorg.core.api.viewsets import ScopedViewSet

from ..filters import RegionFilter
from ..models import Region
from .serializers import RegionSerializer


class RegionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """GB/T 2260 divisions (reference data: every authenticated user may read them; anonymous access is refused).

    Retired codes are listed only with `include_retired=true`, but always resolve by code."""

    queryset = Region.objects
    permission_classes = [IsAuthenticated]  # reference data: no domain capability needed
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    ordering_fields = ["code", "name", "pinyin"]
    ordering = ["code"]
    lookup_field = "code"
    lookup_value_regex = r"\d{6}"

    def filter_queryset(self, queryset):
        if self.action == "retrieve":
            return queryset
        return super().filter_queryset(queryset)
