"""Forms of the credit pages: they parse input; credit.services validates and writes (errors shown at the fields)."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from socorg.core.forms import DateField, RefuseControlCharactersMixin, ServiceErrorsMixin

from .choices import CreditList, FactKind, PenaltyKind
from .rules import REASONS


def reason_choices():
    groups = []
    for list_code, list_label in CreditList.choices:
        groups.append((list_label, [(code, r.title) for code, r in REASONS.items() if r.list == list_code]))
    return [("", "—"), *groups]


class _Form(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    pass


class EntryForm(_Form):
    uscc = forms.CharField(label=_("unified social credit code"), max_length=18)
    list = forms.ChoiceField(label=_("list"), choices=[("", "—"), *CreditList.choices], required=False)
    reason = forms.ChoiceField(label=_("reason"), choices=reason_choices, required=False)
    decision_no = forms.CharField(label=_("decision number"), max_length=100, required=False,
                                  help_text=_("e.g. 五民社异〔2026〕8号"))
    decided_on = DateField(label=_("decision date"), required=False,
                           help_text=_("The entry is due in the system by the 5th working day after it."))
    evidence = forms.CharField(label=_("evidence"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 3}))

    def evidence_value(self):
        text = (self.cleaned_data.get("evidence") or "").strip()
        try:
            value = json.loads(text)
        except ValueError:
            return text
        return value if isinstance(value, dict) else text


class RemoveForm(_Form):
    reason = forms.CharField(label=_("how the obligation was fulfilled"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    decided_on = DateField(label=_("verified on"), required=False,
                           help_text=_("The removal is due within 5 working days of the verification."))


class ObjectionForm(_Form):
    received_on = DateField(label=_("received on"), required=False)
    content = forms.CharField(label=_("objection"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(_Form):
    upheld = forms.TypedChoiceField(label=_("conclusion"), coerce=lambda v: v == "1",
                                    choices=[("0", _("Objection rejected: the entry stays")),
                                             ("1", _("Objection upheld: the entry is removed"))])
    answer = forms.CharField(label=_("answer"), max_length=5000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    answered_on = DateField(label=_("answered on"), required=False)


class StatementForm(_Form):
    reason = forms.ChoiceField(label=_("reason"), choices=reason_choices, required=False)
    issued_by = forms.CharField(label=_("issued by"), max_length=200, required=False)
    document_no = forms.CharField(label=_("document number"), max_length=100, required=False)
    issued_on = DateField(label=_("issued on"), required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)
    document = forms.FileField(label=_("document"), required=False)


class PenaltyForm(_Form):
    uscc = forms.CharField(label=_("unified social credit code"), max_length=18)
    kind = forms.ChoiceField(label=_("kind of penalty"), choices=[("", "—"), *PenaltyKind.choices], required=False)
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=14, decimal_places=2, required=False,
                                help_text=_("For a fine (required) or a confiscation."))
    decision_no = forms.CharField(label=_("decision number"), max_length=100, required=False)
    decided_on = DateField(label=_("decision date"), required=False)
    suspension_until = DateField(label=_("activities suspended until"), required=False,
                                 help_text=_("Only for 限期停止活动."))
    facts = forms.CharField(label=_("facts of the violation"), max_length=5000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("legal basis"), max_length=500, required=False)
    issuing_authority = forms.CharField(label=_("issuing authority"), max_length=200, required=False)


class LetterForm(_Form):
    sent_on = DateField(label=_("sent on"), required=False)
    tracking_no = forms.CharField(label=_("tracking number"), max_length=64, required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class LetterAnsweredForm(_Form):
    answered_on = DateField(label=_("signed for or answered on"), required=False)


class FactForm(_Form):
    kind = forms.ChoiceField(label=_("finding"), choices=[("", "—"), *FactKind.choices], required=False)
    found_on = DateField(label=_("date of the finding"), required=False)
    source_document = forms.CharField(label=_("source document"), max_length=200, required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class ReasonSettingForm(_Form):
    """A reason's settings: one whole-number field per parameter, labelled as the reason names it."""

    enabled = forms.BooleanField(label=_("enabled"), required=False)
    citation = forms.CharField(label=_("citation"), required=False, max_length=500,
                               widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("Empty means the reason's built-in citation."))

    def __init__(self, *args, reason, **kwargs):
        super().__init__(*args, **kwargs)
        self.params = list(reason.param_specs)
        for param in self.params:
            self.fields[f"param_{param.name}"] = forms.IntegerField(
                label=param.label, min_value=param.minimum, max_value=param.maximum, required=False,
                help_text=_("default: %(value)s") % {"value": param.default})

    @staticmethod
    def initial_params(params: dict) -> dict:
        return {f"param_{name}": value for name, value in params.items()}

    def clean(self):
        cleaned = super().clean()
        cleaned["params"] = {p.name: cleaned.pop(f"param_{p.name}") for p in self.params
                             if cleaned.get(f"param_{p.name}") is not None}
        for p in self.params:
            cleaned.pop(f"param_{p.name}", None)
        return cleaned
