"""Figures as of a past day, set-based (issue #19 item 5; docs/history.md).

The definition of an organization's state on a day is per organization: `state.flag_expressions(on)` (coverage
rows in force with the party organization's period of that day), `state.member_count_expressions(on)` (member
periods of that day, else the declared counts of the organization's period) and the organization's own period for
where it was registered and as what (`definition()` puts them side by side as correlated subqueries). Evaluated
that way for a million organizations, each aggregate re-runs about a dozen subplans per organization.

`states()` computes the same rows in one pass: the periods valid on the day, each table read once and grouped once
(coverage rows with their party organization's period, instructor assignments, member periods per employer), joined
to the organizations' periods by hash joins; the figures are a GROUP BY over that relation. The two forms are
proved equal on random histories (coverage/tests/test_as_of_set_based.py) on SQLite and PostgreSQL.

The values on the day are the period's: an organization that moved to another registration authority or changed
type, category or level after the day is counted where and as what it was (`GROUPS`). The supervising unit is not
kept in the history: grouped by supervisor, a past day uses today's value.

Every piece that states a rule (in force on the day, on duty, the basis of should-build) is an ORM queryset built
from the one definition of that rule and compiled here; only the joins and the sums are written in SQL.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import connection
from django.db.models import Count, F, OuterRef, Subquery, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from socorg.core.scope import in_subtree
from socorg.party.choices import Formation
from socorg.party.models import (
    InstructorAssignment,
    MemberPeriod,
    PartyCoverage,
    PartyOrgPeriod,
    Responsibility,
    ResponsibleBody,
    active_on,
    instructor_on_duty_q,
)
from socorg.registry.models import OrgPeriod, SocialOrganization

from . import state
from .models import SHOULD_BUILD_MIN_FULL_MEMBERS as MIN

# Breakdown dimension → column of the state relation holding its value on the day.
GROUPS = {"region": "authority_region_id", "type": "org_type", "category": "category", "level": "authority_level",
          "supervisor": "supervisor", "responsible": "responsible_body"}
PERIOD_VALUES = ("authority_region_id", "org_type", "category", "authority_level")
STATE_COLUMNS = ("organization_id", *PERIOD_VALUES, *state.FLAGS, *state.MEMBER_COUNTS)


def _compiled(queryset) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


class Scope:
    """Which organizations a past-day figure counts: those in force on `on` registered in the subtree of `prefix`
    (by the region of the day) and, with `responsible`, those that body was responsible for on the day."""

    def __init__(self, on: datetime.date, prefix: str = "", responsible: ResponsibleBody | None = None):
        self.on, self.prefix, self.responsible = on, prefix, responsible

    @property
    def narrowed(self) -> bool:
        return bool(self.prefix) or self.responsible is not None

    def org_periods(self):
        """The organizations' periods valid on the day, in scope (at most one per organization)."""
        from .queries import responsible_for

        rows = OrgPeriod.objects.valid_on(self.on).filter(in_subtree("authority_region__code", self.prefix))
        if self.responsible is not None:
            rows = rows.filter(organization_id__in=responsible_for(self.responsible, self.on))
        return rows.order_by()

    def only_in_scope(self, rows, column: str):
        """Restrict per-organization rows to the organizations in scope (CTE `o`), when the scope is narrower than
        the country: the groupings then read only the scope's rows."""
        return rows.filter(**{f"{column}__in": RawSQL("SELECT organization_id FROM o", [])}) if self.narrowed else rows


def _pieces(scope: Scope) -> dict[str, tuple[str, list]]:
    """The ORM-built relations the state is joined from, compiled (each states one rule, from its definition)."""
    on = scope.on
    covering = PartyCoverage.objects.filter(active_on(on=on)).order_by()
    assigned = InstructorAssignment.objects.filter(active_on(on=on), instructor_on_duty_q("instructor__", on))
    members = (scope.only_in_scope(MemberPeriod.objects.valid_on(on).filter(employer__isnull=False), "employer_id")
               .order_by().values("employer_id")
               .annotate(**{name: Count("pk", filter=kinds) for name, kinds in state.member_kinds().items()}))
    return {
        "o": _compiled(scope.org_periods().values("organization_id", *PERIOD_VALUES, "declared_full_members",
                                                  "declared_probationary_members")),
        "c": _compiled(scope.only_in_scope(covering, "organization_id").values("organization_id", "party_org_id")),
        "p": _compiled(PartyOrgPeriod.objects.valid_on(on).order_by().values("party_org_id", "formation",
                                                                             "is_functional")),
        "a": _compiled(scope.only_in_scope(assigned, "organization_id").order_by().values("organization_id")
                       .distinct()),
        "m": _compiled(members),
    }


def _responsible_on(on: datetime.date):
    """(organization_id, body_id) of the body responsible for each organization on the day (the latest started when
    records overlap, as queries.responsible_body_of)."""
    ranked = Responsibility.objects.active_on(on).annotate(
        rank=Window(RowNumber(), partition_by=[F("organization_id")], order_by=[F("start_on").desc(), F("pk").desc()]))
    return _compiled(ranked.filter(rank=1).values("organization_id", "body_id"))


