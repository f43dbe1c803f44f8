"""Form helpers shared by the domain apps' pages."""

from django import forms
from django.core.exceptions import ValidationError

from .text import refusing_control_characters

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """<input type="date"> whose value is always ISO YYYY-MM-DD, whatever the language: browsers accept no other
    format and submit the field empty, so a localized value (zh-Hans renders 2026/11/20) would erase the date on
    the next save. Every date input of the site uses this widget (a test checks every form)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


class DateField(forms.DateField):
    """A date field rendered by DateInput (input in any accepted format, rendered ISO)."""

    widget = DateInput


class ServiceErrorsMixin:
    """Shows a service's ValidationError next to the fields it names (others at the top of the form), with
    Bootstrap's red border on every field in error."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()

    def apply_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class RefuseControlCharactersMixin:
    """Every text field of the form refuses control characters (core.text), with a message at the field: they are
    invisible, break exports and cannot be stored on PostgreSQL (NUL)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the form's own copies of the declared fields
            if isinstance(field, forms.CharField):
                field.validators = refusing_control_characters(field.validators)
