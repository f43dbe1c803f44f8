"""Forms of the project pages: they parse input; projects.services validates and writes (its field errors are
shown beside the fields, ServiceErrorsMixin)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from socorg.core.forms import DateField, RefuseControlCharactersMixin, ServiceErrorsMixin

from . import rules
from .choices import CallKind, EvaluationConclusion, EvaluationStage, TerminationReason


def _category_choices():
    return [(c, c) for c in rules.categories()]


class Form(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    pass


class CallForm(Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=CallKind.choices)
    funder = forms.CharField(label=_("funder"), max_length=200, required=False)
    region = forms.CharField(label=_("Region code"), max_length=6,
                             help_text=_("the region and everything below it, e.g. 530100"))
    budget = forms.DecimalField(label=_("budget (yuan)"), max_digits=14, decimal_places=2)
    max_per_project = forms.DecimalField(label=_("limit per project (yuan)"), max_digits=14, decimal_places=2,
                                         required=False)
    opens_on = DateField(label=_("opens on"))
    closes_on = DateField(label=_("closes on"))
    categories = forms.MultipleChoiceField(label=_("service categories"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    not_on_credit_list = forms.BooleanField(label=_("Not on a credit list"), required=False, initial=True)
    registered_years = forms.IntegerField(label=_("Years since registration (at least)"), min_value=0,
                                          max_value=100, required=False)
    annual_report_ok = forms.BooleanField(label=_("Last annual report not unqualified"), required=False,
                                          initial=True)
    min_evaluation_grade = forms.TypedChoiceField(
        label=_("Minimum evaluation grade"), required=False, coerce=int, empty_value=None,
        choices=[("", _("No requirement"))] + [(str(n), f"{n}A") for n in range(1, 6)])
    party_coverage = forms.ChoiceField(
        label=_("Party organization or party work coverage"), required=False,
        choices=[("", _("No requirement")), ("work", _("Party organization or party work coverage")),
                 ("organization", _("A party organization"))])
    no_high_alert = forms.BooleanField(label=_("No open high-severity alert"), required=False, initial=True)
    max_awards = forms.IntegerField(label=_("Funded projects in progress per organization (at most)"),
                                    min_value=1, max_value=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = _category_choices()

    def service_values(self) -> dict:
        data = self.cleaned_data
        configured = []
        if data["not_on_credit_list"]:
            configured.append({"rule": "not_on_credit_list"})
        if data["registered_years"] is not None:
            configured.append({"rule": "registered_years", "min": data["registered_years"]})
        if data["annual_report_ok"]:
            configured.append({"rule": "annual_report_ok"})
        if data["min_evaluation_grade"]:
            configured.append({"rule": "min_evaluation_grade", "grade": data["min_evaluation_grade"]})
        if data["party_coverage"]:
            configured.append({"rule": "party_coverage", "require": data["party_coverage"]})
        if data["no_high_alert"]:
            configured.append({"rule": "no_high_alert"})
        if data["max_awards"]:
            configured.append({"rule": "max_awards", "max": data["max_awards"]})
        return {"name": data["name"], "kind": data["kind"], "funder": data["funder"], "region": data["region"],
                "budget": data["budget"], "max_per_project": data["max_per_project"], "opens_on": data["opens_on"],
                "closes_on": data["closes_on"], "categories": data["categories"], "rules_config": configured}


class ApplicationForm(Form):
    title = forms.CharField(label=_("project title"), max_length=200)
    category = forms.ChoiceField(label=_("service category"), required=False)
    plan = forms.CharField(label=_("plan"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))
    budget_lines = forms.CharField(
        label=_("budget lines"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One line per item: the item, a space, the amount in yuan (e.g. 餐费补贴 80000)."))
    amount_requested = forms.DecimalField(label=_("amount requested (yuan)"), max_digits=14, decimal_places=2)
    people_served = forms.IntegerField(label=_("people to serve"), min_value=0, max_value=100_000_000)
    places = forms.CharField(label=_("places served"), max_length=500, required=False,
                             help_text=_("Region codes separated by spaces, e.g. 530102 530103."))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [(c, c) for c in (categories or rules.categories())]

    def clean_budget_lines(self):
        lines = []
        for number, text in enumerate(self.cleaned_data["budget_lines"].splitlines(), start=1):
            text = text.strip()
            if not text:
                continue
            item, _sep, amount = text.rpartition(" ")
            if not item.strip() or rules.money(amount.replace(",", "")) is None:
                raise forms.ValidationError(
                    gettext("Line %(n)d: write the item, a space, then the amount.") % {"n": number})
            lines.append({"item": item.strip(), "amount": amount.replace(",", "")})
        return lines

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["places"] = data["places"].split()
        return data


class AssignForm(RefuseControlCharactersMixin, forms.Form):
    experts = forms.MultipleChoiceField(label=_("experts"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, experts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].choices = [(str(e.pk), e.name) for e in experts]


class ScoresForm(Form):
    comment = forms.CharField(label=_("comment"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for number, c in enumerate(self.criteria):
            self.fields[f"score_{number}"] = forms.DecimalField(
                label=f"{c['name']}（0–{c['max']}）", min_value=0, max_value=c["max"], max_digits=7, decimal_places=2)

    def service_values(self) -> dict:
        scores = {c["name"]: self.cleaned_data[f"score_{n}"] for n, c in enumerate(self.criteria)}
        return {"scores": scores, "comment": self.cleaned_data["comment"]}


class ReasonForm(Form):
    reason = forms.CharField(label=_("reason"), max_length=500)


class AwardForm(Form):
    amount = forms.DecimalField(label=_("amount awarded (yuan)"), max_digits=14, decimal_places=2)


class MilestoneForm(Form):
    title = forms.CharField(label=_("milestone"), max_length=200)
    due_on = DateField(label=_("due on"))
    tranche = forms.DecimalField(label=_("tranche (yuan)"), max_digits=14, decimal_places=2)


class MilestoneReportForm(Form):
    report = forms.CharField(label=_("progress report"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class PaymentForm(Form):
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=14, decimal_places=2)
    paid_on = DateField(label=_("paid on"))


class EvaluationForm(Form):
    stage = forms.ChoiceField(label=_("stage"), choices=EvaluationStage.choices)
    evaluated_on = DateField(label=_("evaluated on"))
    score = forms.DecimalField(label=_("score"), max_digits=5, decimal_places=1, min_value=0, max_value=100)
    conclusion = forms.ChoiceField(label=_("conclusion"), choices=EvaluationConclusion.choices)
    site_visit_on = DateField(label=_("site visit on"), required=False)
    findings = forms.CharField(label=_("findings"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    rectification = forms.CharField(label=_("rectification required"), max_length=5000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    rectification_due = DateField(label=_("rectification due"), required=False)


class CompleteForm(Form):
    people_served = forms.IntegerField(label=_("people served"), min_value=0, max_value=100_000_000)
    money_spent = forms.DecimalField(label=_("money spent (yuan)"), max_digits=14, decimal_places=2)
    outcome = forms.CharField(label=_("outcome"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    completed_on = DateField(label=_("completed on"))


class TerminateForm(Form):
    reason = forms.ChoiceField(label=_("reason for terminating"), choices=TerminationReason.choices)
    detail = forms.CharField(label=_("termination decision"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("why the project ends, the decision's number, what was agreed about the "
                                         "money"))
    terminated_on = DateField(label=_("terminated on"))


class ExpertForm(Form):
    username = forms.CharField(label=_("account"), max_length=150)
    name = forms.CharField(label=_("name"), max_length=64)
    region = forms.CharField(label=_("Region code"), max_length=6)
    affiliation = forms.CharField(label=_("works for (credit code)"), max_length=18, required=False)
    specialty = forms.CharField(label=_("specialty"), max_length=200, required=False)


class NeedForm(Form):
    title = forms.CharField(label=_("title"), max_length=200)
    region = forms.CharField(label=_("Region code"), max_length=6)
    township = forms.CharField(label=_("township or community"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("service category"))
    people = forms.IntegerField(label=_("people affected"), min_value=0, max_value=100_000_000)
    starts_on = DateField(label=_("from"))
    ends_on = DateField(label=_("to"))
    description = forms.CharField(label=_("description"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices()


class OfferForm(Form):
    uscc = forms.CharField(label=_("unified social credit code"), max_length=18)
    title = forms.CharField(label=_("title"), max_length=200)
    categories = forms.MultipleChoiceField(label=_("service categories"), widget=forms.CheckboxSelectMultiple)
    regions = forms.CharField(label=_("service area"), max_length=500,
                              help_text=_("Region codes separated by spaces, e.g. 530102 530103."))
    capacity = forms.IntegerField(label=_("capacity (people)"), min_value=0, max_value=100_000_000)
    starts_on = DateField(label=_("from"))
    ends_on = DateField(label=_("to"))
    description = forms.CharField(label=_("description"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = _category_choices()


class MatchCompleteForm(Form):
    people_served = forms.IntegerField(label=_("people served"), min_value=0, max_value=100_000_000)
    outcome = forms.CharField(label=_("outcome"), max_length=5000)
    completed_on = DateField(label=_("completed on"))
