"""Forms of the random-inspection pages: they parse input; inspections.services validates and writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socorg.core.forms import DateField, RefuseControlCharactersMixin, ServiceErrorsMixin
from socorg.registry.choices import AuthorityLevel, Category, OrgType

from .choices import ITEMS, PARTY_BUILDING_CODES, InspectionResult, ItemState


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the service checks each with activities.attachments.validate_upload)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class PlanForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=9999)
    region = forms.CharField(label=_("registration authority region"), max_length=6,
                             help_text=_("the 6-digit code of the registering bureau's region, e.g. 530102"))
    level = forms.ChoiceField(label=_("registration level"), choices=[("", _("the region's own level")),
                                                                      *AuthorityLevel.choices], required=False)
    share = forms.DecimalField(label=_("share to draw"), max_digits=5, decimal_places=4, required=False,
                               help_text=_("between 0 and 1, e.g. 0.05 for 5 %; or give the number below"))
    count = forms.IntegerField(label=_("number to draw"), min_value=1, required=False)
    below_minimum_reason = forms.CharField(label=_("reason for a share below the minimum"), required=False,
                                           max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    per_org = forms.IntegerField(label=_("inspectors per organization"), min_value=0, max_value=50, initial=2)
    max_per_inspector = forms.IntegerField(label=_("most organizations per inspector"), min_value=1,
                                           required=False)
    org_types = forms.MultipleChoiceField(label=_("types"), choices=OrgType.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple,
                                          help_text=_("none ticked: all types"))
    categories = forms.MultipleChoiceField(label=_("categories"), choices=Category.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text=_("none ticked: all categories"))
    registered_before = DateField(label=_("registered before"), required=False)
    active_only = forms.BooleanField(label=_("registered organizations only"), required=False, initial=True)
    items = forms.MultipleChoiceField(label=_("inspection items"), choices=ITEMS, required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text=_("party-building items are always checked"))
    accounts = forms.MultipleChoiceField(label=_("staff marked as inspectors"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    experts = forms.CharField(label=_("outside experts"), required=False, max_length=10_000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("one per line: name, unit (e.g. 王专家，云南大学)"))

    def __init__(self, *args, roster=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].choices = [(m.user.username, str(m)) for m in roster]
        self.fields["items"].initial = [code for code, _label in ITEMS]

    def clean_experts(self):
        experts = []
        for number, line in enumerate(self.cleaned_data["experts"].splitlines(), start=1):
            if not line.strip():
                continue
            name, separator, unit = line.replace("，", ",").partition(",")
            if not separator or not name.strip() or not unit.strip():
                raise ValidationError(_("Line %(n)d: write the name, a comma, then the unit.") % {"n": number})
            experts.append({"name": name.strip(), "unit": unit.strip()})
        return experts

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        inspectors = [{"username": u} for u in data.pop("accounts")] + data.pop("experts")
        items = data.pop("items") or list(PARTY_BUILDING_CODES)
        return {**data, "level": data["level"] or None, "inspectors": inspectors, "items": items}


class ConflictForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    inspector = forms.ChoiceField(label=_("inspector"))
    uscc = forms.CharField(label=_("unified social credit code"), max_length=18)
    reason = forms.CharField(label=_("reason"), max_length=500)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].choices = [(i.code, f"{i.name}（{i.unit}）") for i in plan.inspectors.all()]


class InspectionForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    """The checklist fields (item_<code>) are added for the plan's items."""

    inspected_on = DateField(label=_("inspection date"), required=False)
    inspectors_present = forms.MultipleChoiceField(label=_("inspectors present"), required=False,
                                                   widget=forms.CheckboxSelectMultiple)
    findings = forms.CharField(label=_("findings"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.ChoiceField(label=_("result"), choices=[("", "—"), *InspectionResult.choices], required=False)
    rectification_order = forms.CharField(label=_("rectification order"), required=False, max_length=2000,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    rectification_deadline = DateField(label=_("rectification deadline"), required=False)
    documents = MultipleFileField(label=_("documents"), required=False,
                                  help_text=_("inspection record, photos, the rectification notice (PDF, images, "
                                            "Office files)"))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["inspectors_present"].choices = [(i.code, f"{i.name}（{i.unit}）")
                                                     for i in plan.inspectors.all()]
        labels = dict(ITEMS)
        for code in plan.items:
            self.fields[f"item_{code}"] = forms.ChoiceField(
                label=labels.get(code, code), choices=[("", "—"), *ItemState.choices], required=False,
                widget=forms.RadioSelect)

    @property
    def item_fields(self):
        return [self[f"item_{code}"] for code in self.plan.items]

    @property
    def other_fields(self):
        return [self[name] for name in ("inspected_on", "inspectors_present", "findings", "result",
                                        "rectification_order", "rectification_deadline", "documents")]

    def add_error(self, field, error):
        if field == "checklist" and self.plan.items:
            field = f"item_{self.plan.items[0]}"
        super().add_error(field, error)

    def service_values(self) -> dict:
        data = self.cleaned_data
        checklist = {code: data[f"item_{code}"] for code in self.plan.items if data.get(f"item_{code}")}
        return {"inspected_on": data["inspected_on"], "inspectors_present": data["inspectors_present"],
                "checklist": checklist, "findings": data["findings"], "result": data["result"],
                "rectification_order": data["rectification_order"],
                "rectification_deadline": data["rectification_deadline"],
                "documents": data.get("documents") or []}

    @classmethod
    def initial_from(cls, inspection) -> dict:
        if inspection is None:
            return {"inspected_on": timezone.localdate()}
        initial = {"inspected_on": inspection.inspected_on, "findings": inspection.findings,
                   "result": inspection.result, "rectification_order": inspection.rectification_order,
                   "rectification_deadline": inspection.rectification_deadline,
                   "inspectors_present": [i.code for i in inspection.inspectors_present.all()]}
        initial.update({f"item_{code}": state for code, state in inspection.checklist.items()})
        return initial


class RectifiedForm(RefuseControlCharactersMixin, forms.Form):
    rectified_on = DateField(label=_("rectified on"), required=False)


class InspectorMarkForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    username = forms.CharField(label=_("user name"), max_length=150)
    name = forms.CharField(label=_("person's name"), max_length=64)
    unit = forms.CharField(label=_("unit"), max_length=200)
    region = forms.CharField(label=_("roster region"), max_length=6)
