"""UI forms: they only parse input (names, codes, dates) into the values the services take; the services validate.

Organizations are entered by USCC and party organizations by their exact (unique) name: a drop-down of a
province's or the nation's rows would be unusable, and both keys are what clerks have on paper."""

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from socorg.core.concurrency import VersionedFormMixin
from socorg.core.crypto import mask
from socorg.core.forms import DateField, RefuseControlCharactersMixin
from socorg.core.pickers import party_org_picker, region_picker
from socorg.registry import rules as registry_rules

from .choices import Formation, Gender, InstructorKind, Membership, PartyOrgKind
from .models import PartyOrganization
from .services import resolve_organization


class BootstrapMixin(RefuseControlCharactersMixin):
    """Bootstrap classes on every widget, control characters refused in text fields, and service errors mapped onto
    the fields that exist."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def apply_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            target = field if field in self.fields else None
            for e in errors:
                self.add_error(target, e if target else ValidationError(" ".join(e.messages)))

    def add_error(self, field, error):
        super().add_error(field, error)
        if field and field in self.fields and field != NON_FIELD_ERRORS:
            widget = self.fields[field].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def _date(label, **kwargs):
    return DateField(label=label, required=False, **kwargs)


def visible_party_org_named(user, name: str, field: str) -> PartyOrganization | None:
    name = (name or "").strip()
    if not name:
        return None
    party_org = PartyOrganization.objects.visible_to(user, "view").filter(name=name).first()
    if party_org is None:
        raise ValidationError({field: _("No party organization named “%(name)s” exists in your regions; enter its "
                                        "full name exactly.") % {"name": name}})
    return party_org


class PartyOrganizationForm(VersionedFormMixin, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=PartyOrgKind.choices)
    formation = forms.ChoiceField(label=_("formation"), choices=Formation.choices)
    is_functional = forms.BooleanField(label=_("functional party organization"), required=False)
    has_party_groups = forms.BooleanField(label=_("has party groups"), required=False,
                                          help_text=_("The branch is divided into party groups (党小组), which meet "
                                                      "monthly."))
    parent = forms.CharField(label=_("parent party organization"), required=False, max_length=200,
                             widget=party_org_picker(),
                             help_text=_("The superior party organization, if any: type part of its name or pinyin "
                                         "and choose it."))
    region = forms.CharField(label=_("region"), required=False, max_length=6, widget=region_picker("party.change"),
                             help_text=_("The leading committee's region; empty = the registration region of the "
                                         "first covered organization."))
    organizations = forms.CharField(label=_("covered social organizations"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=_("Unified social credit codes, one per line or separated by commas."))
    coverage_start_on = _date(_("covering since"), help_text=_("Empty = the founding date, or today."))
    founded_on = _date(_("founded on"))
    secretary_name = forms.CharField(label=_("secretary"), required=False, max_length=64,
                                     help_text=_("Empty means the post is vacant."))
    secretary_vacant_since = _date(_("secretary vacant since"),
                                   help_text=_("Only when the post is vacant; empty = today."))
    term_started_on = _date(_("current term started on"))
    term_years = forms.TypedChoiceField(
        label=_("term length"), coerce=int, required=False, empty_value=None,
        choices=[("", _("By kind (party committee 5 years, general branch and branch 3)")), (3, _("3 years")),
                 (5, _("5 years"))],
        help_text=_("5 years for a general branch or branch only where the higher committee approved it."))

    def __init__(self, *args, user, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if creating:
            del self.fields["secretary_vacant_since"]
        else:
            del self.fields["organizations"]
            del self.fields["coverage_start_on"]

    def clean_parent(self):
        try:
            return visible_party_org_named(self.user, self.cleaned_data["parent"], "parent")
        except ValidationError as error:
            raise ValidationError(error.message_dict["parent"]) from None

    def clean_organizations(self):
        codes = [c for c in re.split(r"[\s,，;；]+", self.cleaned_data.get("organizations") or "") if c]
        orgs, problems = [], []
        for code in codes:
            try:
                orgs.append(resolve_organization(code, self.user, "organizations"))
            except ValidationError as error:
                problems.extend(error.message_dict["organizations"])
        if problems:
            raise ValidationError(problems)
        return orgs

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        if "secretary_vacant_since" in values and not values["secretary_vacant_since"]:
            values.pop("secretary_vacant_since")
        return values

    @staticmethod
    def initial_for(party_org: PartyOrganization) -> dict:
        return {"name": party_org.name, "kind": party_org.kind, "formation": party_org.formation,
                "is_functional": party_org.is_functional, "has_party_groups": party_org.has_party_groups,
                "parent": party_org.parent.name if party_org.parent else "",
                "region": party_org.region_id, "founded_on": party_org.founded_on,
                "secretary_name": party_org.secretary_name, "secretary_vacant_since": party_org.secretary_vacant_since,
                "term_started_on": party_org.term_started_on, "term_years": party_org.term_years}


class MemberForm(VersionedFormMixin, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("full name"), max_length=64)
    gender = forms.ChoiceField(label=_("gender"), required=False, choices=[("", "—"), *Gender.choices])
    id_number = forms.CharField(label=_("ID number"), required=False, max_length=32,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    birth_date = _date(_("birth date"), help_text=_("Empty = taken from the ID number."))
    phone = forms.CharField(label=_("phone"), required=False, max_length=32, validators=[registry_rules.phone],
                            widget=forms.TextInput(attrs={"autocomplete": "off"}))
    membership = forms.ChoiceField(label=_("membership"), choices=Membership.choices)
    joined_on = _date(_("joined the party on"))
    probation_ends_on = _date(_("probation ends on"),
                              help_text=_("For probationary members; empty = one year after joining."))
    party_org = forms.CharField(label=_("party organization"), max_length=200,
                                widget=party_org_picker("members.change"),
                                help_text=_("Type part of the name or pinyin of the member's party organization and "
                                            "choose it."))
    employer = forms.CharField(label=_("employing social organization"), required=False, max_length=18,
                               help_text=_("Unified social credit code of the social organization."))
    is_full_time_staff = forms.BooleanField(
        label=_("full-time staff of the standing office"), required=False,
        help_text=_("Works full time in the employing organization's standing office (专职工作人员)."))

    def __init__(self, *args, user, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.member = user, member
        if member is not None:
            # Sensitive values are never sent back to the browser: empty keeps the stored value.
            keep = _("Leave empty to keep the stored value (%(masked)s).")
            self.fields["id_number"].help_text = keep % {"masked": mask(member.id_number) or "—"}
            self.fields["phone"].help_text = keep % {"masked": mask(member.phone) or "—"}

    def clean_party_org(self):
        try:
            return visible_party_org_named(self.user, self.cleaned_data["party_org"], "party_org")
        except ValidationError as error:
            raise ValidationError(error.message_dict["party_org"]) from None

    def clean_employer(self):
        code = self.cleaned_data.get("employer")
        if not code:
            return None
        try:
            return resolve_organization(code, self.user, "employer")
        except ValidationError as error:
            raise ValidationError(error.message_dict["employer"]) from None

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        if self.member is not None:
            for secret in ("id_number", "phone"):
                if not values[secret]:
                    values.pop(secret)
        return values

    @staticmethod
    def initial_for(member) -> dict:
        return {"name": member.name, "gender": member.gender, "birth_date": member.birth_date,
                "membership": member.membership, "joined_on": member.joined_on,
                "probation_ends_on": member.probation_ends_on, "party_org": member.party_org.name,
                "employer": member.employer.uscc if member.employer else "",
                "is_full_time_staff": member.is_full_time_staff}


class InstructorForm(VersionedFormMixin, BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=InstructorKind.choices)
    name = forms.CharField(label=_("full name"), max_length=64)
    unit_and_post = forms.CharField(label=_("unit and post"), required=False, max_length=200)
    phone = forms.CharField(label=_("phone"), required=False, max_length=32, validators=[registry_rules.phone],
                            widget=forms.TextInput(attrs={"autocomplete": "off"}))
    region = forms.CharField(label=_("dispatching region"), max_length=6, widget=region_picker("party.change"),
                             help_text=_("The region that sends the instructor: type its name, pinyin or code."))
    appointed_on = _date(_("appointed on"))

    def __init__(self, *args, instructor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instructor = instructor
        if instructor is not None:
            self.fields["phone"].help_text = _("Leave empty to keep the stored value (%(masked)s).") % {
                "masked": mask(instructor.phone) or "—"}

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        if self.instructor is not None and not values["phone"]:
            values.pop("phone")
        return values

    @staticmethod
    def initial_for(instructor) -> dict:
        return {"kind": instructor.kind, "name": instructor.name, "unit_and_post": instructor.unit_and_post,
                "region": instructor.region_id, "appointed_on": instructor.appointed_on}


class OrganizationDateForm(BootstrapMixin, forms.Form):
    """Cover or assign an organization (by USCC) from a date."""

    organization = forms.CharField(label=_("unified social credit code"), max_length=18)
    start_on = _date(_("from"), help_text=_("Empty = today."))


class DateForm(BootstrapMixin, forms.Form):
    """The date of an ending: coverage or assignment end, dissolution, leaving."""

    day = _date(_("date"), help_text=_("Empty = today."))
