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
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Max,
    Q,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, JSONObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socorg.activities.choices import ActivityType
from socorg.activities.models import Activity, Attendance, DuesPayment
from socorg.core.scope import in_subtree, subtree_sql
from socorg.party.choices import Formation, Membership, PartyOrgKind
from socorg.party.models import (
    InstructorAssignment,
    PartyCoverage,
    PartyMember,
    PartyOrganization,
    active_on,
    instructor_on_duty_q,
    party_org_active_q,
)
from socorg.registry.models import SocialOrganization, org_active_q

from .choices import Severity, SubjectType
from .models import ScanActivityTally, ScanMemberTally
from .periods import PERIODS, add_months, add_years, last_full_period, period_label

# --- citations -------------------------------------------------------------------------------------------------
# Checked (issue #11, against the published texts):
# - 《中国共产党支部工作条例（试行）》(中共中央 2018): 第四条 (≥ 3 full members form a branch; a branch has at most
#   about 50 members), 第五条 (joint branch: at most 5 units), 第十一条 (member assembly quarterly), 第十二条 (committee
#   meeting monthly), 第十三条 (party-group meeting monthly), 第十七条 (organizational-life meeting yearly),
#   第二十一条 (branch committee terms; vacancies filled promptly).
# - 《中国共产党章程》(2022) 第三十一条 (基层委员会 terms 3 to 5 years) and 第九条 (6 consecutive months without
#   organizational life or dues without good reason: regarded as having left the party).
# - 中共中央办公厅《关于党的基层组织任期的意见》(2018) 一 (基层党委 5 years, 总支 and 支部 3) and 二 (elect on time;
#   a delay or advance needs the higher committee's approval and is limited to 1 year).
# Document level only (no article checked; the citation names none): 《中国共产党党员教育管理工作条例》(2019) for the
# monthly 主题党日 and the yearly 民主评议党员; 中办《关于加强社会组织党的建设工作的意见（试行）》(2015) for coverage.
# Practice, not regulation (the citation says so): the reminder 6 months before a term ends; the early warning 3
# months into a lapse. Local standards (the citation says so; a deployment names its own document and locality in
# RuleSetting.citation): the 3-month secretary vacancy, the quarterly party lecture.
ZBTL = "《中国共产党支部工作条例（试行）》（2018）"
PARTY_CONSTITUTION = "《中国共产党章程》"
EDUCATION_REGULATION = "《中国共产党党员教育管理工作条例》（2019）"
TERM_CITATION = (PARTY_CONSTITUTION + "第三十一条（任期3年至5年）；中共中央办公厅《关于党的基层组织任期的意见》（2018）"
                 "一（基层党委每届5年，总支和支部每届3年）、二（按期换届，延期或提前须经上级党委批准，一般不超过1年）；"
                 + ZBTL + "第二十一条（支部委员会任期）")


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs ~1 s per 400,000 findings
class Finding:
    subject_id: int
    region_id: str
    name: str  # party organization name, or social organization name (for the message)
    evidence: dict[str, Any]
    episode: str = ""
    uscc: str = ""
    message: str = ""  # set by set-based rules (computed in SQL with the finding)


# The columns of a set-based rule's findings query (Rule.findings_query), in this order.
FINDING_COLUMNS = ("finding_subject", "finding_region", "finding_name", "finding_evidence", "finding_episode",
                   "finding_message")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def sql_format(template: str, **values):
    """The SQL expression of `template % values` for a (translated) message template with %(name)s / %(name)d
    placeholders, each value an expression: one translation, applied to every row in the database."""
    parts, position = [], 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > position:
            parts.append(Value(template[position:match.start()]))
        parts.append(Value("%") if match.group(0) == "%%" else values[match.group(1)])
        position = match.end()
    if position < len(template):
        parts.append(Value(template[position:]))
    if len(parts) == 1:
        return parts[0]
    return _FlatConcat(*(part if isinstance(part, Value) else Coalesce(part, Value("")) for part in parts))


