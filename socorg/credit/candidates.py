"""Listing candidates: organizations a listing reason applies to on a day, proposed to a clerk (never listed
automatically, except the 2-year escalation of credit-escalate).

Set-based: each reason is one or two queries over the whole region (the registry, annual reports, alerts,
penalties, letters, findings and the lists themselves), never one query per organization. A candidate is left out
when the organization is already listed in force for that reason (for a penalty: when the penalty already fed an
entry), or when a supervising unit's statement stops that reason (credit.services.STATEMENT_DAYS)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.utils import timezone

from socorg.alerts.choices import OPEN_STATUSES, AlertStatus
from socorg.alerts.models import Alert
from socorg.alerts.periods import add_months, add_years
from socorg.core.scope import in_subtree
from socorg.party.rules import should_build_min_full_members
from socorg.registry.choices import OrgStatus
from socorg.registry.models import SocialOrganization, org_active_q
from socorg.reports.choices import Conclusion, ReportStatus
from socorg.reports.models import AnnualReport
from socorg.reports.queries import due_q
from socorg.reports.rules import deadline as report_deadline

from . import rules
from .choices import PenaltyKind
from .config import reason_configs
from .models import CreditEntry, CreditFact, Penalty, RegisteredLetter, SupervisorStatement
from .queries import in_force_q

ORG = "organization__authority_region__code"


@dataclass(slots=True)
class Candidate:
    organization_id: int
    uscc: str
    name: str
    region_id: str
    list: str
    reason: str
    since: datetime.date
    evidence: dict[str, Any] = field(default_factory=dict)
    penalty_id: int | None = None

    def as_json(self) -> dict:
        return {"uscc": self.uscc, "list": self.list, "reason": self.reason, "evidence": self.evidence,
                "since": self.since.isoformat()}


def statement_days() -> int:
    return int(getattr(settings, "SOCORG_CREDIT_STATEMENT_DAYS", 365))


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _orgs(prefix: str, as_of: datetime.date):
    return SocialOrganization.objects.filter(org_active_q(on=as_of), in_subtree("authority_region__code", prefix))


class _Context:
    def __init__(self, as_of: datetime.date, prefix: str, configs):
        self.as_of, self.prefix, self.configs = as_of, prefix, configs

    def params(self, code: str) -> dict:
        return self.configs[code].params

    def rows(self, model, *conditions, organization_active: bool = True, **filters):
        """Rows of `model` (with an `organization`) in the region, for organizations in force on as_of."""
        qs = model.objects.filter(*conditions, in_subtree(ORG, self.prefix), **filters)
        if organization_active:
            qs = qs.filter(org_active_q("organization__", self.as_of))
        return qs


ORG_FIELDS = ("organization_id", "organization__uscc", "organization__name", "organization__authority_region_id")


def _latest_year_due(as_of: datetime.date, *, has_supervisor: bool) -> int:
    """The latest year whose report deadline has passed by `as_of`."""
    year = as_of.year - 1
    return year if as_of > report_deadline(year, has_supervisor=has_supervisor) else year - 1


def _annual_report_missing(ctx: _Context) -> list[Candidate]:
    """The latest year whose deadline has passed (per deadline: with or without a supervising unit): no report
    submitted by as_of, or the report reviewed unqualified."""
    found: dict[int, Candidate] = {}
    for has_supervisor in (True, False):
        year = _latest_year_due(ctx.as_of, has_supervisor=has_supervisor)
        due = report_deadline(year, has_supervisor=has_supervisor)
        kind = ~Q(supervisor="") if has_supervisor else Q(supervisor="")
        submitted = AnnualReport.objects.filter(organization=OuterRef("pk"), year=year,
                                                first_submitted_at__date__lte=ctx.as_of)
        missing = (_orgs(ctx.prefix, ctx.as_of).filter(kind, due_q(year)).exclude(Exists(submitted))
                   .order_by().values_list("pk", "uscc", "name", "authority_region_id"))
        for pk, uscc, name, region in missing:
            found[pk] = Candidate(pk, uscc, name, region, "", "annual_report_missing",
                                  due + datetime.timedelta(days=1),
                                  {"year": year, "deadline": due.isoformat(), "submitted": False})
        unqualified = (ctx.rows(AnnualReport, year=year, status=ReportStatus.REVIEWED,
                                conclusion=Conclusion.UNQUALIFIED, reviewed_at__date__lte=ctx.as_of)
                       .filter(**{"organization__supervisor" + ("__gt" if has_supervisor else ""): ""})
                       .order_by().values_list(*ORG_FIELDS, "reviewed_at"))
        for pk, uscc, name, region, reviewed_at in unqualified:
            found[pk] = Candidate(pk, uscc, name, region, "", "annual_report_missing",
                                  timezone.localdate(reviewed_at),
                                  {"year": year, "conclusion": Conclusion.UNQUALIFIED.value})
    return list(found.values())


def _no_party_org(ctx: _Context) -> list[Candidate]:
    days = ctx.params("no_party_org")["alert_age_days"]
    rows = (ctx.rows(Alert, rule="should_build_missing", status__in=OPEN_STATUSES, organization__isnull=False,
                     opened_on__lte=ctx.as_of - datetime.timedelta(days=days),
                     organization__basis_full_members__gte=should_build_min_full_members(),
                     organization__standalone=False)
            .order_by().values_list(*ORG_FIELDS, "pk", "opened_on", "organization__basis_full_members"))
    return [Candidate(pk, uscc, name, region, "", "no_party_org", opened + datetime.timedelta(days=days),
                      {"alert": alert, "alert_opened_on": opened.isoformat(), "full_members": full})
            for pk, uscc, name, region, alert, opened, full in rows]


def _rectification_overdue(ctx: _Context) -> list[Candidate]:
    grace = ctx.params("rectification_overdue")["grace_days"]
    rows = (ctx.rows(Alert, status=AlertStatus.ASSIGNED, organization__isnull=False,
                     deadline__lt=ctx.as_of - datetime.timedelta(days=grace))
            .order_by().values_list(*ORG_FIELDS, "pk", "rule", "deadline"))
    found: dict[int, Candidate] = {}
    for pk, uscc, name, region, alert, rule, deadline in rows:
        since = deadline + datetime.timedelta(days=grace + 1)
        if pk not in found or since < found[pk].since:
            found[pk] = Candidate(pk, uscc, name, region, "", "rectification_overdue", since,
                                  {"alert": alert, "rule": rule, "deadline": deadline.isoformat()})
    # Rectification orders of random inspections (双随机) still outstanding after their deadline.
    from socorg.inspections.queries import overdue_rectifications

    inspections = (overdue_rectifications(ctx.as_of - datetime.timedelta(days=grace))
                   .filter(Q(rectified_on__isnull=True) | Q(rectified_on__gt=ctx.as_of),
                           in_subtree("selection__organization__authority_region__code", ctx.prefix),
                           org_active_q("selection__organization__", ctx.as_of))
                   .order_by().values_list("selection__organization_id", "selection__organization__uscc",
                                           "selection__organization__name",
                                           "selection__organization__authority_region_id", "pk",
                                           "rectification_deadline"))
    for pk, uscc, name, region, inspection, deadline in inspections:
        since = deadline + datetime.timedelta(days=grace + 1)
        if pk not in found or since < found[pk].since:
            found[pk] = Candidate(pk, uscc, name, region, "", "rectification_overdue", since,
                                  {"inspection": inspection, "deadline": deadline.isoformat()})
    return list(found.values())


def _unreachable(ctx: _Context) -> list[Candidate]:
    params = ctx.params("unreachable")
    rows = (ctx.rows(RegisteredLetter, Q(answered_on__isnull=True) | Q(answered_on__gt=ctx.as_of),
                     sent_on__lte=ctx.as_of)
            .order_by().values_list(*ORG_FIELDS, "sent_on"))
    letters: dict[tuple, list] = defaultdict(list)
    for pk, uscc, name, region, sent_on in rows:
        letters[(pk, uscc, name, region)].append((sent_on, False))
    found = []
    for (pk, uscc, name, region), sent in letters.items():
        pair = rules.unreachable_pair(sent, ctx.as_of, min_gap_days=params["min_gap_days"],
                                      max_gap_days=params["max_gap_days"], reply_days=params["reply_days"])
        if pair:
            found.append(Candidate(pk, uscc, name, region, "", "unreachable",
                                   pair[1] + datetime.timedelta(days=params["reply_days"]),
                                   {"first_letter": pair[0].isoformat(), "second_letter": pair[1].isoformat()}))
    return found


def _small_penalty_q() -> Q:
    return Q(kind=PenaltyKind.WARNING) | Q(kind=PenaltyKind.FINE, amount__lt=rules.MAJOR_FINE_YUAN)


def _penalty_evidence(penalty_id, decision_no, kind, amount) -> dict:
    return {"penalty": penalty_id, "decision_no": decision_no, "kind": kind,
            "amount": str(amount) if amount is not None else None}


def _penalty_candidates(ctx: _Context, reason: str, condition: Q, *, since_first: datetime.date | None = None,
                        organization_active: bool = True) -> list[Candidate]:
    fed = CreditEntry.objects.filter(penalty=OuterRef("pk"), reason=reason)
    rows = ctx.rows(Penalty, condition, decided_on__lte=ctx.as_of, organization_active=organization_active)
    if since_first:
        rows = rows.filter(decided_on__gte=since_first)
    rows = (rows.exclude(Exists(fed)).order_by()
            .values_list(*ORG_FIELDS, "pk", "decision_no", "kind", "amount", "decided_on"))
    return [Candidate(pk, uscc, name, region, "", reason, decided,
                      _penalty_evidence(penalty, decision_no, kind, amount), penalty_id=penalty)
            for pk, uscc, name, region, penalty, decision_no, kind, amount, decided in rows]


def _minor_penalty(ctx: _Context) -> list[Candidate]:
    months = ctx.params("minor_penalty")["lookback_months"]
    return _penalty_candidates(ctx, "minor_penalty", _small_penalty_q(),
                               since_first=add_months(ctx.as_of, -months) + datetime.timedelta(days=1))


def _suspension_penalty(ctx: _Context) -> list[Candidate]:
    return _penalty_candidates(ctx, "suspension_penalty", Q(kind=PenaltyKind.SUSPENSION))


def _major_fine(ctx: _Context) -> list[Candidate]:
    return _penalty_candidates(ctx, "major_fine", Q(kind=PenaltyKind.FINE, amount__gte=rules.MAJOR_FINE_YUAN))


def _repeated_penalties(ctx: _Context) -> list[Candidate]:
    params = ctx.params("repeated_penalties")
    start = add_years(ctx.as_of, -params["window_years"]) + datetime.timedelta(days=1)
    groups = (ctx.rows(Penalty, _small_penalty_q(), decided_on__gte=start, decided_on__lte=ctx.as_of)
              .order_by().values(*ORG_FIELDS)
              .annotate(count=Count("pk"), latest=Max("decided_on"), first=Min("decided_on"))
              .filter(count__gte=params["min_count"]))
    groups = list(groups)
    if not groups:
        return []
    # Already listed for the same series: an entry for this reason decided on or after its latest penalty.
    listed = dict(CreditEntry.objects.filter(reason="repeated_penalties",
                                             organization_id__in=[g["organization_id"] for g in groups])
                  .order_by().values("organization_id").annotate(last=Max("decided_on"))
                  .values_list("organization_id", "last"))
    found = []
    for g in groups:
        if listed.get(g["organization_id"]) and listed[g["organization_id"]] >= g["latest"]:
            continue
        found.append(Candidate(g["organization_id"], g["organization__uscc"], g["organization__name"],
                               g["organization__authority_region_id"], "", "repeated_penalties", g["latest"],
                               {"count": g["count"], "first": g["first"].isoformat(),
                                "latest": g["latest"].isoformat(), "window_years": params["window_years"]}))
    return found


def _fact_candidates(ctx: _Context, reason: str) -> list[Candidate]:
    kind = rules.REASONS[reason].fact_kind
    later_entry = CreditEntry.objects.filter(organization=OuterRef("organization_id"), reason=reason,
                                             decided_on__gte=OuterRef("found_on"))
    rows = (ctx.rows(CreditFact, kind=kind, found_on__lte=ctx.as_of).exclude(Exists(later_entry))
            .order_by().values_list(*ORG_FIELDS, "pk", "found_on", "source_document"))
    found: dict[int, Candidate] = {}
    for pk, uscc, name, region, fact, found_on, source in rows:
        if pk not in found or found_on > found[pk].since:
            found[pk] = Candidate(pk, uscc, name, region, "", reason, found_on,
                                  {"finding": fact, "source_document": source})
    return list(found.values())


def _abnormal_two_years(ctx: _Context) -> list[Candidate]:
    years = ctx.params("abnormal_two_years")["years"]
    cutoff = add_years(ctx.as_of, -years)
    groups = (CreditEntry.objects.filter(in_force_q(ctx.as_of), in_subtree(ORG, ctx.prefix), list="abnormal",
                                         decided_on__lte=cutoff)
              .filter(org_active_q("organization__", ctx.as_of))
              .order_by().values(*ORG_FIELDS).annotate(first=Min("decided_on")))
    return [Candidate(g["organization_id"], g["organization__uscc"], g["organization__name"],
                      g["organization__authority_region_id"], "", "abnormal_two_years",
                      rules.escalation_day(g["first"], years), {"abnormal_since": g["first"].isoformat()})
            for g in groups]


def _registration_revoked(ctx: _Context) -> list[Candidate]:
    ended = (SocialOrganization.objects
             .filter(in_subtree("authority_region__code", ctx.prefix),
                     status__in=(OrgStatus.REVOKED, OrgStatus.CERTIFICATE_REVOKED),
                     status_changed_on__lte=ctx.as_of)
             .exclude(Exists(CreditEntry.objects.filter(organization=OuterRef("pk"), reason="registration_revoked")))
             .order_by().values_list("pk", "uscc", "name", "authority_region_id", "status", "status_changed_on",
                                     "status_reason"))
    return [Candidate(pk, uscc, name, region, "", "registration_revoked", changed,
                      {"status": status, "status_changed_on": _iso(changed), "status_reason": reason})
            for pk, uscc, name, region, status, changed, reason in ended]


FINDERS = {
    "annual_report_missing": _annual_report_missing,
    "no_party_org": _no_party_org,
    "rectification_overdue": _rectification_overdue,
    "unreachable": _unreachable,
    "minor_penalty": _minor_penalty,
    "fundraising_conditions": lambda ctx: _fact_candidates(ctx, "fundraising_conditions"),
    "abnormal_two_years": _abnormal_two_years,
    "suspension_penalty": _suspension_penalty,
    "major_fine": _major_fine,
    "repeated_penalties": _repeated_penalties,
    "dishonest_debtor": lambda ctx: _fact_candidates(ctx, "dishonest_debtor"),
    "registration_revoked": _registration_revoked,
    "fraudulent_change": lambda ctx: _fact_candidates(ctx, "fraudulent_change"),
}
# Reasons whose candidates are one per occurrence (a penalty); the others one per organization and reason.
PER_OCCURRENCE = {"minor_penalty", "suspension_penalty", "major_fine"}


def credit_candidates(*, as_of: datetime.date | None = None, region_prefix: str = "",
                      reasons: set[str] | None = None) -> list[Candidate]:
    """Every candidate on `as_of` (default today) under the region prefix ("" = the nation), sorted by list,
    reason and credit code."""
    as_of = as_of or timezone.localdate()
    configs = reason_configs()
    ctx = _Context(as_of, region_prefix, configs)
    wanted = [code for code, config in configs.items() if config.enabled and (reasons is None or code in reasons)]
    # Exclusions shared by all reasons: already listed in force for the reason; stopped by a statement.
    listed = set(CreditEntry.objects.filter(in_force_q(as_of), in_subtree(ORG, region_prefix), reason__in=wanted)
                 .values_list("organization_id", "reason"))
    stopped = set(SupervisorStatement.objects.filter(
        in_subtree(ORG, region_prefix), reason__in=wanted, issued_on__lte=as_of,
        issued_on__gt=as_of - datetime.timedelta(days=statement_days())).values_list("organization_id", "reason"))
    found: list[Candidate] = []
    for code in wanted:
        list_code = rules.REASONS[code].list
        for candidate in FINDERS[code](ctx):
            key = (candidate.organization_id, code)
            if key in stopped or (code not in PER_OCCURRENCE and key in listed):
                continue
            candidate.list = list_code
            found.append(candidate)
    found.sort(key=lambda c: (c.list, c.reason, c.uscc, c.since))
    return found