def states(scope: Scope, by: str | None = None) -> tuple[str, list]:
    """SQL (and parameters) of a relation with one row per organization in force on the day in scope: STATE_COLUMNS
    (flags 0/1, member counts) and, with `by` = "supervisor" or "responsible", that group's key."""
    pieces = _pieces(scope)
    params = []
    ctes = []
    for name in ("o", "c", "p", "a", "m"):
        sql, piece_params = pieces[name]
        ctes.append(f"{name} AS ({sql})")
        params += piece_params
    extra_columns, extra_joins = "", ""
    if by == "supervisor":
        extra_columns = ", so.supervisor AS supervisor"
        extra_joins = f" JOIN {SocialOrganization._meta.db_table} so ON so.id = o.organization_id"
    elif by == "responsible":
        sql, piece_params = _responsible_on(scope.on)
        ctes.append(f"r AS ({sql})")
        params += piece_params
        body = "CAST(r.body_id AS TEXT)" if connection.vendor == "sqlite" else "CAST(r.body_id AS VARCHAR)"
        extra_columns = f", COALESCE({body}, '') AS responsible_body"
        extra_joins = " LEFT JOIN r ON r.organization_id = o.organization_id"
    # f: per covered organization, whether a non-functional (formal) and a standalone one covers it.
    sql = (
        "WITH " + ", ".join(ctes) + ", "
        "f AS (SELECT c.organization_id, MAX(CASE WHEN p.is_functional THEN 0 ELSE 1 END) AS formal, "
        "MAX(CASE WHEN p.formation = %s AND NOT p.is_functional THEN 1 ELSE 0 END) AS standalone "
        "FROM c JOIN p ON p.party_org_id = c.party_org_id GROUP BY c.organization_id) "
        "SELECT o.organization_id, " + ", ".join(f"o.{column}" for column in PERIOD_VALUES) + ", "
        "CASE WHEN f.organization_id IS NULL THEN 0 ELSE 1 END AS org_covered, "
        "COALESCE(f.formal, 0) AS org_covered_formal, "
        "CASE WHEN f.organization_id IS NULL AND a.organization_id IS NULL THEN 0 ELSE 1 END AS work_covered, "
        "COALESCE(f.standalone, 0) AS standalone, "
        # no member period that day: the declared counts of the organization's period
        "COALESCE(m.full_members, o.declared_full_members) AS full_members, "
        "COALESCE(m.basis_full_members, o.declared_full_members) AS basis_full_members, "
        "COALESCE(m.probationary_members, o.declared_probationary_members) AS probationary_members"
        f"{extra_columns} FROM o LEFT JOIN f ON f.organization_id = o.organization_id "
        "LEFT JOIN a ON a.organization_id = o.organization_id "
        f"LEFT JOIN m ON m.employer_id = o.organization_id{extra_joins}"
    )
    return sql, [*params, Formation.STANDALONE]


COUNTED = ("orgs", "org_covered", "org_covered_formal", "work_covered", "standalone", "should_build",
           "should_build_built", "full_members")


def org_counts(scope: Scope, by: str = "region") -> dict[tuple[str, str], dict]:
    """{(region code of the day, value on the day of the `by` dimension): counts (queries.COUNT_FIELDS)} over the
    scope — one GROUP BY over `states()`, counting as queries.count_annotations does; ordered by the `by` value.
    The breakdown by another dimension and the figures by region both read one such pass (`by_region`,
    `by_value`)."""
    sql, params = states(scope, by)
    key = GROUPS[by]
    built = f"s.basis_full_members >= {int(MIN)}"
    query = (f"SELECT s.authority_region_id, s.{key}, COUNT(*), SUM(s.org_covered), SUM(s.org_covered_formal), "
             f"SUM(s.work_covered), SUM(s.standalone), SUM(CASE WHEN {built} THEN 1 ELSE 0 END), "
             f"SUM(CASE WHEN {built} AND s.standalone = 1 THEN 1 ELSE 0 END), SUM(s.full_members) "
             f"FROM ({sql}) s GROUP BY s.authority_region_id, s.{key} ORDER BY s.{key}, s.authority_region_id")
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return {(code, value): {field: int(n or 0) for field, n in zip(COUNTED, counts, strict=True)}
                for code, value, *counts in cursor.fetchall()}


def _summed(pairs: dict[tuple[str, str], dict], index: int) -> dict[str, dict]:
    result: dict[str, dict] = {}
    for pair, counts in pairs.items():
        target = result.setdefault(pair[index], dict.fromkeys(COUNTED, 0))
        for field in COUNTED:
            target[field] += counts[field]
    return result


def by_region(pairs: dict[tuple[str, str], dict]) -> dict[str, dict]:
    """{region code of the day: counts} from `org_counts()`."""
    return _summed(pairs, 0)