class _FlatConcat(Func):
    """a || b || c, flat: Django's Concat nests one pair per part, and on SQLite a long message nested that deep
    inside the scan's join overflowed the SQL parser's stack."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = TextField()


def as_text(expression):
    """A date or number column as the text Python's str() gives (ISO dates), for messages built in SQL."""
    return Cast(expression, CharField())


@dataclass(frozen=True)
class Param:
    name: str
    label: Any
    default: Any
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = field(default_factory=tuple)
    # A threshold shared with another part of the platform lives in one deployment setting (this is its name):
    # the rule reads it and RuleSetting.params may not set a different value.
    setting: str = ""

    def current_default(self):
        return getattr(settings, self.setting) if self.setting else self.default

    def clean(self, value):
        if self.setting and value != self.current_default():
            raise ValueError(_("it is the deployment setting %(setting)s (%(value)s), shared with the coverage "
                               "figures; change that setting instead") % {"setting": self.setting,
                                                                          "value": self.current_default()})
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
    return in_subtree(f"{field}__code", prefix)


def party_orgs_active_on(as_of: datetime.date, prefix: str, prefix_field: str = "") -> Q:
    """Party organizations in force on `as_of` (party.models.party_org_active_q) within the region prefix."""
    return party_org_active_q(prefix_field, as_of) & _in_region(prefix, f"{prefix_field}region")


def orgs_active_on(as_of: datetime.date, prefix: str) -> Q:
    """Social organizations in force on `as_of` (registry.models.org_active_q) within the region prefix."""
    return org_active_q("", as_of) & _in_region(prefix, "authority_region")


def period_q(as_of: datetime.date, prefix: str = "") -> Q:
    """Coverage / assignment rows in force on `as_of` (party.models.active_on)."""
    return active_on(prefix, as_of)


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
        return {p.name: p.current_default() for p in self.param_specs}

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

    def findings_query(self, as_of: datetime.date, region_prefix: str, params: dict):
        """Set-based rules return a queryset of FINDING_COLUMNS (subject id, region code, name, evidence as a JSON
        object, occurrence, message), built with `finding_values`: the scan then writes its alerts with INSERT …
        SELECT, without a round trip through Python. None: the rule computes its findings in Python (evaluate)."""
        return None

    def evaluate(self, as_of: datetime.date, region_prefix: str, params: dict) -> list[Finding]:
        query = self.findings_query(as_of, region_prefix, params)
        if query is None:
            raise NotImplementedError
        return [Finding(subject, region, name, evidence, episode, message=message)
                for subject, region, name, evidence, episode, message in query]

    def message(self, finding: Finding, params: dict) -> str:
        if self.findings_query.__func__ is not Rule.findings_query:  # set-based: computed with the finding
            return finding.message
        raise NotImplementedError

    @staticmethod
    def finding_values(rows, *, region: str, name: str, evidence: dict, message, episode=None, subject: str = "pk"):
        """`rows` reduced to FINDING_COLUMNS; `evidence` maps keys to expressions (kept in this order, as the
        evidence dict of a finding computed in Python would be)."""
        return rows.annotate(
            finding_subject=F(subject), finding_region=F(region), finding_name=F(name),
            finding_evidence=JSONObject(**evidence), finding_episode=episode if episode is not None else Value(""),
            finding_message=message,
        ).order_by().values_list(*FINDING_COLUMNS)


RULES: dict[str, Rule] = {}


def register(cls: type[Rule]) -> type[Rule]:
    RULES[cls.code] = cls()
    return cls


def get_rule(code: str) -> Rule:
    return RULES[code]


_memo: ContextVar[dict | None] = ContextVar("alerts_rule_memo", default=None)


@contextmanager
def shared_evaluation():
    """Within one scan (alerts.scan.run_scan) rules may share an intermediate result computed from the same data,
    e.g. the member records both 党章第九条 rules read, or a tally table (see _tally); outside it nothing is kept."""
    token = _memo.set({})
    try:
        yield
    finally:
        tables = _memo.get().get(_TALLY_TABLES, {})
        _memo.reset(token)
        _drop_tallies(tables)


def shared(key: tuple, compute):
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


_TALLY_TABLES = "tally tables"


