"""Widgets shared by the FilterSets of list pages (the same FilterSets serve the API, where widgets do not matter).

- yes/no filters offer 全部 / 是 / 否 and default to 全部 (django-filter's default reads 未知 / 是 / 否);
- region filters are type-ahead pickers (core.pickers) rather than a field asking for a 6-digit code;
- filters by an internal id (a party organization's) are hidden: pages link to a list filtered that way, nobody
  types an id."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .pickers import region_picker


class YesNoSelect(forms.Select):
    """全部 / 是 / 否; `no=False` drops 否, `empty` renames the default (e.g. 否 for "include retired codes")."""

    def __init__(self, attrs=None, *, yes=None, no=None, empty=None):
        choices = [("", empty or _("All")), ("true", yes or _("Yes"))]
        if no is not False:
            choices.append(("false", no or _("No")))
        super().__init__(attrs, choices=choices)


def region_filter_widget():
    return region_picker()