def by_value(pairs: dict[tuple[str, str], dict]) -> dict[str, dict]:
    """{value of the breakdown on the day: counts} from `org_counts()`, in the order of the values."""
    return _summed(pairs, 1)


def reach(scope: Scope, by: str = "region") -> set[tuple[int, str, str, bool]]:
    """{(party organization, region code and value on the day of the `by` dimension of an organization it covered,
    functional on the day)}: the party organizations counted in `party_orgs` (queries._reach_source: coverage in
    force, party organization and organization in force on the day), with the organizations' values of the day."""
    pieces = _pieces(scope)
    names = ["o", "c", "p"]
    params, ctes = [], []
    for name in names:
        sql, piece_params = pieces[name]
        ctes.append(f"{name} AS ({sql})")
        params += piece_params
    column, joins = f"o.{GROUPS[by]}", ""
    if by == "supervisor":
        column, joins = "so.supervisor", f" JOIN {SocialOrganization._meta.db_table} so ON so.id = o.organization_id"
    elif by == "responsible":
        sql, piece_params = _responsible_on(scope.on)
        ctes.append(f"r AS ({sql})")
        params += piece_params
        column, joins = "r.body_id", " LEFT JOIN r ON r.organization_id = o.organization_id"
    query = ("WITH " + ", ".join(ctes) + f" SELECT DISTINCT c.party_org_id, o.authority_region_id, {column}, "
             "p.is_functional FROM c "
             "JOIN p ON p.party_org_id = c.party_org_id JOIN o ON o.organization_id = c.organization_id" + joins)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        if by == "responsible":
            return {(party_org, code, "" if key is None else str(key), bool(f))
                    for party_org, code, key, f in cursor.fetchall()}
        return {(party_org, code, key, bool(f)) for party_org, code, key, f in cursor.fetchall()}


def party_counts(rows: set[tuple[int, str, str, bool]], keys) -> dict[str, tuple[int, int]]:
    """{key: (party organizations, functional ones)} from `reach()` rows by region, for region keys (code prefixes:
    "" the country, "53" a province, a full code its own level; None: every key of every length) — each party
    organization once per key."""
    from .models import KEY_LENGTHS

    lengths = sorted({len(key) for key in keys}) if keys is not None else list(KEY_LENGTHS)
    keys = set(keys) if keys is not None else None
    counted: dict[str, set] = defaultdict(set)
    functional: dict[str, set] = defaultdict(set)
    for party_org, code, _, is_functional in rows:
        for length in lengths:
            key = code[:length]
            if keys is None or key in keys:
                counted[key].add(party_org)
                if is_functional:
                    functional[key].add(party_org)
    return {key: (len(counted[key]), len(functional[key])) for key in counted}


def group_party_counts(rows: set[tuple[int, str, str, bool]]) -> dict[str, tuple[int, int]]:
    """{group value: (party organizations, functional ones)} from `reach()` rows of another dimension."""
    counted: dict[str, set] = defaultdict(set)
    functional: dict[str, set] = defaultdict(set)
    for party_org, _, key, is_functional in rows:
        counted[key].add(party_org)
        if is_functional:
            functional[key].add(party_org)
    return {key: (len(members), len(functional[key])) for key, members in counted.items()}


# --- the per-organization definition (reference for the tests, and the organizations behind a number) ----------


def definition(on: datetime.date, orgs=None):
    """Organizations in force on `on` annotated with STATE_COLUMNS computed per organization by correlated
    subqueries: the definition `states()` is proved equal to."""
    orgs = SocialOrganization.objects.active_on(on) if orgs is None else orgs
    period = OrgPeriod.objects.valid_on(on).filter(organization=OuterRef("pk"))
    values = {f"day_{column}": Subquery(period.values(column)[:1]) for column in PERIOD_VALUES}
    values.update({f"day_{name}": expression for name, expression in state.flag_expressions(on=on).items()})
    values.update({f"day_{name}": expression for name, expression in state.member_count_expressions(on).items()})
    return orgs.annotate(**values)


def definition_rows(on: datetime.date) -> dict[int, tuple]:
    """{organization id: STATE_COLUMNS after the id} by the per-organization definition."""
    columns = [f"day_{c}" for c in (*PERIOD_VALUES, *state.FLAGS, *state.MEMBER_COUNTS)]
    flags = {f"day_{c}" for c in state.FLAGS}
    return {pk: tuple(int(bool(v)) if name in flags else v for name, v in zip(columns, values, strict=True))
            for pk, *values in definition(on).values_list("pk", *columns)}


def state_rows(scope: Scope) -> dict[int, tuple]:
    """{organization id: STATE_COLUMNS after the id} from `states()`."""
    sql, params = states(scope)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: tuple(int(v) if i >= len(PERIOD_VALUES) else v for i, v in enumerate(row[1:]))
                for row in cursor.fetchall()}