def _drop_tallies(tables) -> None:
    """Drop the scan's tally tables (a failed transaction took them with it already)."""
    if tables and not connection.needs_rollback:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _tally(model, key: tuple, rows, columns: list[str]) -> None:
    """Fill `model`'s temporary table from the queryset `rows` (giving `columns`), once per scan for the same
    `key`; outside a scan at every call. The table lives in the database session: within a scan
    the rules that read it join it (each rule in its own transaction; the first to need it creates it and commits
    it with its own work), and the scan drops it at its end."""
    memo = _memo.get()
    table = model._meta.db_table
    if memo is not None and memo.get(_TALLY_TABLES, {}).get(table) == key:
        return
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        if connection.vendor == "postgresql":
            # CREATE TABLE … AS may run its SELECT as a parallel plan, INSERT … SELECT may not (PostgreSQL 15): the
            # national activity tally 7.4 s → 4.1 s at load 4.7 (benchmarks/README.md, alerts). No key: the rules
            # only join the table (hash joins), so a unique index would be upkeep for nothing.
            cursor.execute(f"CREATE TEMPORARY TABLE {table} ({', '.join(columns)}) AS {sql}", params)
            cursor.execute(f"ANALYZE {table}")  # temporary tables are never analysed automatically
        else:
            fields = model._meta.concrete_fields
            definition = ", ".join(f"{f.column} {f.db_type(connection) if not f.remote_field else 'bigint'}"
                                   f"{' PRIMARY KEY' if f.primary_key else '' if f.null else ' NOT NULL'}"
                                   for f in fields)
            cursor.execute(f"CREATE TEMPORARY TABLE {table} ({definition})")
            cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {sql}", params)
    if memo is not None:
        memo.setdefault(_TALLY_TABLES, {})[table] = key


def activity_tally(as_of: datetime.date, region_prefix: str, activity_type: str, period: str) -> None:
    """The activity rules' shared pass over the activities (alerts.models.ScanActivityTally): per branch and type of
    an activity rule, the number held in the rule's last full period — the period of `activity_type` is `period`,
    the others' as configured — and the last date up to `as_of`. One grouped pass for the seven rules (in the order
    of the (party_org, type, date) index: no hash table, as fast as the bare max(date) per branch), instead of
    index probes per branch and rule."""
    from .config import rule_configs

    periods = {config.rule.activity_type: config.rule.period_of(config.params) for config in rule_configs().values()
               if isinstance(config.rule, _ActivityShortfall)}
    periods[activity_type] = period
    ranges = {type_: last_full_period(as_of, periods[type_])[:2] for type_ in sorted(periods)}
    in_period = Q(pk__in=[])
    for dates in sorted(set(ranges.values())):  # per distinct period: the date range first, the cheaper test
        in_period |= Q(date__range=dates) & Q(type__in=[type_ for type_, other in ranges.items() if other == dates])
    rows = Activity.objects.filter(_in_region(region_prefix, "party_org__region"), date__lte=as_of)
    if set(ranges) != set(ActivityType.values):  # (today every type has its rule: no filter to test per row)
        rows = rows.filter(type__in=list(ranges))
    rows = (rows.order_by().values("party_org_id", "type")
            # COUNT(date), not COUNT(id): every column read is in the index, so the pass is an index-only scan.
            .annotate(n=Count("date", filter=in_period), last=Max("date"))
            .values_list("party_org_id", "type", "n", "last"))
    _tally(ScanActivityTally, (as_of, region_prefix, tuple(ranges.items())), rows,
           ["party_org_id", "type", "held", "last_date"])


def member_tally(as_of: datetime.date, region_prefix: str) -> None:
    """Members and full members per party organization on `as_of` (alerts.models.ScanMemberTally), one grouped pass
    over the members shared by committee_meeting_shortfall and branch_too_large."""
    rows = (members_on(as_of).filter(_in_region(region_prefix, "party_org__region")).order_by()
            .values("party_org_id").annotate(n=Count("pk"), full=Count("pk", filter=Q(membership=Membership.FULL)))
            .values_list("party_org_id", "n", "full"))
    _tally(ScanMemberTally, (as_of, region_prefix), rows, ["party_org_id", "members", "full_members"])


