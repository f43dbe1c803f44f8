"""The FilterSet every list of the platform builds on (UI pages and API alike), and the audit log's filters.

Query-string values are input like any other: a value the database cannot hold must become a message naming the
filter (400 from the API, a message above a UI list), never an error deep in the database driver (500). So the base
FilterSet
- turns every number filter on an integer column (ids, counts) into a whole-number field bounded by what the
  database stores: `?party_org=1e20`, `1.5` or `99999999999999999999` are refused instead of reaching SQLite as an
  OverflowError or PostgreSQL as an out-of-range error; number filters on decimal columns get the column's digits;
- refuses control characters in text filters (PostgreSQL cannot take a NUL in a query, see core.text);
- renders date filters as ISO date inputs (core.forms.DateInput) and says which format a date takes;
- lists nothing while any value is invalid (`qs` is empty; the UI shows the errors above the list, with the user's
  input kept in the form: includes/filter_form.html): a bad value is never silently ignored.
A region filter is a RegionCodeFilter: `?region=abc` or an unknown code is an error, not an empty (or full) list.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import DecimalField
from django.forms.utils import pretty_name
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from django_filters.utils import get_model_field

from socorg.regions.models import Region

from .forms import DateInput
from .models import AuditEntry
from .scope import in_subtree
from .text import refusing_control_characters

WHOLE_NUMBER_ERRORS = {
    "invalid": _("Enter a whole number, such as 12."),
    "max_value": _("The number is too large: enter a whole number up to %(limit_value)s."),
    "min_value": _("The number is too small: enter a whole number from %(limit_value)s."),
}
BOUNDED_LOOKUPS = {"exact", "gt", "gte", "lt", "lte"}
DATE_ERRORS = {"invalid": _("This is not a date; expected YYYY-MM-DD, e.g. 2025-06-30.")}


def _ordering_choices(ordering: django_filters.OrderingFilter, model) -> list[tuple[str, str]]:
    """Sort choices in the user's language: django-filter builds them once, in English, from the parameter names
    ("Founded on", "(descending)"); a label given in field_labels is kept, otherwise the model field's verbose
    name is used."""
    given = dict(ordering.extra.get("choices") or [])
    choices = []
    for param, field_path in ordering.param_map.items():
        label = given.get(param)
        if label is None or str(label) == pretty_name(param):
            column = _column(model, field_path) or _column(model, param)
            label = column.verbose_name if column is not None else label
        choices += [(param, label), (f"-{param}", format_lazy(_("{label} (descending)"), label=label))]
    return choices


class RegionCodeField(forms.CharField):
    """A region code: six digits naming a region of the table (retired codes included: old records keep them);
    cleans to the Region."""

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return code
        if len(code) != 6 or not code.isdigit():
            raise ValidationError(_("“%(value)s” is not a region code; expected 6 digits, e.g. 530100."),
                                  code="invalid", params={"value": code})
        region = Region.objects.filter(code=code).only("code", "scope_prefix").first()
        if region is None:
            raise ValidationError(_("There is no region with the code %(value)s; check the code (6 digits, e.g. "
                                    "530100)."), code="unknown", params={"value": code})
        return region


class RegionCodeFilter(django_filters.CharFilter):
    """Rows whose region (the region code at `field_name`) lies in the subtree of the given region; the value is
    checked by RegionCodeField, which hands the Region on (a `method` receives the Region too)."""

    field_class = RegionCodeField

    def filter(self, qs, value):
        return qs if value in EMPTY_VALUES else qs.filter(in_subtree(self.field_name, value.scope_prefix))


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
    if number_filter.field_name.endswith("__year") and number_filter.lookup_expr in BOUNDED_LOOKUPS:
        # The year of a date column: the years a date can have (`?year=86400` is refused, not a database error).
        number_filter.field_class = forms.IntegerField
        number_filter.extra.update(min_value=1, max_value=9999, error_messages={
            **WHOLE_NUMBER_ERRORS, **number_filter.extra.get("error_messages", {})})
        return
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
            elif isinstance(filter_, django_filters.OrderingFilter):
                filter_.extra["choices"] = _ordering_choices(filter_, model)
            elif isinstance(filter_, django_filters.DateFilter):
                filter_.extra.setdefault("widget", DateInput)
                filter_.extra["error_messages"] = {**DATE_ERRORS, **filter_.extra.get("error_messages", {})}
            elif isinstance(filter_, django_filters.CharFilter):
                filter_.extra["validators"] = refusing_control_characters(filter_.extra.get("validators", []))
            else:
                continue
            filter_.__dict__.pop("_field", None)  # built again from the changed class and arguments

    @property
    def qs(self):
        if self.is_bound and not self.is_valid():
            return self.queryset.none()  # the errors are shown; rows filtered by the valid values only would mislead
        return super().qs


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
