"""FilterSets shared by the UI lists and the API: one definition of every filter."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from socorg.core.crypto import blind_index
from socorg.core.filtering import YesNoSelect, region_filter_widget
from socorg.core.filters import FilterSet, RegionCodeFilter
from socorg.core.search import narrowed, search, starting_with

from .choices import Formation, InstructorKind, InstructorStatus, Membership, PartyOrgKind, PartyOrgStatus
from .models import Instructor, InstructorAssignment, PartyCoverage, PartyMember, PartyOrganization, active_on
from .queries import instructors_for, members_for, party_orgs_for


def _name_search(queryset, value: str):
    return search(queryset, value)


class PartyOrganizationFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("name or pinyin"))
    region = RegionCodeFilter(field_name="region__code", label=_("region (code, with its subtree)"),
                              widget=region_filter_widget())
    kind = django_filters.ChoiceFilter(choices=PartyOrgKind.choices, label=_("kind"))
    formation = django_filters.ChoiceFilter(choices=Formation.choices, label=_("formation"))
    functional = django_filters.BooleanFilter(field_name="is_functional", label=_("functional"), widget=YesNoSelect)
    status = django_filters.ChoiceFilter(choices=PartyOrgStatus.choices, label=_("status"))
    covers = django_filters.CharFilter(method="filter_covers", label=_("covers (USCC)"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("parent party organization (id)"),
                                       widget=forms.HiddenInput)
    secretary_vacant = django_filters.BooleanFilter(method="filter_vacant", label=_("secretary vacant"),
                                                 widget=YesNoSelect)
    too_wide = django_filters.BooleanFilter(method="filter_too_wide", label=_("joint branch covering more than 5"),
                                         widget=YesNoSelect)
    ordering = django_filters.OrderingFilter(
        fields=(("name_pinyin", "name"), ("kind", "kind"), ("formation", "formation"), ("region_id", "region"),
                ("founded_on", "founded_on"), ("status", "status"),
                ("secretary_vacant_since", "secretary_vacant_since"), ("term_started_on", "term_started_on"),
                ("covered_count", "covered_count")),
        field_labels={"covered_count": _("covered organizations")},
        label=_("sort by"))

    class Meta:
        model = PartyOrganization
        fields = []

    def filter_q(self, queryset, name, value):
        return _name_search(queryset, value)

    def filter_covers(self, queryset, name, value):
        covering = PartyCoverage.objects.filter(active_on(), party_org=OuterRef("pk"),
                                           organization__uscc=value.strip().upper())
        return queryset.filter(Exists(covering))

    def filter_vacant(self, queryset, name, value):
        return queryset.filter(secretary_name="") if value else queryset.exclude(secretary_name="")

    def filter_too_wide(self, queryset, name, value):
        return queryset.too_wide(flagged=value)


def refuse_in_address(value):
    if value:
        raise ValidationError(_("Personal data is not sent in an address: look it up by POST (the “find” form on "
                                "the list, or POST …/find/ in the API) and filter by the key it returns."),
                              code="pii_in_url")


class PartyMemberFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("full name"))
    region = RegionCodeFilter(field_name="party_org__region__code", label=_("region (code, with its subtree)"),
                              widget=region_filter_widget())
    party_org = django_filters.NumberFilter(field_name="party_org_id", label=_("party organization (id)"),
                                          widget=forms.HiddenInput)
    employer = django_filters.CharFilter(field_name="employer__uscc", label=_("employer (USCC)"))
    membership = django_filters.ChoiceFilter(choices=Membership.choices, label=_("membership"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("active"), widget=YesNoSelect)
    # Personal data never travels in an address (it would land in logs, history and proxies): ID numbers are looked
    # up by POST (the list's "find by ID number" form, POST /api/v1/members/find/), which answers with the blind
    # index key; `id_number=` in a query string is refused.
    id_number = django_filters.CharFilter(method="filter_nothing", label=_("ID number"), widget=forms.HiddenInput,
                                          validators=[refuse_in_address])
    id_number_index = django_filters.CharFilter(field_name="id_number_index", widget=forms.HiddenInput,
                                                label=_("ID number (blind-index key)"))
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("membership", "membership"), ("joined_on", "joined_on"),
                ("party_org__name_pinyin", "party_org"), ("employer__name_pinyin", "employer"),
                ("is_active", "active")),
        label=_("sort by"))

    class Meta:
        model = PartyMember
        fields = []

    def filter_q(self, queryset, name, value):
        # the name contains the text as typed; found by the trigram or (two characters) the character-pair index;
        # the names starting with it (a surname: "张") are a part of the matches the name index reads by range
        return narrowed(queryset, Q(name__contains=value), probe=Q(name__infix=value),
                        subset=starting_with("name", value))

    def filter_nothing(self, queryset, name, value):
        return queryset  # refused by the field's validator before this runs


class InstructorFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("name or pinyin"))
    region = RegionCodeFilter(field_name="region__code", label=_("region (code, with its subtree)"),
                              widget=region_filter_widget())
    kind = django_filters.ChoiceFilter(choices=InstructorKind.choices, label=_("kind"))
    status = django_filters.ChoiceFilter(choices=InstructorStatus.choices, label=_("status"))
    organization = django_filters.CharFilter(method="filter_organization", label=_("assigned to (USCC)"))
    phone = django_filters.CharFilter(method="filter_nothing", label=_("phone"), widget=forms.HiddenInput,
                                      validators=[refuse_in_address])  # by POST only, as ID numbers
    phone_index = django_filters.CharFilter(field_name="phone_index", widget=forms.HiddenInput,
                                            label=_("phone (blind-index key)"))
    ordering = django_filters.OrderingFilter(
        fields=(("name_pinyin", "name"), ("kind", "kind"), ("region_id", "region"), ("appointed_on", "appointed_on"),
                ("status", "status")),
        label=_("sort by"))

    class Meta:
        model = Instructor
        fields = []

    def filter_q(self, queryset, name, value):
        return _name_search(queryset, value)

    def filter_organization(self, queryset, name, value):
        assigned = InstructorAssignment.objects.filter(active_on(), instructor=OuterRef("pk"),
                                                       organization__uscc=value.strip().upper())
        return queryset.filter(Exists(assigned))

    def filter_nothing(self, queryset, name, value):
        return queryset  # refused by the field's validator before this runs


def lookup_keys(data) -> dict[str, str]:
    """The blind-index filter keys for an ID number or a phone sent by POST (the `find` form and API action)."""
    from .services.instructors import phone_key

    keys = {}
    id_number = (data.get("id_number") or "").strip().upper()
    if id_number:
        keys["id_number_index"] = blind_index(id_number)
    phone = (data.get("phone") or "").strip()
    if phone:
        keys["phone_index"] = phone_key(phone) or "-"
    return keys


def party_org_list_filterset(data, user) -> PartyOrganizationFilter:
    return PartyOrganizationFilter(data, queryset=party_orgs_for(user))


def member_list_filterset(data, user) -> PartyMemberFilter:
    # The list shows no phone: do not decrypt one per row (employers are read without theirs, queries.member_rows).
    return PartyMemberFilter(data, queryset=members_for(user).defer("phone"))


def instructor_list_filterset(data, user) -> InstructorFilter:
    return InstructorFilter(data, queryset=instructors_for(user).defer("phone"))