# --- social-organization rules -------------------------------------------------------------------------------

@register
class ShouldBuildMissing(Rule):
    code = "should_build_missing"
    title = gettext_lazy("Should build a party organization, none built")
    explanation = gettext_lazy("An organization with at least the set number of full party members (the "
                               "deployment setting shared with the coverage figures, 3 by default) must have its "
                               "own (standalone) party branch; a joint or functional organization does not count.")
    citation = ZBTL + "第四条（有正式党员3人以上的，应当成立党支部）"
    severity = Severity.HIGH
    subject_type = SubjectType.SOCIAL_ORG
    param_specs = (Param("min_full_members", gettext_lazy("full members from which a branch is required"), 3, 1, 50,
                         setting="SOCORG_SHOULD_BUILD_MIN_FULL_MEMBERS"),)

    def findings_query(self, as_of, region_prefix, params):
        # Uncorrelated NOT IN (organization_id is never NULL): PostgreSQL hashes the set once instead of probing
        # per organization, which matters at a million organizations.
        standalone = PartyCoverage.objects.filter(
            period_q(as_of), party_orgs_active_on(as_of, "", "party_org__"),
            party_org__formation=Formation.STANDALONE, party_org__is_functional=False).values("organization_id")
        rows = (SocialOrganization.objects.filter(orgs_active_on(as_of, region_prefix),
                                                  basis_full_members__gte=params["min_full_members"])
                .exclude(pk__in=standalone))
        minimum = Value(params["min_full_members"])
        return self.finding_values(
            rows, region="authority_region_id", name="name",
            evidence={"full_members": F("basis_full_members"), "min_full_members": minimum},
            message=sql_format(_("%(name)s has %(full)d full party members but no standalone party branch (one is "
                                 "required from %(min)d full members)."),
                               name=F("name"), full=as_text(F("basis_full_members")),
                               min=Value(str(params["min_full_members"]))))


@register
class NoWorkCoverage(Rule):
    code = "no_work_coverage"
    title = gettext_lazy("No party work coverage")
    explanation = gettext_lazy("An active organization is covered neither by a party organization (of any "
                               "formation, functional included) nor by an instructor or liaison on duty.")
    citation = "中共中央办公厅《关于加强社会组织党的建设工作的意见（试行）》（2015）：推进党的组织和工作有效覆盖"
    severity = Severity.MEDIUM
    subject_type = SubjectType.SOCIAL_ORG

    def findings_query(self, as_of, region_prefix, params):
        covered = PartyCoverage.objects.filter(period_q(as_of), party_orgs_active_on(as_of, "", "party_org__")) \
            .values("organization_id")
        on_duty = instructor_on_duty_q("instructor__", as_of)
        assigned = InstructorAssignment.objects.filter(period_q(as_of), on_duty).values("organization_id")
        rows = (SocialOrganization.objects.filter(orgs_active_on(as_of, region_prefix))
                .exclude(pk__in=covered).exclude(pk__in=assigned))
        return self.finding_values(
            rows, region="authority_region_id", name="name", evidence={"registered_on": F("registered_on")},
            message=sql_format(_("%(name)s is covered neither by a party organization nor by an instructor or "
                                 "liaison."), name=F("name")))


# --- party-organization rules: officers and terms ------------------------------------------------------------

