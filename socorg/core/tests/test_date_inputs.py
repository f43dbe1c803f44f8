"""Every date input of every form renders its value as ISO YYYY-MM-DD, in every language (browsers accept nothing
else in <input type=date>; see test_browser_date_inputs for the round trip in a real browser)."""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.utils import translation

import socorg
from socorg.core.forms import DateInput


def all_form_classes():
    for module_info in pkgutil.walk_packages(socorg.__path__, "socorg."):
        if module_info.name.rsplit(".", 1)[-1] != "forms":
            continue
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


DATE_FIELDS = [(cls, name, field) for cls in all_form_classes() for name, field in cls.base_fields.items()
               if isinstance(field, forms.DateField)]


def test_the_scan_finds_the_date_fields_of_every_domain():
    modules = {cls.__module__ for cls, _name, _field in DATE_FIELDS}
    assert {"socorg.registry.forms", "socorg.party.forms", "socorg.activities.forms", "socorg.alerts.forms"} <= modules


@pytest.mark.parametrize("cls, name, field", DATE_FIELDS, ids=lambda v: getattr(v, "__qualname__", v))
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_date_field_renders_an_iso_value(cls, name, field, language):
    assert isinstance(field.widget, DateInput), f"{cls.__qualname__}.{name} does not use core.forms.DateInput"
    with translation.override(language):
        html = field.widget.render(name, datetime.date(2026, 11, 20))
    assert 'type="date"' in html and 'value="2026-11-20"' in html
