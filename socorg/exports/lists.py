"""The lists that can be exported: for each, who may, how the list is built (the same function the list page
uses, so the same FilterSet, scope and default order) and the columns of the workbook."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socorg.activities.filters import activity_list_filterset
from socorg.activities.models import Activity
from socorg.alerts.filters import alert_list_filterset
from socorg.alerts.models import Alert
from socorg.alerts.rules import RULES
from socorg.party.filters import instructor_list_filterset, member_list_filterset, party_org_list_filterset
from socorg.party.models import Instructor, PartyMember, PartyOrganization
from socorg.registry.filters import org_list_filterset
from socorg.registry.listing import choice_labels
from socorg.registry.models import SocialOrganization


@dataclass(frozen=True)
class ExportList:
    title: object  # lazy text: the sheet and file name
    capability: str
    filterset: Callable  # (data, user) -> FilterSet
    model: type
    columns: Callable  # () -> [(header, row -> value)], built in the active language


def _label(model, field: str):
    labels = choice_labels(model, field)
    return lambda row: labels.get(getattr(row, field), getattr(row, field))


def _yes_no(value) -> str:
    return _("yes") if value else _("no")


def _org_columns():
    return [
        (_("unified social credit code"), lambda o: o.uscc),
        (_("name"), lambda o: o.name),
        (_("type"), _label(SocialOrganization, "org_type")),
        (_("category"), _label(SocialOrganization, "category")),
        (_("registration authority region"), lambda o: o.authority_region.full_name),
        (_("supervising unit"), lambda o: o.supervisor or _("direct registration")),
        (_("registration date"), lambda o: o.registered_on),
        (_("status"), _label(SocialOrganization, "status")),
        (_("full party members"), lambda o: o.full_members),
        (_("probationary party members"), lambda o: o.probationary_members),
        (_("organizationally covered"), lambda o: _yes_no(o.org_covered)),
        (_("work covered"), lambda o: _yes_no(o.work_covered)),
        (_("standalone party organization"), lambda o: _yes_no(o.standalone)),
    ]


def _party_org_columns():
    return [
        (_("name"), lambda p: p.name),
        (_("kind"), _label(PartyOrganization, "kind")),
        (_("formation"), _label(PartyOrganization, "formation")),
        (_("functional"), lambda p: _yes_no(p.is_functional)),
        (_("region"), lambda p: p.region.full_name),
        (_("parent party organization"), lambda p: p.parent.name if p.parent else ""),
        (_("founded on"), lambda p: p.founded_on),
        (_("secretary"), lambda p: p.secretary_name),
        (_("current term started on"), lambda p: p.term_started_on),
        (_("covered social organizations"), lambda p: p.covered_count),
        (_("status"), _label(PartyOrganization, "status")),
    ]


def _member_columns():
    return [
        (_("full name"), lambda m: m.name),
        (_("gender"), _label(PartyMember, "gender")),
        (_("membership"), _label(PartyMember, "membership")),
        (_("joined the party on"), lambda m: m.joined_on),
        (_("party organization"), lambda m: m.party_org.name),
        (_("employing social organization"), lambda m: m.employer.name if m.employer else ""),
        (_("active"), lambda m: _yes_no(m.is_active)),
    ]


def _instructor_columns():
    return [
        (_("full name"), lambda i: i.name),
        (_("kind"), _label(Instructor, "kind")),
        (_("unit and post"), lambda i: i.unit_and_post),
        (_("dispatching region"), lambda i: i.region.full_name),
        (_("appointed on"), lambda i: i.appointed_on),
        (_("status"), _label(Instructor, "status")),
        (_("assigned to"), lambda i: "、".join(a.organization.name for a in i.current_assignments)),
    ]


def _activity_columns():
    return [
        (_("date"), lambda a: a.date),
        (_("type"), _label(Activity, "type")),
        (_("party organization"), lambda a: a.party_org.name),
        (_("region"), lambda a: a.party_org.region.full_name),
        (_("topic"), lambda a: a.topic),
        (_("expected attendance"), lambda a: a.expected_attendance),
        (_("actual attendance"), lambda a: a.actual_attendance),
    ]


def _alert_columns():
    return [
        (_("rule"), lambda a: str(RULES[a.rule].title) if a.rule in RULES else a.rule),
        (_("severity"), _label(Alert, "severity")),
        (_("status"), _label(Alert, "status")),
        (_("party organization"), lambda a: a.party_org.name if a.party_org else ""),
        (_("social organization"), lambda a: a.organization.name if a.organization else ""),
        (_("region"), lambda a: a.region.full_name),
        (_("opened on"), lambda a: a.opened_on),
        (_("deadline"), lambda a: a.deadline),
        (_("assignee"), lambda a: str(a.assignee) if a.assignee else ""),
        (_("message"), lambda a: a.message),
    ]


LISTS = {
    "orgs": ExportList(gettext_lazy("Social organizations"), "registry.view", org_list_filterset,
                       SocialOrganization, _org_columns),
    "party_orgs": ExportList(gettext_lazy("Party organizations"), "party.view", party_org_list_filterset,
                             PartyOrganization, _party_org_columns),
    "members": ExportList(gettext_lazy("Party members"), "members.view", member_list_filterset, PartyMember,
                          _member_columns),
    "instructors": ExportList(gettext_lazy("Party-building instructors"), "party.view", instructor_list_filterset,
                              Instructor, _instructor_columns),
    "activities": ExportList(gettext_lazy("Organizational life"), "activities.view", activity_list_filterset,
                             Activity, _activity_columns),
    "alerts": ExportList(gettext_lazy("Early warning"), "alerts.view", alert_list_filterset, Alert, _alert_columns),
}