@register
class SecretaryVacant(Rule):
    code = "secretary_vacant"
    title = gettext_lazy("Secretary post vacant")
    explanation = gettext_lazy("The secretary post of an active party organization has been vacant longer than the "
                               "set number of months (a local standard; 3 by default).")
    citation = (ZBTL + "第二十一条（支部委员会委员出现空缺，应当及时补选）；“空缺超过3个月”为地方标准"
                "（软弱涣散基层党组织认定），非全国性规定，以本地文件为准")
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
    citation = TERM_CITATION
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
    citation = TERM_CITATION + "；任期届满前6个月提醒为工作惯例，非党内法规规定"
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

    Only branches that existed for the whole period are checked. One query: the branches joined to the scan's
    activity tally (activity_tally: one grouped pass over the activities shared by the seven rules)."""

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

    def findings_query(self, as_of, region_prefix, params):
        period = self.period_of(params)
        start, end, label = last_full_period(as_of, period)
        activity_tally(as_of, region_prefix, self.activity_type, period)
        minimum = self.min_count(params)
        tally = FilteredRelation("scan_activity_tallies", condition=Q(scan_activity_tallies__type=self.activity_type))
        rows = (self.candidates(as_of, region_prefix, params, start).annotate(tally=tally)
                .annotate(held_count=Coalesce(F("tally__held"), Value(0), output_field=IntegerField()),
                          last_held_on=F("tally__last_date"))
                .filter(held_count__lt=minimum))
        evidence = {"period": Value(label), "period_start": Value(_date(start)), "period_end": Value(_date(end)),
                    "held": F("held_count"), "required": Value(minimum), "last_held_on": F("last_held_on"),
                    **{column: F(column) for column in self.extra_columns()}}
        if minimum == 1:
            template = _("%(name)s recorded no %(type)s in %(period)s (last one: %(last)s).")
        else:
            template = _("%(name)s recorded %(held)d %(type)s in %(period)s; at least %(required)d are required "
                         "(last one: %(last)s).")
        message = sql_format(template, name=F("name"), type=Value(str(ActivityType(self.activity_type).label)),
                             period=Value(period_label(label)), held=as_text(F("held_count")),
                             required=Value(str(minimum)),
                             last=Coalesce(as_text(F("last_held_on")), Value(_("never recorded"))))
        return self.finding_values(rows, region="region_id", name="name", evidence=evidence, episode=Value(label),
                                   message=message)

    def extra_columns(self) -> tuple[str, ...]:
        return ()


@register
class MemberAssemblyShortfall(_ActivityShortfall):
    code = "member_assembly_shortfall"
    title = gettext_lazy("No branch member assembly last quarter")
    explanation = gettext_lazy("A branch holds its member assembly (支部党员大会) at least once a quarter; none is "
                               "recorded for the last full quarter.")
    citation = ZBTL + "第十一条（支部党员大会一般每季度召开1次）"
    severity = Severity.MEDIUM
    activity_type = ActivityType.MEMBER_ASSEMBLY
    fixed_period = "quarter"


@register
class CommitteeMeetingShortfall(_ActivityShortfall):
    code = "committee_meeting_shortfall"
    title = gettext_lazy("No branch committee meeting last month")
    explanation = gettext_lazy("A branch with a committee (at least 7 full members) holds a committee meeting at "
                               "least once a month; none is recorded for the last full month.")
    citation = ZBTL + "第十二条（支部委员会会议一般每月召开1次）"
    severity = Severity.LOW
    activity_type = ActivityType.COMMITTEE_MEETING
    fixed_period = "month"
    param_specs = (Param("min_full_members", gettext_lazy("full members from which a branch has a committee"), 7, 1,
                         100),)

    def candidates(self, as_of, region_prefix, params, start):
        member_tally(as_of, region_prefix)
        return (super().candidates(as_of, region_prefix, params, start)
                .annotate(full_members=Coalesce(F("scan_member_tally__full_members"), Value(0),
                                                output_field=IntegerField()))
                .filter(full_members__gte=params["min_full_members"]))

    def extra_columns(self):
        return ("full_members",)


@register
class LectureShortfall(_ActivityShortfall):
    code = "lecture_shortfall"
    title = gettext_lazy("Too few party lectures")
    explanation = gettext_lazy("No national frequency is set for party lectures; local rules say once a quarter. "
                               "The period and the minimum number are configurable.")
    citation = "地方标准：党课每季度至少1次（全国性党内法规未规定次数），以本地文件为准"
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
    citation = ZBTL + "第十七条（组织生活会一般每年召开1次）"
    severity = Severity.MEDIUM
    activity_type = ActivityType.LIFE_MEETING
    fixed_period = "year"


@register
class GroupMeetingShortfall(_ActivityShortfall):
    code = "group_meeting_shortfall"
    title = gettext_lazy("No party group meeting last month")
    explanation = gettext_lazy("A branch that has party groups (党小组) holds a party group meeting at least once a "
                               "month; none is recorded for the last full month.")
    citation = ZBTL + "第十三条（党小组会一般每月召开1次）"
    severity = Severity.LOW
    activity_type = ActivityType.GROUP_MEETING
    fixed_period = "month"

    def candidates(self, as_of, region_prefix, params, start):
        return super().candidates(as_of, region_prefix, params, start).filter(has_party_groups=True)


@register
class ThemedPartyDayShortfall(_ActivityShortfall):
    code = "themed_party_day_shortfall"
    title = gettext_lazy("No themed party day last month")
    explanation = gettext_lazy("A branch holds a themed party day (主题党日) every month; none is recorded for the "
                               "last full month.")
    citation = EDUCATION_REGULATION + "（党支部每月相对固定1天开展主题党日）"
    severity = Severity.LOW
    activity_type = ActivityType.THEMED_PARTY_DAY
    fixed_period = "month"


@register
class MemberAppraisalMissing(_ActivityShortfall):
    code = "member_appraisal_missing"
    title = gettext_lazy("No democratic appraisal of members last year")
    explanation = gettext_lazy("A branch holds the democratic appraisal of members (民主评议党员) once a year; none "
                               "is recorded for the previous year.")
    citation = EDUCATION_REGULATION + "（民主评议党员一般每年开展1次）"
    severity = Severity.MEDIUM
    activity_type = ActivityType.MEMBER_APPRAISAL
    fixed_period = "year"


# --- party-organization rules: members' organizational life and dues (党章第九条) -------------------------------

def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _cutoffs(as_of: datetime.date, months: int) -> tuple[datetime.date, datetime.date]:
    """Last attended on or before the first date: `months` months without organizational life; dues unpaid since
    the second date (a month's first day) or earlier: `months` full calendar months without dues."""
    return add_months(as_of, -months), add_months(_month_start(as_of), -months)


MEMBER_RULES = ("member_lapse", "member_lapse_warning")


def _sql_dates():
    """(greatest, first day of the month, one month later) in the database's dialect, for dates."""
    if connection.vendor == "postgresql":
        return ("GREATEST", lambda c: f"CAST(date_trunc('month', {c}) AS date)",
                lambda c: f"CAST({c} + interval '1 month' AS date)")
    return "MAX", lambda c: f"date({c}, 'start of month')", lambda c: f"date({c}, '+1 month')"


def _as_date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _lapsed_member_rows(as_of: datetime.date, region_prefix: str, months: int) -> list[tuple]:
    """(member, party_org, region, party_org name, life_since, dues_since) for the members lapsed by `months`
    months, ordered by party organization and member: one statement, computed in the database. A *_since date is
    None where the branch keeps no such record (see lapsed_members)."""
    q = connection.ops.quote_name
    greatest, month_start, next_month = _sql_dates()
    attendance, activity, dues = (q(m._meta.db_table) for m in (Attendance, Activity, DuesPayment))
    member_table, party_org_table = q(PartyMember._meta.db_table), q(PartyOrganization._meta.db_table)
    region, region_params = subtree_sql("po.region_id", region_prefix)
    members = (members_on(as_of).filter(party_orgs_active_on(as_of, region_prefix, "party_org__"))
               .annotate(m_region=F("party_org__region_id"), m_name=F("party_org__name")).order_by()
               .values_list("pk", "party_org_id", "m_region", "m_name", "joined_on"))
    members_sql, members_params = members.query.sql_with_params()
    life_cutoff, dues_cutoff = _cutoffs(as_of, months)
    sql = f"""
        WITH att AS (
            SELECT t.member_id, a.party_org_id AS branch, MIN(a.date) AS first_day, MAX(a.date) AS last_day
            FROM {attendance} t JOIN {activity} a ON a.id = t.activity_id
            JOIN {party_org_table} po ON po.id = a.party_org_id
            WHERE a.date <= %s{region} GROUP BY t.member_id, a.party_org_id),
        life AS (SELECT member_id, MAX(last_day) AS last_day FROM att GROUP BY member_id),
        life_from AS (SELECT branch, MIN(first_day) AS first_day FROM att GROUP BY branch),
        paid AS (
            SELECT d.member_id, MIN(d.month) AS first_month, MAX(d.month) AS last_month, pm.party_org_id AS branch
            FROM {dues} d JOIN {member_table} pm ON pm.id = d.member_id
            JOIN {party_org_table} po ON po.id = pm.party_org_id
            WHERE d.month <= %s{region} GROUP BY d.member_id, pm.party_org_id),
        dues_from AS (SELECT branch, MIN(first_month) AS first_month FROM paid GROUP BY branch),
        since AS (
            SELECT m.pk AS id, m.party_org_id, m.m_region, m.m_name,
                CASE WHEN lf.branch IS NOT NULL THEN COALESCE(life.last_day,
                    {greatest}(lf.first_day, COALESCE(m.joined_on, lf.first_day))) END AS life_since,
                CASE WHEN df.branch IS NOT NULL THEN COALESCE({next_month('paid.last_month')},
                    {greatest}(df.first_month, COALESCE({month_start('m.joined_on')}, df.first_month)))
                END AS dues_since
            FROM ({members_sql}) m
            LEFT JOIN life_from lf ON lf.branch = m.party_org_id
            LEFT JOIN dues_from df ON df.branch = m.party_org_id
            LEFT JOIN life ON life.member_id = m.pk
            LEFT JOIN paid ON paid.member_id = m.pk
            WHERE m.party_org_id IN (SELECT branch FROM life_from UNION SELECT branch FROM dues_from))
        SELECT id, party_org_id, m_region, m_name, life_since, dues_since FROM since
        WHERE life_since <= %s OR dues_since <= %s ORDER BY party_org_id, id"""
    day = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [day(as_of), *region_params, day(as_of), *region_params, *members_params,
                             day(life_cutoff), day(dues_cutoff)])
        return [(pk, party_org, region_id, name, _as_date(life), _as_date(paid))
                for pk, party_org, region_id, name, life, paid in cursor.fetchall()]


