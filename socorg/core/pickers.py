"""Type-ahead pickers: a text input that offers matching rows as the user types (htmx), instead of a drop-down of
thousands of options or a field that wants an exact name or an internal id.

The input keeps the value the form field expects (a region code, a party organization's name); the suggestions
come from an endpoint that searches with core.search (name, pinyin, initials, code) inside the user's scope and
returns `picker_results.html`; clicking one puts its value into the input (socorg.js)."""

from django import forms
from django.db.models import Q
from django.urls import reverse_lazy

from socorg.core.scope import prefix_filter, region_prefixes

PICKER_LIMIT = 15


class PickerInput(forms.TextInput):
    """A text input with type-ahead suggestions from `url` (a view answering `?field=<name>&<name>=<text>`).

    `capability` narrows the suggestions to where the user holds it (e.g. registry.change for a form that writes);
    `describe(value)` gives the text shown under the input for the current value (e.g. a region's full name)."""

    template_name = "core/picker.html"

    def __init__(self, url, *, capability: str = "", describe=None, attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.url, self.capability, self.describe = url, capability, describe

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update({
            "picker_url": str(self.url), "capability": self.capability,
            "description": self.describe(value) if self.describe and value not in (None, "") else "",
        })
        return context


def picker_text(request) -> str:
    """The text typed into the picker input that sent the request."""
    return request.GET.get(request.GET.get("field", ""), "") or request.GET.get("q", "")


def within_capability(queryset, user, capability: str, field: str):
    """Rows whose region code (at `field`) lies where `user` holds `capability` (nothing when nowhere)."""
    prefixes = region_prefixes(user, capability)
    condition = prefix_filter(field, prefixes) if prefixes else Q(pk__in=[])
    return queryset if condition is None else queryset.filter(condition)


def region_picker(capability: str = "") -> PickerInput:
    from socorg.regions.models import Region

    def describe(code):
        region = Region.objects.filter(code=str(code).strip()).first()
        return region.full_name if region else ""

    return PickerInput(reverse_lazy("regions:pick"), capability=capability, describe=describe)


def party_org_picker(capability: str = "") -> PickerInput:
    return PickerInput(reverse_lazy("party:party_org_pick"), capability=capability)
