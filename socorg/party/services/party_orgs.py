"""Party organizations and the social organizations they cover.

The database-free rules (rank of the parent, formation against the number of organizations covered, term length and
order) are socorg.party.rules; here the ones that need the database:
- the name is unique, and the tree never has a cycle;
- 单独组建 (standalone) covers exactly one organization, so a second coverage is refused;
- a joint branch covering more than 5 organizations is allowed, but flagged (`too_wide`, `warnings_for`);
- only organizations in normal status get a new coverage; dates may not lie in the future (derived flags are
  maintained on write);
- the region is that of the leading committee, by default the registration region of the first covered
  organization, and must lie inside the actor's party.change scope; covered organizations must be visible to them.
Every change to coverages or to status / formation / functional flag refreshes the coverage flags in the same
transaction."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.audit import audit_changes, audit_write, snapshot
from socorg.core.concurrency import unique_race
from socorg.core.errors import FieldErrors, refuse_unknown_changes
from socorg.core.scope import ensure_in_scope
from socorg.core.text import pinyin_full, pinyin_initials
from socorg.coverage.state import refresh_coverage_flags
from socorg.registry import rules as registry_rules
from socorg.registry.models import SocialOrganization

from .. import rules
from ..choices import JOINT_BRANCH_MAX_ORGS, Formation, PartyOrgKind, PartyOrgStatus
from ..models import PartyCoverage, PartyOrganization, active_on
from ..rules import default_term_years
from ._common import (
    check_not_future,
    check_order,
    check_org_open,
    require_region,
    resolve_region,
    visible_organization_ids,
)

AUDITED_FIELDS = ["name", "kind", "formation", "is_functional", "parent", "region", "founded_on", "has_party_groups",
                  "secretary_name",
                  "secretary_vacant_since", "term_started_on", "term_years", "status", "status_changed_on"]
UPDATABLE_FIELDS = {"name", "kind", "formation", "is_functional", "parent", "region", "founded_on", "has_party_groups",
                    "secretary_name", "term_started_on", "term_years", "secretary_vacant_since"}
# Changing these changes which organizations count as covered.
COVERAGE_RELEVANT_FIELDS = {"formation", "is_functional", "status"}


def warnings_for(party_org: PartyOrganization) -> list[str]:
    """Conditions that are allowed but deserve attention (shown as badges and in API `warnings`)."""
    warnings = []
    if party_org.too_wide:
        warnings.append(_("This joint branch covers %(count)d organizations; a joint branch should cover at most "
                          "%(max)d.") % {"count": party_org.covered_count if hasattr(party_org, "covered_count")
                                         else active_coverages(party_org).count(), "max": JOINT_BRANCH_MAX_ORGS})
    if party_org.is_active and party_org.secretary_vacant:
        since = party_org.secretary_vacant_since
        warnings.append(_("The secretary post is vacant since %(date)s.") % {"date": since} if since
                        else _("The secretary post is vacant (since an unknown date)."))
    return warnings


def active_coverages(party_org: PartyOrganization):
    return party_org.coverages.filter(active_on())


# --- validation -----------------------------------------------------------------------------------------------

def _name_taken(name: str) -> str:
    return (_("A party organization named “%(name)s” already exists; names must be unique — add the organization's "
              "full name or place to tell them apart.") % {"name": name})


def _name_race(party_org: PartyOrganization):
    """For unique_race: a parallel request took the name between our check and our write."""
    def refusal():
        clash = PartyOrganization.objects.filter(name=party_org.name).exclude(pk=party_org.pk).exists()
        return ValidationError({"name": [_name_taken(party_org.name)]}) if clash else None
    return refusal


def _check_basics(errors: FieldErrors, values: dict, instance: PartyOrganization | None) -> None:
    name = values["name"] = errors.check("name", registry_rules.text, values["name"], label=_("name"),
                                         max_length=200, fallback="")
    if not name:
        if "name" not in errors:
            errors.add("name", _("Enter the full name of the party organization."))
    else:
        clash = PartyOrganization.objects.filter(name=name)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.add("name", _name_taken(name))
    if values["kind"] not in PartyOrgKind.values:
        errors.add("kind", _("Unknown kind “%(value)s”: expected one of %(choices)s.")
                   % {"value": values["kind"], "choices": ", ".join(PartyOrgKind.values)})
    if values["formation"] not in Formation.values:
        errors.add("formation", _("Unknown formation “%(value)s”: expected one of %(choices)s.")
                   % {"value": values["formation"], "choices": ", ".join(Formation.values)})
    errors.check("term_years", rules.term_years, values["term_years"], kind=values["kind"])
    check_not_future(errors, "founded_on", values["founded_on"])
    check_not_future(errors, "term_started_on", values["term_started_on"])
    errors.check("term_started_on", rules.term_order, term_started_on=values["term_started_on"],
                 founded_on=values["founded_on"])


def _ancestors_include(parent: PartyOrganization, target_pk: int) -> bool:
    """Walk up from `parent`: meeting `target_pk` means the new link would close a cycle."""
    seen, node_pk = set(), parent.pk
    while node_pk is not None and node_pk not in seen:
        if node_pk == target_pk:
            return True
        seen.add(node_pk)
        node_pk = PartyOrganization.objects.filter(pk=node_pk).values_list("parent_id", flat=True).first()
    return False


def _check_parent(errors: FieldErrors, parent: PartyOrganization | None, kind: str, actor,
                  instance: PartyOrganization | None) -> None:
    if parent is None:
        return
    if instance is not None and (parent.pk == instance.pk or _ancestors_include(parent, instance.pk)):
        errors.add("parent", _("“%(parent)s” is this party organization itself or one of its subordinates; the "
                               "parent must be a superior organization (the tree may not loop).")
                   % {"parent": parent.name})
        return
    if not PartyOrganization.objects.visible_to(actor, "view").filter(pk=parent.pk).exists():
        errors.add("parent", _("The parent party organization is not among those you may see."))
        return
    if parent.status != PartyOrgStatus.ACTIVE:
        errors.add("parent", _("“%(parent)s” is dissolved; choose an active parent.") % {"parent": parent.name})
    errors.check("parent", rules.parent_rank, parent_kind=parent.kind, kind=kind)


def _check_children_fit(errors: FieldErrors, instance: PartyOrganization, kind: str) -> None:
    if kind not in rules.KIND_RANK:
        return
    for child_kind in instance.children.filter(status=PartyOrgStatus.ACTIVE).values_list("kind", flat=True).distinct():
        if not rules.ranks_above(kind, child_kind):
            errors.add("kind", _("This organization leads a %(child)s, so it cannot become a %(kind)s; move its "
                                 "subordinate organizations first.")
                       % {"child": PartyOrgKind(child_kind).label, "kind": PartyOrgKind(kind).label})
            return


def _check_coverage_count(errors: FieldErrors, values: dict, count: int, field: str) -> None:
    errors.check(field, rules.coverage_count, kind=values["kind"], formation=values["formation"],
                 is_functional=values["is_functional"], count=count)


def _check_organizations(errors: FieldErrors, orgs: list[SocialOrganization], actor) -> None:
    visible = visible_organization_ids(actor, orgs)
    for org in orgs:
        if org.pk not in visible:
            errors.add("organizations", _("No social organization with the code %(uscc)s exists in your regions.")
                       % {"uscc": org.uscc})
        else:
            check_org_open(errors, "organizations", org)


# --- create / update / dissolve -------------------------------------------------------------------------------

def _apply_secretary(party_org: PartyOrganization, was_vacant: bool | None, vacant_since: datetime.date | None) -> None:
    """Empty secretary = vacant since the given day; filling the post clears the date. Without a given day the start
    is known only when the post is emptied now (today); a party organization created without a secretary, or a
    vacancy of unknown start, stays unknown (None: secretary_vacant warns at once, "起始日期不详")."""
    party_org.secretary_name = (party_org.secretary_name or "").strip()
    if party_org.secretary_name:
        party_org.secretary_vacant_since = None
    elif vacant_since:
        party_org.secretary_vacant_since = vacant_since
    elif was_vacant is False:
        party_org.secretary_vacant_since = timezone.localdate()


@transaction.atomic
def party_org_create(*, name: str, kind: str, formation: str, actor, is_functional: bool = False,
                     parent: PartyOrganization | None = None, region=None,
                     organizations: Iterable[SocialOrganization] = (), coverage_start_on: datetime.date | None = None,
                     founded_on: datetime.date | None = None, secretary_name: str = "",
                     secretary_vacant_since: datetime.date | None = None,
                     term_started_on: datetime.date | None = None, term_years: int | None = None,
                     has_party_groups: bool = False) -> PartyOrganization:
    """`term_years` empty: the kind's term length (party.rules.default_term_years: 党委 5, 总支 and 支部 3)."""
    orgs = list({o.pk: o for o in organizations}.values())
    if term_years is None:
        term_years = default_term_years(kind)
    values = {"name": (name or "").strip(), "kind": kind, "formation": formation, "is_functional": is_functional,
              "founded_on": founded_on, "term_started_on": term_started_on, "term_years": term_years}
    errors = FieldErrors()
    _check_basics(errors, values, None)
    secretary_name = errors.check("secretary_name", registry_rules.text, secretary_name, label=_("secretary"),
                                  max_length=64, fallback="")
    _check_parent(errors, parent, kind, actor, None)
    _check_organizations(errors, orgs, actor)
    if "formation" not in errors and "kind" not in errors:
        _check_coverage_count(errors, values, len(orgs), "organizations")
    start_on = coverage_start_on or founded_on or timezone.localdate()
    check_not_future(errors, "coverage_start_on", coverage_start_on)
    region = resolve_region(region) or (orgs[0].authority_region if orgs else None)
    if region is None:
        errors.add("region", _("Enter the region of the leading committee: it cannot be taken from a covered "
                               "organization because none is given."))
    errors.raise_if_any()
    require_region(actor, "party.change", region.code)

    party_org = PartyOrganization(**values, parent=parent, region=region, secretary_name=secretary_name,
                                  has_party_groups=has_party_groups,
                                  name_pinyin=pinyin_full(values["name"]),
                                  name_initials=pinyin_initials(values["name"]))
    _apply_secretary(party_org, None, secretary_vacant_since)  # None: no earlier state, the start is not known
    with unique_race(_name_race(party_org)):
        party_org.save()
    PartyCoverage.objects.bulk_create(
        [PartyCoverage(party_org=party_org, organization=o, start_on=start_on) for o in orgs])
    audit_write(action="party.org.create", obj=party_org, actor=actor,
                after={**snapshot(party_org, AUDITED_FIELDS), "organizations": [o.uscc for o in orgs]})
    refresh_coverage_flags([o.pk for o in orgs])
    ensure_in_scope(actor, party_org)
    return party_org


