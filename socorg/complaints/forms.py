"""Forms of the complaint pages: they parse input; complaints.services validates and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from socorg.core.forms import DateField, RefuseControlCharactersMixin, ServiceErrorsMixin

from .choices import STAFF_CHANNELS, Category, Channel, Outcome, ReplyMethod


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ComplaintForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    channel = forms.ChoiceField(label=_("channel"), choices=[(c.value, c.label) for c in STAFF_CHANNELS])
    received_on = DateField(label=_("received on"), required=False,
                            help_text=_("Empty means today."))
    organization_uscc = forms.CharField(label=_("credit code of the organization"), max_length=40, required=False)
    organization_name = forms.CharField(label=_("organization named"), max_length=200, required=False,
                                        help_text=_("If the credit code is unknown, the name as the complainant "
                                                    "gave it."))
    region = forms.CharField(label=_("Region code"), max_length=6, required=False,
                             help_text=_("Only when the organization is not in the registry: the region the "
                                         "complaint concerns."))
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    description = forms.CharField(label=_("description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    anonymous = forms.BooleanField(label=_("anonymous"), required=False)
    complainant_name = forms.CharField(label=_("complainant's name"), max_length=64, required=False)
    complainant_phone = forms.CharField(label=_("complainant's phone"), max_length=40, required=False)
    complainant_contact = forms.CharField(label=_("complainant's other contact"), max_length=200, required=False,
                                          help_text=_("Address or e-mail for the reply."))
    attachments = MultipleFileField(label=_("attachments"))


class AcceptForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(label=_("decision"), widget=forms.RadioSelect,
                                 choices=[("accept", _("Accept")), ("reject", _("Do not accept"))])
    decided_on = DateField(label=_("decided on"), required=False)
    reasons = forms.CharField(label=_("reasons for not accepting"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    assignee = forms.ChoiceField(label=_("investigator"))
    assigned_on = DateField(label=_("assigned on"), required=False)
    note = forms.CharField(label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, assignees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "—")] + [(str(u.pk), u.get_full_name() or u.username)
                                                         for u in assignees]


class InvestigateForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    findings = forms.CharField(label=_("investigation findings"), max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 4}))
    investigated_on = DateField(label=_("investigated on"), required=False)
    files = MultipleFileField(label=_("evidence files"))


class ConcludeForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    conclusion = forms.CharField(label=_("conclusion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    concluded_on = DateField(label=_("concluded on"), required=False)
    rectification_requirements = forms.CharField(label=_("rectification ordered"), max_length=2000, required=False,
                                                 widget=forms.Textarea(attrs={"rows": 2}))
    rectification_deadline = DateField(label=_("rectification deadline"), required=False)
    penalty = forms.CharField(label=_("penalty"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    referred_to = forms.CharField(label=_("referred to"), max_length=200, required=False)
    files = MultipleFileField(label=_("decision documents"))


class ReplyForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    method = forms.ChoiceField(label=_("reply method"), choices=ReplyMethod.choices)
    reply = forms.CharField(label=_("reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    replied_on = DateField(label=_("replied on"), required=False)


CHANNEL_LABELS = dict(Channel.choices)
