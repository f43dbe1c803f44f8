"""Forms of the registry pages. They parse input; registry.services validates and writes, and its field errors are
shown inline next to the fields (apply_service_errors)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from socorg.core.concurrency import VersionedFormMixin
from socorg.core.forms import DateField, DateInput, RefuseControlCharactersMixin, ServiceErrorsMixin
from socorg.core.pickers import region_picker
from socorg.core.scope import in_subtree, region_prefixes
from socorg.regions.models import Region

from . import rules
from .choices import AuthorityLevel, Category, OrgType
from .models import SocialOrganization
from .uscc import EXAMPLE as USCC_EXAMPLE
from .uscc import validate_uscc


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, region):
        return f"{region.code} {region.full_name}"


def regions_changeable_by(user):
    """Current regions inside the user's registry.change scope, for the authority-region drop-down."""
    prefixes = region_prefixes(user, "registry.change")
    regions = Region.objects.current().order_by("code")
    if not prefixes:
        return regions.none()
    if "" in prefixes:
        return regions
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= in_subtree("code", prefix)
    return regions.filter(condition)


class OrganizationForm(RefuseControlCharactersMixin, VersionedFormMixin, ServiceErrorsMixin, forms.Form):
    uscc = forms.CharField(label=_("unified social credit code"), max_length=64,
                           help_text=format_lazy(_("18 characters, e.g. {example}"), example=USCC_EXAMPLE))
    name = forms.CharField(label=_("name"), max_length=200)
    short_name = forms.CharField(label=_("short name"), max_length=100, required=False)
    org_type = forms.ChoiceField(label=_("type"), choices=OrgType.choices)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices, initial=Category.OTHER)
    authority_region = RegionChoiceField(label=_("registration authority region"), queryset=Region.objects.none(),
                                         to_field_name="code", widget=region_picker("registry.change"),
                                         help_text=_("type the region's name, pinyin or code and choose it"))
    authority_level = forms.ChoiceField(label=_("registration level"), required=False,
                                        choices=[("", _("(level of the region)")), *AuthorityLevel.choices])
    supervisor = forms.CharField(label=_("supervising unit"), max_length=200, required=False,
                                 help_text=_("Empty means direct registration."))
    registered_on = DateField(label=_("registration date"), required=False)
    declared_full_members = forms.IntegerField(label=_("declared full party members"), min_value=0, initial=0)
    declared_probationary_members = forms.IntegerField(label=_("declared probationary party members"), min_value=0,
                                                       initial=0)
    party_clause_in_charter = forms.BooleanField(label=_("party building in charter"), required=False)
    legal_representative = forms.CharField(label=_("legal representative"), max_length=64, required=False)
    phone = forms.CharField(label=_("phone"), max_length=32, required=False, validators=[rules.phone])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority_region"].queryset = regions_changeable_by(user)
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            if isinstance(field.widget, forms.Select):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)

    @classmethod
    def initial_from(cls, org: SocialOrganization) -> dict:
        initial = {name: getattr(org, name) for name in cls.base_fields if name != "authority_region"}
        initial["authority_region"] = org.authority_region_id
        return initial

    def clean(self):
        cleaned = super().clean()
        if "uscc" in cleaned:
            try:
                cleaned["uscc"] = validate_uscc(cleaned["uscc"], org_type=cleaned.get("org_type"))
            except ValidationError as error:
                self.add_error("uscc", error)
        return cleaned



class StatusChangeForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    date = DateField(label=_("date"), widget=DateInput(attrs={"class": "form-control"}))
    reason = forms.CharField(label=_("reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

