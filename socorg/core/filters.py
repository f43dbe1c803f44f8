import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


class AuditEntryFilter(django_filters.FilterSet):
    actor_name = django_filters.CharFilter(label=_("actor"), lookup_expr="exact")
    action = django_filters.CharFilter(label=_("action"), lookup_expr="startswith")
    object_type = django_filters.CharFilter(label=_("object type"))
    object_id = django_filters.CharFilter(label=_("object id"))
    request_id = django_filters.CharFilter(label=_("request id"))
    ip = django_filters.CharFilter(label=_("IP address"))
    at_from = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("from"))
    at_to = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("to"))

    class Meta:
        model = AuditEntry
        fields = []
