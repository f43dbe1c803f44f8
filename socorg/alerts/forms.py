"""Forms of the early-warning pages: they parse input; alerts.services validates and writes."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from socorg.core.forms import DateField, ServiceErrorsMixin

from .choices import Severity


class AssignForm(ServiceErrorsMixin, forms.Form):
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


class SubmitForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("evidence"), required=False,
                              help_text=_("PDF, Word, Excel, OFD, JPEG or PNG; several files allowed"))


class ReviewForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("review comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = DateField(label=_("new deadline (when returning)"), required=False)


class RuleSettingForm(ServiceErrorsMixin, forms.Form):
    enabled = forms.BooleanField(label=_("enabled"), required=False)
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)
    params = forms.CharField(label=_("parameters (JSON)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("e.g. {\"months\": 3}; empty means the rule's defaults"))
    citation = forms.CharField(label=_("citation"), max_length=500, required=False,
                               help_text=_("empty means the rule's built-in citation"))

    def clean_params(self):
        text = (self.cleaned_data.get("params") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(_("This is not valid JSON (%(problem)s); expected an object such as "
                                    "{\"months\": 3}.") % {"problem": error.msg}) from error
        if not isinstance(value, dict):
            raise ValidationError(_("Expected a JSON object such as {\"months\": 3}."))
        return value