def _lock(party_org: PartyOrganization) -> PartyOrganization:
    return PartyOrganization.objects.select_for_update().get(pk=party_org.pk)


@transaction.atomic
def party_org_update(*, party_org: PartyOrganization, actor, **changes) -> PartyOrganization:
    """Change any of UPDATABLE_FIELDS; status changes go through party_org_dissolve."""
    refuse_unknown_changes("party_org_update", changes, UPDATABLE_FIELDS)
    require_region(actor, "party.change", party_org.region_id)
    locked = _lock(party_org)
    before = snapshot(locked, AUDITED_FIELDS)
    was_vacant = locked.secretary_vacant
    vacant_since = changes.pop("secretary_vacant_since", None)
    if "region" in changes:
        changes["region"] = resolve_region(changes["region"]) or locked.region
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    if "term_years" in changes and changes["term_years"] is None:
        changes["term_years"] = default_term_years(changes.get("kind", locked.kind))
    for field, value in changes.items():
        setattr(locked, field, value)

    values = {f: getattr(locked, f) for f in ("name", "kind", "formation", "is_functional", "founded_on",
                                              "term_started_on", "term_years")}
    errors = FieldErrors()
    _check_basics(errors, values, locked)
    if "secretary_name" in changes:
        locked.secretary_name = errors.check("secretary_name", registry_rules.text, locked.secretary_name,
                                             label=_("secretary"), max_length=64, fallback="")
    if "parent" in changes or "kind" in changes:
        _check_parent(errors, locked.parent, locked.kind, actor, locked)
    if "kind" in changes:
        _check_children_fit(errors, locked, locked.kind)
    if locked.is_active and "formation" not in errors and "kind" not in errors:
        _check_coverage_count(errors, values, active_coverages(locked).count(), "formation")
    errors.raise_if_any()
    require_region(actor, "party.change", locked.region_id)

    locked.name_pinyin, locked.name_initials = pinyin_full(locked.name), pinyin_initials(locked.name)
    _apply_secretary(locked, was_vacant, vacant_since)
    with unique_race(_name_race(locked)):
        locked.save()
    changed = audit_changes(action="party.org.update", obj=locked, actor=actor, before=before,
                            after=snapshot(locked, AUDITED_FIELDS))
    if changed & COVERAGE_RELEVANT_FIELDS:
        refresh_coverage_flags(active_coverages(locked).values_list("organization_id", flat=True))
    ensure_in_scope(actor, locked)
    return locked