def lapsed_members(as_of: datetime.date, region_prefix: str, months: int) -> dict[int, dict]:
    """Members who, as of `as_of`, have attended no organizational life for `months` months, or paid no dues for
    `months` full calendar months, grouped by party organization: {party_org_id: {"region", "name", "members":
    [{"member", "life_since", "dues_since"}]}} (the *_since dates say from when the record is empty).

    A branch is checked for attendance only once it records attendance (from its first recorded attendance) and
    for dues only once it records dues (from its first recorded month): missing records before a branch started
    keeping them are no evidence. A member is counted from joining when that is later.

    Set-based: one statement groups the attendance (joined to the activities' dates) and the dues and computes each
    member's dates in the database; only lapsed members come back. Within a scan both member rules share it: it is
    run once at the smaller of their month thresholds, and each rule keeps the members past its own."""
    from .config import rule_config

    floor = min([months] + [config.params["months"] for config in map(rule_config, MEMBER_RULES) if config.enabled])
    rows = shared(("lapsed_members", as_of, region_prefix, floor),
                  lambda: _lapsed_member_rows(as_of, region_prefix, floor))
    life_cutoff, dues_cutoff = _cutoffs(as_of, months)
    found: dict[int, dict] = {}
    for pk, party_org, region, name, life, paid in rows:
        life_since = life if life and life <= life_cutoff else None
        dues_since = paid if paid and paid <= dues_cutoff else None
        if life_since or dues_since:
            entry = found.setdefault(party_org, {"region": region, "name": name, "members": []})
            entry["members"].append({"member": pk, "life_since": _date(life_since), "dues_since": _date(dues_since)})
    return found


