"""Forms of the organizational-life pages: they parse input; activities.services validates and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from socorg.core.concurrency import VersionedFormMixin
from socorg.core.forms import DateField, RefuseControlCharactersMixin, ServiceErrorsMixin
from socorg.core.pickers import party_org_picker

from .attachments import ALLOWED_TYPES
from .choices import ActivityType, AttachmentKind


class ActivityForm(RefuseControlCharactersMixin, VersionedFormMixin, ServiceErrorsMixin, forms.Form):
    party_org = forms.CharField(label=_("party organization"), max_length=200,
                                widget=party_org_picker("activities.change"),
                                help_text=_("type part of its name or pinyin and choose it"))
    type = forms.ChoiceField(label=_("type"), choices=ActivityType.choices)
    date = DateField(label=_("date"))
    topic = forms.CharField(label=_("topic"), max_length=200, required=False)
    expected_attendance = forms.IntegerField(label=_("expected attendance"), min_value=0, required=False)
    actual_attendance = forms.IntegerField(label=_("actual attendance"), min_value=0, required=False)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    @staticmethod
    def initial_from(activity) -> dict:
        return {"party_org": activity.party_org.name, "type": activity.type, "date": activity.date,
                "topic": activity.topic, "expected_attendance": activity.expected_attendance,
                "actual_attendance": activity.actual_attendance, "notes": activity.notes}


class AttachmentForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("file"), help_text=_("PDF, Word, Excel, OFD, JPEG or PNG"),
                           widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(ALLOWED_TYPES))}))