@transaction.atomic
def party_org_dissolve(*, party_org: PartyOrganization, dissolved_on: datetime.date, actor) -> PartyOrganization:
    """Status 撤销 from `dissolved_on`; the coverages still open end that day. Subordinates must go first."""
    require_region(actor, "party.change", party_org.region_id)
    locked = _lock(party_org)
    errors = FieldErrors()
    if not dissolved_on:
        errors.add("dissolved_on", _("Enter the date the party organization was dissolved."))
    if locked.status == PartyOrgStatus.DISSOLVED:
        errors.add("dissolved_on", _("This party organization was already dissolved on %(date)s.")
                   % {"date": locked.status_changed_on})
    check_not_future(errors, "dissolved_on", dissolved_on)
    check_order(errors, "dissolved_on", dissolved_on, locked.founded_on, _("the founding date"))
    children = locked.children.filter(status=PartyOrgStatus.ACTIVE).count()
    if children:
        errors.add("dissolved_on", _("It still leads %(count)d active subordinate party organizations; dissolve "
                                     "them or move them to another parent first.") % {"count": children})
    errors.raise_if_any()

    open_coverages = list(locked.coverages.filter(end_on__isnull=True).select_for_update())
    for coverage in open_coverages:
        coverage.end_on = max(dissolved_on, coverage.start_on)
    PartyCoverage.objects.bulk_update(open_coverages, ["end_on"])
    before = snapshot(locked, AUDITED_FIELDS)
    locked.status, locked.status_changed_on = PartyOrgStatus.DISSOLVED, dissolved_on
    locked.save(update_fields=["status", "status_changed_on", "updated_at"])
    audit_write(action="party.org.dissolve", obj=locked, actor=actor,
                before={"status": before["status"], "status_changed_on": before["status_changed_on"]},
                after={"status": locked.status, "status_changed_on": dissolved_on,
                       "ended_coverages": [c.organization_id for c in open_coverages]})
    refresh_coverage_flags([c.organization_id for c in open_coverages])
    return locked


