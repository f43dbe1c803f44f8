"""Forms of the early-warning pages: they parse input; alerts.services validates and writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from socorg.core.forms import DateField, RefuseControlCharactersMixin, ServiceErrorsMixin

from .choices import Severity
from .periods import PERIOD_LABELS


class AssignForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    assignee = forms.ModelChoiceField(label=_("assignee"), queryset=None,
                                      help_text=_("the organization's own account or its instructor"))
    deadline = DateField(label=_("deadline"))
    note = forms.CharField(label=_("instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users
        self.fields["assignee"].label_from_instance = lambda user: f"{user} ({user.username})"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class SubmitForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("evidence"), required=False,
                              help_text=_("PDF, Word, Excel, OFD, JPEG or PNG; several files allowed"))


class ReviewForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("review comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = DateField(label=_("new deadline (when returning)"), required=False)


class RuleSettingForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    """A rule's settings: one field per parameter of the rule (labelled as the rule names it), none for a parameter
    that is a deployment setting shared with another part of the platform."""

    enabled = forms.BooleanField(label=_("enabled"), required=False)
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)
    citation = forms.CharField(label=_("citation"), max_length=500, required=False,
                               help_text=_("empty means the rule's built-in citation"))

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.params = [p for p in rule.param_specs if not p.setting]
        for param in self.params:
            help_text = _("default: %(value)s") % {"value": param_value_text(param, param.current_default())}
            if param.choices:
                field = forms.ChoiceField(label=param.label, help_text=help_text,
                                          choices=[(c, PERIOD_LABELS.get(c, c)) for c in param.choices])
            else:
                field = forms.IntegerField(label=param.label, help_text=help_text, min_value=param.minimum,
                                           max_value=param.maximum)
            self.fields[f"param_{param.name}"] = field

    @staticmethod
    def initial_params(params: dict) -> dict:
        return {f"param_{name}": value for name, value in params.items()}

    def clean(self):
        cleaned = super().clean()
        cleaned["params"] = {p.name: cleaned.pop(f"param_{p.name}") for p in self.params
                             if cleaned.get(f"param_{p.name}") is not None}
        return cleaned

    def apply_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict") and "params" in error.error_dict:
            error = ValidationError({(None if k == "params" else k): v for k, v in error.error_dict.items()})
        super().apply_service_errors(error)


def param_value_text(param, value) -> str:
    """A parameter's value as people read it (a period by its name)."""
    return str(PERIOD_LABELS.get(value, value)) if param.choices else str(value)
