from django import forms
from django.utils.translation import gettext_lazy as _

from socorg.core.forms import DateField, RefuseControlCharactersMixin, ServiceErrorsMixin
from socorg.credit.choices import ENDING_PENALTIES, PenaltyKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(DocumentsField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class RunForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    region = forms.CharField(label=_("Region code"), max_length=6)
    as_of = DateField(label=_("as of"), required=False, help_text=_("Empty means today."))


class RectifyForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    closed_on = DateField(label=_("closed on"), required=False)
    note = forms.CharField(label=_("how it was rectified"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    documents = DocumentsField(label=_("documents"))


class DeregisterForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    closed_on = DateField(label=_("deregistered on"))
    liquidation_done = forms.BooleanField(label=_("liquidation finished"), required=False)
    certificate_returned = forms.BooleanField(label=_("certificate and seals returned"), required=False)
    decision_no = forms.CharField(label=_("decision number"), max_length=100, required=False)
    note = forms.CharField(label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    documents = DocumentsField(label=_("documents"))


class RevokeForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("penalty"), choices=[(k, PenaltyKind(k).label) for k in ENDING_PENALTIES])
    decision_no = forms.CharField(label=_("decision number"), max_length=100, required=False)
    decided_on = DateField(label=_("decided on"), required=False)
    facts = forms.CharField(label=_("facts"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                            required=False)
    legal_basis = forms.CharField(label=_("legal basis"), max_length=500, required=False)
    issuing_authority = forms.CharField(label=_("issuing authority"), max_length=200, required=False)
    documents = DocumentsField(label=_("documents"))