@register
class MemberLapse(Rule):
    code = "member_lapse"
    title = gettext_lazy("Members without organizational life or dues for six months")
    explanation = gettext_lazy("A member who, without good reason, has not taken part in organizational life or has "
                               "not paid party dues for six consecutive months is regarded as having left the party "
                               "(自行脱党); the branch must deal with it. Checked from the attendance and dues the "
                               "branch records, from its first record on. Members are listed by number only: their "
                               "names stay on the member pages.")
    citation = PARTY_CONSTITUTION + "第九条（连续6个月不参加党的组织生活或不交纳党费，被认为是自行脱党）"
    severity = Severity.HIGH
    param_specs = (Param("months", gettext_lazy("consecutive months"), 6, 1, 24),)

    def evaluate(self, as_of, region_prefix, params):
        return [self._finding(pk, entry, params["months"])
                for pk, entry in lapsed_members(as_of, region_prefix, params["months"]).items()]

    @staticmethod
    def _finding(pk, entry, months):
        members = entry["members"]
        return Finding(pk, entry["region"], entry["name"], {
            "months": months, "members": members, "count": len(members),
            "without_life": sum(1 for m in members if m["life_since"]),
            "without_dues": sum(1 for m in members if m["dues_since"])})

    def message(self, finding, params):
        evidence = finding.evidence
        return _("%(name)s: %(count)d members have gone %(months)d months or more without organizational life "
                 "(%(life)d) or without paying dues (%(dues)d).") % {
            "name": finding.name, "count": evidence["count"], "months": evidence["months"],
            "life": evidence["without_life"], "dues": evidence["without_dues"]}


