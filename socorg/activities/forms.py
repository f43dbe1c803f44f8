"""Forms of the organizational-life pages: they parse input; activities.services validates and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from socorg.core.concurrency import VersionedFormMixin
from socorg.core.forms import DateField, ServiceErrorsMixin
from socorg.party.choices import PartyOrgStatus
from socorg.party.models import PartyOrganization

from .attachments import ALLOWED_TYPES
from .choices import ActivityType, AttachmentKind

SELECT_LIMIT = 300


def party_orgs_for_activities(user):
    """Party organizations the user may record activities for (the form's drop-down), active ones only."""
    return (PartyOrganization.objects.visible_to(user, "change", domain="activities")
            .filter(status=PartyOrgStatus.ACTIVE).order_by("name_pinyin", "name"))


class ActivityForm(VersionedFormMixin, ServiceErrorsMixin, forms.Form):
    party_org = forms.ModelChoiceField(label=_("party organization"), queryset=PartyOrganization.objects.none())
    type = forms.ChoiceField(label=_("type"), choices=ActivityType.choices)
    date = DateField(label=_("date"))
    topic = forms.CharField(label=_("topic"), max_length=200, required=False)
    expected_attendance = forms.IntegerField(label=_("expected attendance"), min_value=0, required=False)
    actual_attendance = forms.IntegerField(label=_("actual attendance"), min_value=0, required=False)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = party_orgs_for_activities(user)
        if choices[:SELECT_LIMIT + 1].count() > SELECT_LIMIT:
            # A province's thousands of branches make a drop-down unusable: type the exact name instead.
            self.fields["party_org"] = forms.CharField(
                label=_("party organization"), max_length=200,
                help_text=_("the full name of the party organization, exactly as registered"))
        else:
            self.fields["party_org"].queryset = choices

    @staticmethod
    def initial_from(activity) -> dict:
        return {"party_org": activity.party_org, "type": activity.type, "date": activity.date,
                "topic": activity.topic, "expected_attendance": activity.expected_attendance,
                "actual_attendance": activity.actual_attendance, "notes": activity.notes}


class AttachmentForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("file"), help_text=_("PDF, Word, Excel, OFD, JPEG or PNG"),
                           widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(ALLOWED_TYPES))}))
