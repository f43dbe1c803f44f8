"""The FilterSet of the organizations behind a coverage number (core.filters.FilterSet, like every other list): the
API's /api/v1/coverage/orgs/ filters through it, with the common paginator.

Unlike a plain column filter, the values work together: `region` and `responsible` are resolved within the caller's
scope by coverage.access.figures_scope (another region → 404, a responsible body of someone else's → 404), and the
rows are those counted by `measure` as of `as_of` (coverage.queries.orgs_behind). Invalid values answer 400 naming
the parameter, and no rows are listed (core.filters)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field

from socorg.core.filters import FilterSet
from socorg.party.models import ResponsibleBody
from socorg.registry.models import SocialOrganization

from .access import figures_scope
from .queries import BY_CHOICES, MEASURES, orgs_behind

TRUE, FALSE = {"true", "1", "yes", "on", "y", "t"}, {"false", "0", "no", "off", "n", "f"}


class YesNoField(forms.Field):
    """true / false (also 1 / 0, yes / no, on / off), any case; absent = false."""

    def to_python(self, value):
        text = str(value or "").strip().lower()
        if not text:
            return None
        if text in TRUE | FALSE:
            return text in TRUE
        raise ValidationError(_("Expected true or false."), code="invalid")


class NotFutureDateField(forms.DateField):
    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise ValidationError(_("The date %(date)s is in the future; give today or an earlier date.")
                                  % {"date": value.isoformat()}, code="future")


class ResponsibleBodyField(forms.IntegerField):
    """The id of an existing responsible party body; cleans to the body."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=2**62, **kwargs)

    def clean(self, value):
        number = super().clean(value)
        if number is None:
            return None
        body = ResponsibleBody.objects.filter(pk=number).first()
        if body is None:
            raise ValidationError(_("No responsible party body has the id %(id)s; give the id of an existing one.")
                                  % {"id": number}, code="unknown")
        return body


@extend_schema_field({"type": "boolean", "default": False})
class YesNoFilter(django_filters.Filter):
    field_class = YesNoField


class NotFutureDateFilter(django_filters.DateFilter):
    field_class = NotFutureDateField


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**62})
class ResponsibleBodyFilter(django_filters.Filter):
    field_class = ResponsibleBodyField


def _given(queryset, name, value):
    return queryset  # the values work together: see OrgsBehindFilter.filter_queryset


class OrgsBehindFilter(FilterSet):
    region = django_filters.CharFilter(method=_given, label=gettext_lazy("Region code (default: your own region)"))
    responsible = ResponsibleBodyFilter(
        method=_given,
        label=gettext_lazy("Only the organizations this responsible party body (id) is responsible for"))
    measure = django_filters.ChoiceFilter(method=_given, choices=[(m, m) for m in MEASURES],
                                          label=gettext_lazy("The number: which organizations (default all)"))
    direct = YesNoFilter(method=_given, label=gettext_lazy("Only the region's own level (本级)"))
    as_of = NotFutureDateFilter(method=_given, label=gettext_lazy("Figures as of this date (default today)"))
    group_by = django_filters.ChoiceFilter(method=_given, choices=[(c, c) for c in BY_CHOICES if c != "region"],
                                           label=gettext_lazy("With `group`: one group of a breakdown"))
    group = django_filters.CharFilter(method=_given, label=gettext_lazy("The group's key, e.g. foundation (by type)"))

    class Meta:
        model = SocialOrganization
        fields = []

    def filter_queryset(self, queryset):
        """The organizations counted by the measure, within the region (and responsible body) in the caller's
        scope; `self.region` and `self.values` tell the caller what was resolved."""
        values = self.form.cleaned_data
        user = self.request.user
        self.region, responsible = figures_scope(user, values.get("region") or None, values.get("responsible"))
        self.values = {**values, "measure": values.get("measure") or "all", "direct": bool(values.get("direct"))}
        group = (values["group_by"], values.get("group") or "") if values.get("group_by") else None
        return orgs_behind(user, self.region, self.values["measure"], direct=self.values["direct"],
                           on=values.get("as_of"), group=group, responsible=responsible, rows=queryset)
