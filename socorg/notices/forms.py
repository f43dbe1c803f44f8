"""Forms of the notice pages: they parse input; notices.services validates and writes."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from socorg.accounts.roles import Role
from socorg.core.forms import DateField, RefuseControlCharactersMixin, ServiceErrorsMixin
from socorg.core.pickers import region_picker
from socorg.party.models import ResponsibleBody
from socorg.regions.models import Region
from socorg.registry.choices import Category, OrgType
from socorg.registry.models import SocialOrganization

from .choices import ResponseKind
from .queries import AUDIENCE_ROLES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class NoticeForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    body = forms.CharField(label=_("body"), widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("Plain text keeps its paragraphs. Simple HTML is allowed (paragraphs, bold, "
                                           "lists, tables, links); scripts and styles are removed."))
    region = forms.CharField(label=_("audience region"), widget=region_picker("notices.send"),
                             help_text=_("The notice goes to the accounts of this region and the regions "
                                             "below it."))
    roles = forms.MultipleChoiceField(label=_("only these roles"), required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      choices=[(r.value, r.label) for r in AUDIENCE_ROLES],
                                      help_text=_("None ticked: every role."))
    org_types = forms.MultipleChoiceField(label=_("only organizations of these types"), required=False,
                                          widget=forms.CheckboxSelectMultiple, choices=OrgType.choices)
    categories = forms.MultipleChoiceField(label=_("only organizations of these categories"), required=False,
                                           widget=forms.CheckboxSelectMultiple, choices=Category.choices)
    bodies = forms.ModelMultipleChoiceField(label=_("only organizations these party bodies are responsible for"),
                                            queryset=ResponsibleBody.objects.none(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    organizations = forms.CharField(
        label=_("or exactly these organizations"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Credit codes, one per line or separated by commas; the notice then goes to these "
                        "organizations' accounts only."))
    pinned = forms.BooleanField(label=_("pinned at the top"), required=False)
    expires_on = DateField(label=_("shown until"), required=False,
                           help_text=_("Empty: shown until withdrawn."))
    response_kind = forms.ChoiceField(label=_("response asked for"), choices=ResponseKind.choices,
                                      initial=ResponseKind.NONE)
    response_due_on = DateField(label=_("response deadline"), required=False)
    remind_after_days = forms.IntegerField(label=_("remind unread after (days)"), min_value=0, max_value=90,
                                           initial=3, help_text=_("0: no reminder."))
    attachments = MultipleFileField(label=_("attachments"), required=False,
                                    help_text=_("PDF, Word, Excel, OFD, pictures or text; up to 10 files."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bodies"].queryset = ResponsibleBody.objects.visible_to(user, "view").order_by("name")
        self.fields["roles"].choices = [(r.value, Role(r).label) for r in AUDIENCE_ROLES]

    def clean_region(self):
        code = (self.cleaned_data["region"] or "").strip()
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(gettext("No region has the code “%(code)s”; choose one from the suggestions.")
                                        % {"code": code})
        return region

    def clean_organizations(self):
        text = (self.cleaned_data.get("organizations") or "").upper()
        codes = [c for c in text.replace("，", ",").replace("、", ",").replace("\n", ",").replace(" ", ",")
                 .split(",") if c.strip()]
        codes = list(dict.fromkeys(c.strip() for c in codes))
        if len(codes) > 5000:
            raise forms.ValidationError(gettext("At most 5,000 organizations; for more, choose a region and filters."))
        found = {o.uscc: o for o in SocialOrganization.objects.filter(uscc__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(gettext("No organization has these credit codes: %(codes)s.")
                                        % {"codes": "、".join(unknown[:10])})
        return [found[c] for c in codes]

    @staticmethod
    def initial_from(notice) -> dict:
        return {
            "title": notice.title, "body": notice.body, "region": notice.region_id, "roles": notice.roles,
            "org_types": notice.org_types, "categories": notice.categories, "bodies": list(notice.bodies.all()),
            "organizations": "\n".join(notice.organizations.values_list("uscc", flat=True)),
            "pinned": notice.pinned, "expires_on": notice.expires_on, "response_kind": notice.response_kind,
            "response_due_on": notice.response_due_on, "remind_after_days": notice.remind_after_days,
        }


class ResponseForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    reply = forms.CharField(label=_("your reply"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("file"), required=False)
