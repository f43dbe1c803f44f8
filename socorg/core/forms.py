"""Form helpers shared by the domain apps' pages."""

from django.core.exceptions import ValidationError


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
