"""Forms of the annual-report pages: they parse input; reports.services validates and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from socorg.core.forms import RefuseControlCharactersMixin, ServiceErrorsMixin

from .choices import Conclusion
from .services import EDITABLE_FIELDS
from .synchronization import SyncEvent, SyncState

YES_NO_UNKNOWN = [("", _("Not stated")), ("true", _("Yes")), ("false", _("No"))]


def _money(label):
    return forms.DecimalField(label=label, max_digits=16, decimal_places=2, required=False,
                              widget=forms.NumberInput(attrs={"step": "0.01"}))


class AnnualReportForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    proposed_name = forms.CharField(label=_("new name (if it changed)"), max_length=200, required=False)
    proposed_supervisor = forms.CharField(label=_("new supervising unit (if it changed)"), max_length=200,
                                          required=False)
    proposed_legal_representative = forms.CharField(label=_("new legal representative (if it changed)"),
                                                    max_length=64, required=False)
    member_meetings_held = forms.IntegerField(label=_("member (representative) assemblies held"), min_value=0,
                                              max_value=1000, required=False)
    council_meetings_held = forms.IntegerField(label=_("council meetings held"), min_value=0, max_value=1000,
                                               required=False)
    election_on_time = forms.TypedChoiceField(label=_("board re-election held on time"), choices=YES_NO_UNKNOWN,
                                              coerce=lambda v: v == "true", empty_value=None, required=False)
    leader_changes = forms.CharField(label=_("changes of responsible persons"), required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    donation_income = _money(_("donation income"))
    government_income = _money(_("government grants and purchases"))
    service_income = _money(_("service and membership income"))
    other_income = _money(_("other income"))
    total_income = _money(_("total income"))
    total_expenditure = _money(_("total expenditure"))
    net_assets = _money(_("net assets at year end"))
    charitable_spending = _money(_("charitable activity spending"))
    activities_summary = forms.CharField(label=_("main activities"), required=False, max_length=5000,
                                         widget=forms.Textarea(attrs={"rows": 4}))
    party_building_comment = forms.CharField(
        label=_("comment on the party-building section"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("If a pre-filled figure is wrong, say so here: the bureau checks the registry. The figures "
                    "themselves cannot be changed in the report."))

    PROPOSED = {"proposed_name": "name", "proposed_supervisor": "supervisor",
                "proposed_legal_representative": "legal_representative"}

    @classmethod
    def initial_from(cls, report) -> dict:
        initial = {name: getattr(report, name) for name in EDITABLE_FIELDS if name != "proposed_changes"}
        initial["election_on_time"] = {True: "true", False: "false"}.get(report.election_on_time, "")
        for field, key in cls.PROPOSED.items():
            initial[field] = (report.proposed_changes or {}).get(key, "")
        return initial

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        proposed = {key: data.pop(field).strip() for field, key in self.PROPOSED.items() if data.get(field)}
        for field in self.PROPOSED:
            data.pop(field, None)
        data["proposed_changes"] = proposed
        return data

    def apply_service_errors(self, error):
        if hasattr(error, "error_dict") and "proposed_changes" in error.error_dict:
            error.error_dict.setdefault("__all__", []).extend(error.error_dict.pop("proposed_changes"))
        super().apply_service_errors(error)


class ReturnForm(RefuseControlCharactersMixin, forms.Form):
    reasons = forms.CharField(label=_("what must be corrected"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    conclusion = forms.ChoiceField(label=_("conclusion"), choices=Conclusion.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("reasons"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Required for anything but qualified."))


class SyncCheckForm(RefuseControlCharactersMixin, forms.Form):
    event = forms.ChoiceField(label=_("event"), choices=SyncEvent.choices)
    occasion = forms.CharField(label=_("occasion"), max_length=16, required=False)
    item = forms.CharField(label=_("item"), max_length=48)
    state = forms.ChoiceField(label=_("state"), choices=SyncState.choices)
    note = forms.CharField(label=_("note"), max_length=500, required=False)
    evidence = forms.FileField(label=_("evidence"), required=False)
