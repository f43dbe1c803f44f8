"""The FilterSet every list of the platform builds on (UI pages and API alike), and the audit log's filters.

Query-string values are input like any other: a value the database cannot hold must become a message naming the
filter (400 from the API, a message above a UI list), never an error deep in the database driver (500). So the base
FilterSet
- turns every number filter on an integer column (ids, counts) into a whole-number field bounded by what the
  database stores: `?party_org=1e20`, `1.5` or `99999999999999999999` are refused instead of reaching SQLite as an
  OverflowError or PostgreSQL as an out-of-range error; number filters on decimal columns get the column's digits;
- refuses control characters in text filters (PostgreSQL cannot take a NUL in a query, see core.text).
Date filters need nothing more: Django's DateField already refuses what a date cannot be.
"""

import django_filters
from django import forms
from django.db import connection
from django.db.models import DecimalField
from django.utils.translation import gettext_lazy as _
from django_filters.utils import get_model_field

from .models import AuditEntry
from .text import validate_no_control_characters

WHOLE_NUMBER_ERRORS = {
    "invalid": _("Enter a whole number, such as 12."),
    "max_value": _("The number is too large: enter a whole number up to %(limit_value)s."),
    "min_value": _("The number is too small: enter a whole number from %(limit_value)s."),
}
BOUNDED_LOOKUPS = {"exact", "gt", "gte", "lt", "lte"}


def _column(model, field_name: str):
    """The model field a filter compares with (the target column for a foreign key), or None."""
    try:
        field = get_model_field(model, field_name) if model is not None else None
    except Exception:  # a method-only filter whose name is no field path
        return None
    if field is not None and field.is_relation and getattr(field, "target_field", None) is not None:
        field = field.target_field
    return field


def _bound(number_filter: django_filters.NumberFilter, model) -> None:
    column = _column(model, number_filter.field_name)
    if column is None or number_filter.lookup_expr not in BOUNDED_LOOKUPS:
        return
    if isinstance(column, DecimalField):
        number_filter.extra.setdefault("max_digits", column.max_digits)
        number_filter.extra.setdefault("decimal_places", column.decimal_places)
        return
    internal_type = column.get_internal_type()
    if internal_type not in connection.ops.integer_field_ranges:
        return
    low, high = connection.ops.integer_field_range(internal_type)
    number_filter.field_class = forms.IntegerField
    number_filter.extra.update(min_value=low, max_value=high,
                               error_messages={**WHOLE_NUMBER_ERRORS, **number_filter.extra.get("error_messages", {})})


class FilterSet(django_filters.FilterSet):
    """Base of every FilterSet: see the module docstring."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        for filter_ in self.filters.values():  # instance copies of the declared filters: safe to change
            if isinstance(filter_, django_filters.NumberFilter):
                _bound(filter_, model)
            elif isinstance(filter_, django_filters.CharFilter):
                validators = filter_.extra.setdefault("validators", [])
                if validate_no_control_characters not in validators:
                    validators.append(validate_no_control_characters)
            else:
                continue
            filter_.__dict__.pop("_field", None)  # built again from the changed class and arguments


class AuditEntryFilter(FilterSet):
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