@register
class MemberLapseWarning(MemberLapse):
    code = "member_lapse_warning"
    title = gettext_lazy("Members without organizational life or dues for three months (early warning)")
    explanation = gettext_lazy("Early warning before the six-month rule of the Party Constitution: members who have "
                               "gone the set number of months (3 by default) without organizational life or dues, "
                               "and not yet as long as the member_lapse rule's months (they are reported there).")
    citation = (PARTY_CONSTITUTION + "第九条；提前3个月预警为工作惯例，非党内法规规定")
    severity = Severity.MEDIUM
    param_specs = (Param("months", gettext_lazy("consecutive months"), 3, 1, 24),)

    def evaluate(self, as_of, region_prefix, params):
        from .config import rule_config  # the lapse rule's months, as configured: one source for that threshold

        lapse = rule_config(MemberLapse.code)
        life_cutoff, dues_cutoff = _cutoffs(as_of, lapse.params["months"])

        def reported_there(m):
            return lapse.enabled and ((m["life_since"] or "9") <= life_cutoff.isoformat()
                                      or (m["dues_since"] or "9") <= dues_cutoff.isoformat())

        findings = []
        for pk, entry in lapsed_members(as_of, region_prefix, params["months"]).items():
            entry["members"] = [m for m in entry["members"] if not reported_there(m)]
            if entry["members"]:
                findings.append(self._finding(pk, entry, params["months"]))
        return findings


# --- party-organization rules: size --------------------------------------------------------------------------

@register
class JointBranchTooWide(Rule):
    code = "joint_branch_too_wide"
    title = gettext_lazy("Joint branch covers too many organizations")
    explanation = gettext_lazy("A joint branch should cover at most 5 organizations.")
    citation = ZBTL + "第五条（联合党支部覆盖单位一般不超过5个）"
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
    citation = ZBTL + "第四条（党支部党员人数一般不超过50人）"
    severity = Severity.LOW
    param_specs = (Param("max_members", gettext_lazy("members a branch may have"), 50, 1, 1000),)

    def evaluate(self, as_of, region_prefix, params):
        member_tally(as_of, region_prefix)
        rows = (PartyOrganization.objects.filter(party_orgs_active_on(as_of, region_prefix), kind=PartyOrgKind.BRANCH,
                                                 scan_member_tally__members__gt=params["max_members"])
                .order_by().values_list("pk", "region_id", "name", "scan_member_tally__members",
                                        "scan_member_tally__full_members"))
        return [Finding(pk, region, name, {"members": n, "full_members": full, "max_members": params["max_members"]})
                for pk, region, name, n, full in rows]

    def message(self, finding, params):
        return _("%(name)s has %(count)d members; a branch should have at most %(max)d.") % {
            "name": finding.name, "count": finding.evidence["members"], "max": finding.evidence["max_members"]}
