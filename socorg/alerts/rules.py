"""Early-warning rules as code.

Each rule is a class with a stable `code`, the `citation` it rests on (in Chinese, as the documents are), a default
`severity` and default `params`. `evaluate(as_of, region_prefix, params)` returns a Finding for every subject the
rule fires on, computed set-based: one query (occasionally two) per rule over the whole region, never one query per
branch. Records dated after `as_of` are ignored; member counts and secretary / term fields are the current ones
(the platform keeps no history of those).

Deployments tune rules without a release through alerts.RuleSetting (enabled, severity, params, citation); params
are validated against each rule's `param_specs`.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socorg.activities.choices import ActivityType
from socorg.activities.models import Activity
from socorg.party.choices import Formation, InstructorStatus, Membership, PartyOrgKind, PartyOrgStatus
from socorg.party.models import InstructorAssignment, PartyCoverage, PartyMember, PartyOrganization
from socorg.registry.choices import OrgStatus
from socorg.registry.models import SocialOrganization

from .choices import Severity, SubjectType
from .periods import PERIODS, add_months, add_years, last_full_period


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs ~1 s per 400,000 findings
class Finding:
    subject_id: int
    region_id: str
    name: str  # party organization name, or social organization name (for the message)
    evidence: dict[str, Any]
    episode: str = ""
    uscc: str = ""


@dataclass(frozen=True)
class Param:
    name: str
    label: Any
    default: Any
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = field(default_factory=tuple)

    def clean(self, value):
        if self.choices:
            if value not in self.choices:
                raise ValueError(_("expected one of: %(choices)s") % {"choices": ", ".join(self.choices)})
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(_("expected a whole number"))
        if self.minimum is not None and value < self.minimum:
            raise ValueError(_("expected at least %(min)d") % {"min": self.minimum})
        if self.maximum is not None and value > self.maximum:
            raise ValueError(_("expected at most %(max)d") % {"max": self.maximum})
        return value


# --- shared query pieces -------------------------------------------------------------------------------------

def _in_region(prefix: str, field: str = "region") -> Q:
    return Q(**{f"{field}__code__startswith": prefix}) if prefix else Q()


def party_orgs_active_on(as_of: datetime.date, prefix: str, prefix_field: str = "") -> Q:
    """Party organizations existing on `as_of`: founded by then, and not dissolved by then."""
    p = prefix_field
    return (
        (Q(**{f"{p}founded_on__isnull": True}) | Q(**{f"{p}founded_on__lte": as_of}))
        & (Q(**{f"{p}status": PartyOrgStatus.ACTIVE})
           | Q(**{f"{p}status": PartyOrgStatus.DISSOLVED, f"{p}status_changed_on__gt": as_of}))
        & _in_region(prefix, f"{p}region")
    )


def orgs_active_on(as_of: datetime.date, prefix: str) -> Q:
    """Social organizations registered by `as_of` and not deregistered or revoked by then."""
    return (
        (Q(registered_on__isnull=True) | Q(registered_on__lte=as_of))
        & (Q(status=OrgStatus.ACTIVE) | Q(status_changed_on__gt=as_of))
        & _in_region(prefix, "authority_region")
    )


def period_q(as_of: datetime.date, prefix: str = "") -> Q:
    """Coverage / assignment rows (start_on, end_on) in force on `as_of`."""
    return Q(**{f"{prefix}start_on__lte": as_of}) & (
        Q(**{f"{prefix}end_on__isnull": True}) | Q(**{f"{prefix}end_on__gt": as_of}))


def members_on(as_of: datetime.date):
    """Member rows belonging to their party organization on `as_of`."""
    return PartyMember.objects.filter(
        (Q(joined_on__isnull=True) | Q(joined_on__lte=as_of))
        & ((Q(is_active=True) & Q(left_on__isnull=True)) | Q(left_on__gt=as_of))
    )


def _date(value) -> str | None:
    return value.isoformat() if value else None


# --- the rule base class and registry ------------------------------------------------------------------------

class Rule:
    code: ClassVar[str]
    title: ClassVar[Any]
    explanation: ClassVar[Any]
    citation: ClassVar[str]
    severity: ClassVar[str] = Severity.MEDIUM
    subject_type: ClassVar[str] = SubjectType.PARTY_ORG
    param_specs: ClassVar[tuple[Param, ...]] = ()

    @property
    def default_params(self) -> dict:
        return {p.name: p.default for p in self.param_specs}

    def clean_params(self, params: dict | None) -> dict:
        """Defaults overlaid with `params`, each checked; ValidationError({"params": [...]}) names every problem."""
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise ValidationError({"params": _("Parameters must be a JSON object such as {\"months\": 3}.")})
        known = {p.name: p for p in self.param_specs}
        problems = [_("Unknown parameter “%(name)s”; this rule accepts: %(names)s.")
                    % {"name": name, "names": ", ".join(known) or _("none")} for name in params if name not in known]
        cleaned = self.default_params
        for name, value in params.items():
            if name in known:
                try:
                    cleaned[name] = known[name].clean(value)
                except ValueError as error:
                    problems.append(_("Parameter “%(name)s” is %(value)r: %(problem)s.")
                                    % {"name": name, "value": value, "problem": error})
        if problems:
            raise ValidationError({"params": problems})
        return cleaned

    def evaluate(self, as_of: datetime.date, region_prefix: str, params: dict) -> list[Finding]:
        raise NotImplementedError

    def message(self, finding: Finding, params: dict) -> str:
        raise NotImplementedError


RULES: dict[str, Rule] = {}


def register(cls: type[Rule]) -> type[Rule]:
    RULES[cls.code] = cls()
    return cls


def get_rule(code: str) -> Rule:
    return RULES[code]


# --- social-organization rules -------------------------------------------------------------------------------

@register
class ShouldBuildMissing(Rule):
    code = "should_build_missing"
    title = gettext_lazy("Should build a party organization, none built")
    explanation = gettext_lazy("An organization with at least the set number of full party members (3) must have "
                               "its own (standalone) party branch; a joint or functional organization does not "
                               "count.")
    citation = "《中国共产党章程》第三十条；《中国共产党支部工作条例（试行）》第六条"
    severity = Severity.HIGH
    subject_type = SubjectType.SOCIAL_ORG
    param_specs = (Param("min_full_members", gettext_lazy("full members from which a branch is required"), 3, 1, 50),)

    def evaluate(self, as_of, region_prefix, params):
        # Uncorrelated NOT IN (organization_id is never NULL): PostgreSQL hashes the set once instead of probing
        # per organization, which matters at a million organizations.
        standalone = PartyCoverage.objects.filter(
            period_q(as_of), party_orgs_active_on(as_of, "", "party_org__"),
            party_org__formation=Formation.STANDALONE, party_org__is_functional=False).values("organization_id")
        rows = (SocialOrganization.objects.filter(orgs_active_on(as_of, region_prefix),
                                                  full_members__gte=params["min_full_members"])
                .exclude(pk__in=standalone)
                .order_by().values_list("pk", "authority_region_id", "name", "uscc", "full_members"))
        return [Finding(pk, region, name, {"full_members": full, "min_full_members": params["min_full_members"]},
                        uscc=uscc) for pk, region, name, uscc, full in rows]

    def message(self, finding, params):
        return _("%(name)s has %(full)d full party members but no standalone party branch (one is required from "
                 "%(min)d full members).") % {"name": finding.name, "full": finding.evidence["full_members"],
                                              "min": finding.evidence["min_full_members"]}


@register
class NoWorkCoverage(Rule):
    code = "no_work_coverage"
    title = gettext_lazy("No party work coverage")
    explanation = gettext_lazy("An active organization is covered neither by a party organization (of any "
                               "formation, functional included) nor by an instructor or liaison on duty.")
    citation = "中共中央办公厅《关于加强社会组织党的建设工作的意见（试行）》（党的组织和工作有效覆盖）"
    severity = Severity.MEDIUM
    subject_type = SubjectType.SOCIAL_ORG

    def evaluate(self, as_of, region_prefix, params):
        covered = PartyCoverage.objects.filter(period_q(as_of), party_orgs_active_on(as_of, "", "party_org__")) \
            .values("organization_id")
        on_duty = Q(instructor__status=InstructorStatus.ON_DUTY) | Q(instructor__left_on__gt=as_of)
        assigned = InstructorAssignment.objects.filter(period_q(as_of), on_duty).values("organization_id")
        rows = (SocialOrganization.objects.filter(orgs_active_on(as_of, region_prefix))
                .exclude(pk__in=covered).exclude(pk__in=assigned)
                .order_by().values_list("pk", "authority_region_id", "name", "uscc", "registered_on"))
        return [Finding(pk, region, name, {"registered_on": _date(registered)}, uscc=uscc)
                for pk, region, name, uscc, registered in rows]

    def message(self, finding, params):
        return _("%(name)s is covered neither by a party organization nor by an instructor or liaison.") % {
            "name": finding.name}


# --- party-organization rules: officers and terms ------------------------------------------------------------

@register
class SecretaryVacant(Rule):
    code = "secretary_vacant"
    title = gettext_lazy("Secretary post vacant")
    explanation = gettext_lazy("The secretary post of an active party organization has been vacant longer than the "
                               "set number of months (a local standard; 3 by default).")
    citation = "地方标准：党组织书记空缺超过3个月列为软弱涣散基层党组织（可按本地规定调整）"
    severity = Severity.HIGH
    param_specs = (Param("months", gettext_lazy("months of vacancy tolerated"), 3, 0, 24),)

    def evaluate(self, as_of, region_prefix, params):
        cutoff = add_months(as_of, -params["months"])
        since_unknown = Q(secretary_vacant_since__isnull=True) & (Q(founded_on__isnull=True)
                                                                  | Q(founded_on__lt=cutoff))
        rows = (PartyOrganization.objects.filter(party_orgs_active_on(as_of, region_prefix), secretary_name="")
                .filter(Q(secretary_vacant_since__lt=cutoff) | since_unknown)
                .order_by().values_list("pk", "region_id", "name", "secretary_vacant_since"))
        return [Finding(pk, region, name, {"vacant_since": _date(since), "months": params["months"]},
                        episode=_date(since) or "") for pk, region, name, since in rows]

    def message(self, finding, params):
        since = finding.evidence["vacant_since"]
        if since:
            return _("The secretary post of %(name)s has been vacant since %(since)s, more than %(months)d months.") \
                % {"name": finding.name, "since": since, "months": finding.evidence["months"]}
        return _("The secretary post of %(name)s is vacant (since an unknown date).") % {"name": finding.name}


class _TermRule(Rule):
    """Shared by term_overdue and term_due_soon: the current term ends start + 3 or 5 years."""

    def _terms_ending_between(self, as_of, region_prefix, first: datetime.date, last: datetime.date):
        """Party organizations whose current term ends within [first, last] (exact check in Python after an
        indexed-column range filter per term length)."""
        condition = Q(pk__in=[])
        for years in (3, 5):
            condition |= Q(term_years=years, term_started_on__gte=add_years(first, -years) - datetime.timedelta(2),
                           term_started_on__lte=add_years(last, -years) + datetime.timedelta(2))
        rows = (PartyOrganization.objects.filter(party_orgs_active_on(as_of, region_prefix),
                                                 term_started_on__isnull=False)
                .filter(condition).order_by().values_list("pk", "region_id", "name", "term_started_on", "term_years"))
        for pk, region, name, started, years in rows:
            ends = add_years(started, years)
            if first <= ends <= last:
                yield Finding(pk, region, name, {"term_started_on": _date(started), "term_years": years,
                                                 "term_ends_on": _date(ends)}, episode=_date(ends))


@register
class TermOverdue(_TermRule):
    code = "term_overdue"
    title = gettext_lazy("Term expired, no election held")
    explanation = gettext_lazy("The current term of the party organization has ended (3 or 5 years after it "
                               "began) and no new term has been recorded. A delay needs the approval of the higher "
                               "organization and may not exceed one year.")
    citation = "《中国共产党基层组织选举工作条例》第四条（任期届满按期换届）"
    severity = Severity.HIGH
    param_specs = (Param("grace_days", gettext_lazy("days after the end of the term before the alert"), 0, 0, 365),)

    def evaluate(self, as_of, region_prefix, params):
        last = as_of - datetime.timedelta(days=1 + params["grace_days"])
        findings = list(self._terms_ending_between(as_of, region_prefix, datetime.date(1949, 10, 1), last))
        return findings

    def message(self, finding, params):
        return _("The term of %(name)s ended on %(ends)s; the election is overdue.") % {
            "name": finding.name, "ends": finding.evidence["term_ends_on"]}


@register
class TermDueSoon(_TermRule):
    code = "term_due_soon"
    title = gettext_lazy("Term ends soon")
    explanation = gettext_lazy("The current term ends within the set number of months (6 by default): the higher "
                               "organization reminds the branch to prepare the election.")
    citation = "《中国共产党基层组织选举工作条例》（上级党组织在任期届满前提醒按期换届）"
    severity = Severity.LOW
    param_specs = (Param("months", gettext_lazy("months before the end of the term"), 6, 1, 24),)

    def evaluate(self, as_of, region_prefix, params):
        return list(self._terms_ending_between(as_of, region_prefix, as_of, add_months(as_of, params["months"])))

    def message(self, finding, params):
        return _("The term of %(name)s ends on %(ends)s; prepare the election.") % {
            "name": finding.name, "ends": finding.evidence["term_ends_on"]}


# --- party-organization rules: organizational life -----------------------------------------------------------

class _ActivityShortfall(Rule):
    """Branches that held fewer than `min_count` activities of one type in the last full period.

    Only branches that existed for the whole period are checked. One query: an anti-join (or a counted correlated
    subquery when the minimum is above one) over the (party_org, type, date) index."""

    activity_type: ClassVar[str]
    fixed_period: ClassVar[str | None] = None

    def period_of(self, params) -> str:
        return self.fixed_period or params["period"]

    def min_count(self, params) -> int:
        return params.get("min_count", 1)

    def candidates(self, as_of, region_prefix, params, start):
        return PartyOrganization.objects.filter(
            party_orgs_active_on(as_of, region_prefix), kind=PartyOrgKind.BRANCH,
        ).filter(Q(founded_on__isnull=True) | Q(founded_on__lte=start))

    def evaluate(self, as_of, region_prefix, params):
        start, end, label = last_full_period(as_of, self.period_of(params))
        held = Activity.objects.filter(party_org=OuterRef("pk"), type=self.activity_type, date__gte=start,
                                       date__lte=end)
        rows = self.candidates(as_of, region_prefix, params, start)
        minimum = self.min_count(params)
        if minimum == 1:
            rows = rows.filter(~Exists(held)).annotate(held_count=Value(0, output_field=IntegerField()))
        else:
            counted = held.order_by().values("party_org").annotate(n=Count("pk")).values("n")
            rows = rows.annotate(held_count=Coalesce(Subquery(counted), Value(0), output_field=IntegerField()))
            rows = rows.filter(held_count__lt=minimum)
        last_held = (Activity.objects.filter(party_org=OuterRef("pk"), type=self.activity_type, date__lte=as_of)
                     .order_by().values("party_org").annotate(last=Max("date")).values("last"))
        rows = rows.annotate(last_held_on=Subquery(last_held)).order_by().values_list(
            "pk", "region_id", "name", "held_count", "last_held_on", *self.extra_columns())
        findings = []
        for pk, region, name, count, last, *extra in rows:
            evidence = {"period": label, "period_start": _date(start), "period_end": _date(end), "held": count,
                        "required": minimum, "last_held_on": _date(last), **dict(zip(self.extra_columns(), extra,
                                                                                         strict=True))}
            findings.append(Finding(pk, region, name, evidence, episode=label))
        return findings

    def extra_columns(self) -> tuple[str, ...]:
        return ()

    def message(self, finding, params):
        evidence = finding.evidence
        values = {"name": finding.name, "type": ActivityType(self.activity_type).label, "period": evidence["period"],
                  "held": evidence["held"], "required": evidence["required"],
                  "last": evidence["last_held_on"] or _("never recorded")}
        if evidence["required"] == 1:
            return _("%(name)s recorded no %(type)s in %(period)s (last one: %(last)s).") % values
        return _("%(name)s recorded %(held)d %(type)s in %(period)s; at least %(required)d are required (last one: "
                 "%(last)s).") % values


@register
class MemberAssemblyShortfall(_ActivityShortfall):
    code = "member_assembly_shortfall"
    title = gettext_lazy("No branch member assembly last quarter")
    explanation = gettext_lazy("A branch holds its member assembly (支部党员大会) at least once a quarter; none is "
                               "recorded for the last full quarter.")
    citation = "《中国共产党支部工作条例（试行）》第十九条"
    severity = Severity.MEDIUM
    activity_type = ActivityType.MEMBER_ASSEMBLY
    fixed_period = "quarter"


@register
class CommitteeMeetingShortfall(_ActivityShortfall):
    code = "committee_meeting_shortfall"
    title = gettext_lazy("No branch committee meeting last month")
    explanation = gettext_lazy("A branch with a committee (at least 7 full members) holds a committee meeting at "
                               "least once a month; none is recorded for the last full month.")
    citation = "《中国共产党支部工作条例（试行）》第八条、第十九条"
    severity = Severity.LOW
    activity_type = ActivityType.COMMITTEE_MEETING
    fixed_period = "month"
    param_specs = (Param("min_full_members", gettext_lazy("full members from which a branch has a committee"), 7, 1,
                         100),)

    def candidates(self, as_of, region_prefix, params, start):
        full_counts = (members_on(as_of).filter(membership=Membership.FULL, party_org=OuterRef("pk")).order_by()
                       .values("party_org").annotate(n=Count("pk")).values("n"))
        return (super().candidates(as_of, region_prefix, params, start)
                .annotate(full_members=Coalesce(Subquery(full_counts), Value(0), output_field=IntegerField()))
                .filter(full_members__gte=params["min_full_members"]))

    def extra_columns(self):
        return ("full_members",)


@register
class LectureShortfall(_ActivityShortfall):
    code = "lecture_shortfall"
    title = gettext_lazy("Too few party lectures")
    explanation = gettext_lazy("No national frequency is set for party lectures; local rules say once a quarter. "
                               "The period and the minimum number are configurable.")
    citation = "《中国共产党支部工作条例（试行）》第十九条；地方规定（每季度至少1次党课，可调整）"
    severity = Severity.LOW
    activity_type = ActivityType.PARTY_LECTURE
    param_specs = (Param("period", gettext_lazy("period"), "quarter", choices=PERIODS),
                   Param("min_count", gettext_lazy("minimum number per period"), 1, 1, 24))


@register
class AnnualLifeMeetingMissing(_ActivityShortfall):
    code = "annual_life_meeting_missing"
    title = gettext_lazy("No organizational life meeting last year")
    explanation = gettext_lazy("A branch holds an organizational life meeting (组织生活会) at least once a year; "
                               "none is recorded for the previous year.")
    citation = "《中国共产党支部工作条例（试行）》第二十条"
    severity = Severity.MEDIUM
    activity_type = ActivityType.LIFE_MEETING
    fixed_period = "year"


# --- party-organization rules: size --------------------------------------------------------------------------

@register
class JointBranchTooWide(Rule):
    code = "joint_branch_too_wide"
    title = gettext_lazy("Joint branch covers too many organizations")
    explanation = gettext_lazy("A joint branch should cover at most 5 organizations.")
    citation = "《中国共产党支部工作条例（试行）》第六条"
    severity = Severity.LOW
    param_specs = (Param("max_orgs", gettext_lazy("organizations a branch may cover"), 5, 1, 100),)

    def evaluate(self, as_of, region_prefix, params):
        rows = (PartyCoverage.objects.filter(period_q(as_of), party_orgs_active_on(as_of, region_prefix, "party_org__"),
                                        party_org__kind=PartyOrgKind.BRANCH)
                .values("party_org_id", "party_org__region_id", "party_org__name")
                .annotate(n=Count("organization_id", distinct=True)).filter(n__gt=params["max_orgs"]).order_by())
        return [Finding(r["party_org_id"], r["party_org__region_id"], r["party_org__name"],
                        {"organizations": r["n"], "max_orgs": params["max_orgs"]}) for r in rows]

    def message(self, finding, params):
        return _("%(name)s covers %(count)d organizations; a joint branch should cover at most %(max)d.") % {
            "name": finding.name, "count": finding.evidence["organizations"], "max": finding.evidence["max_orgs"]}


@register
class BranchTooLarge(Rule):
    code = "branch_too_large"
    title = gettext_lazy("Branch too large")
    explanation = gettext_lazy("A branch has at most about 50 members; a larger one should become a general branch "
                               "or split.")
    citation = "《中国共产党支部工作条例（试行）》第七条"
    severity = Severity.LOW
    param_specs = (Param("max_members", gettext_lazy("members a branch may have"), 50, 1, 1000),)

    def evaluate(self, as_of, region_prefix, params):
        rows = (members_on(as_of).filter(party_orgs_active_on(as_of, region_prefix, "party_org__"),
                                         party_org__kind=PartyOrgKind.BRANCH)
                .values("party_org_id", "party_org__region_id", "party_org__name")
                .annotate(n=Count("pk"), full=Count("pk", filter=Q(membership=Membership.FULL)))
                .filter(n__gt=params["max_members"]).order_by())
        return [Finding(r["party_org_id"], r["party_org__region_id"], r["party_org__name"],
                        {"members": r["n"], "full_members": r["full"], "max_members": params["max_members"]})
                for r in rows]

    def message(self, finding, params):
        return _("%(name)s has %(count)d members; a branch should have at most %(max)d.") % {
            "name": finding.name, "count": finding.evidence["members"], "max": finding.evidence["max_members"]}