# --- coverages ----------------------------------------------------------------------------------------------------

@transaction.atomic
def coverage_add(*, party_org: PartyOrganization, organization: SocialOrganization,
                 start_on: datetime.date | None = None, actor) -> PartyCoverage:
    require_region(actor, "party.change", party_org.region_id)
    locked = _lock(party_org)
    start_on = start_on or timezone.localdate()
    errors = FieldErrors()
    if locked.status != PartyOrgStatus.ACTIVE:
        errors.add("organization", _("“%(name)s” is dissolved; a dissolved party organization covers no one.")
                   % {"name": locked.name})
    _check_organizations(errors, [organization], actor)
    if "organizations" in errors:
        errors["organization"] = errors.pop("organizations")
    check_not_future(errors, "start_on", start_on)
    check_order(errors, "start_on", start_on, locked.founded_on, _("the founding date of the party organization"))
    overlapping = locked.coverages.filter(organization=organization).exclude(end_on__lte=start_on).first()
    if overlapping:
        errors.add("organization", _("It already covers %(name)s from %(date)s.")
                   % {"name": organization.name, "date": overlapping.start_on})
    if locked.formation == Formation.STANDALONE:
        current = active_coverages(locked).select_related("organization").first()
        if current and not overlapping:
            errors.add("organization", _("A standalone (单独组建) party organization covers exactly one social "
                                         "organization, and this one already covers %(name)s; change the formation "
                                         "to joint to cover more.") % {"name": current.organization.name})
    errors.raise_if_any()

    coverage = PartyCoverage.objects.create(party_org=locked, organization=organization, start_on=start_on)
    audit_write(action="party.coverage.add", obj=coverage, actor=actor,
                after={"party_org": locked.pk, "organization": organization.uscc, "start_on": start_on})
    refresh_coverage_flags([organization.pk])
    return coverage


@transaction.atomic
def coverage_end(*, coverage: PartyCoverage, end_on: datetime.date | None = None, actor) -> PartyCoverage:
    party_org = coverage.party_org
    require_region(actor, "party.change", party_org.region_id)
    locked_org = _lock(party_org)
    locked = PartyCoverage.objects.select_for_update().get(pk=coverage.pk)
    end_on = end_on or timezone.localdate()
    errors = FieldErrors()
    if locked.end_on is not None:
        errors.add("end_on", _("This coverage already ended on %(date)s.") % {"date": locked.end_on})
    check_not_future(errors, "end_on", end_on)
    check_order(errors, "end_on", end_on, locked.start_on, _("the start of the coverage"))
    others = active_coverages(locked_org).exclude(pk=locked.pk).count()
    if (locked_org.is_active and others == 0 and locked.end_on is None
            and rules.requires_coverage(locked_org.kind, locked_org.formation, locked_org.is_functional)):
        errors.add("end_on", _("This is the last organization “%(name)s” covers, and it must cover at least one; "
                               "add the new organization first, or dissolve the party organization.")
                   % {"name": locked_org.name})
    errors.raise_if_any()

    locked.end_on = end_on
    locked.save(update_fields=["end_on"])
    audit_write(action="party.coverage.end", obj=locked, actor=actor, before={"end_on": None},
                after={"party_org": locked_org.pk, "organization_id": locked.organization_id, "end_on": end_on})
    refresh_coverage_flags([locked.organization_id])
    return locked
