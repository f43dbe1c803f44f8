"""Forms of the ratings pages: they parse input; ratings.services validates and writes (its field errors are shown
beside the fields: points_<criterion>, reason_<criterion>, …)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from socorg.core.forms import DateInput, RefuseControlCharactersMixin, ServiceErrorsMixin

from .choices import Grade
from .scorecards import EVALUATION_PRESETS


def _points_field(row, *, required: bool = False):
    return forms.DecimalField(label=_("points (at most %(max)s)") % {"max": row["max"]}, min_value=0,
                              max_value=row["max"], decimal_places=1, required=required,
                              widget=forms.NumberInput(attrs={"step": "0.1"}))


class SelfAssessmentForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    """Points, reason and evidence for every judged criterion (the service refuses what is missing)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = [row["code"] for row in rows if row["judged"]]
        for row in rows:
            if not row["judged"]:
                continue
            code = row["code"]
            self.fields[f"points_{code}"] = _points_field(row)
            self.fields[f"points_{code}"].initial = row.get("claimed_points")
            self.fields[f"reason_{code}"] = forms.CharField(label=_("reason"), max_length=2000, required=False,
                                                            initial=row.get("claim_reason", ""),
                                                            widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"evidence_{code}"] = forms.CharField(
                label=_("evidence (documents, records)"), max_length=2000, required=False,
                initial=row.get("claim_evidence", ""), widget=forms.Textarea(attrs={"rows": 2}))

    def items(self) -> dict:
        data = self.cleaned_data
        return {code: {"points": data.get(f"points_{code}"), "reason": data.get(f"reason_{code}", ""),
                       "evidence": data.get(f"evidence_{code}", "")} for code in self.codes}


class ReviewForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    """The committee's review: any criterion's points may be changed (with a reason), and a comment."""

    comment = forms.CharField(label=_("review comment"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = [row["code"] for row in rows]
        for row in rows:
            code = row["code"]
            self.fields[f"points_{code}"] = _points_field(row)
            self.fields[f"points_{code}"].initial = row["effective"]
            self.fields[f"reason_{code}"] = forms.CharField(label=_("reason for the change"), max_length=2000,
                                                            required=False)

    def adjustments(self) -> dict:
        data = self.cleaned_data
        return {code: {"points": data.get(f"points_{code}"), "reason": data.get(f"reason_{code}", "")}
                for code in self.codes if data.get(f"points_{code}") is not None}


class ModelBranchForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("designation"), max_length=100, initial=_("标准化规范化示范党支部"))
    valid_from = forms.DateField(label=_("valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("valid until"), widget=DateInput())
    basis = forms.CharField(label=_("criteria met"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    decision_number = forms.CharField(label=_("decision number"), max_length=100)


class EvaluationForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    grade = forms.ChoiceField(label=_("grade"), choices=Grade.choices)
    valid_from = forms.DateField(label=_("valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("valid until"), required=False, help_text=_("Empty: five years."),
                               widget=DateInput())
    decision_number = forms.CharField(label=_("decision number"), max_length=100)
    total_points = forms.DecimalField(label=_("total points"), required=False, min_value=0, decimal_places=1)
    scorecard_code = forms.ChoiceField(label=_("scorecard"), required=False,
                                       choices=[("", _("the one in force"))]
                                       + [(code, preset["name"]) for code, preset in EVALUATION_PRESETS.items()])
