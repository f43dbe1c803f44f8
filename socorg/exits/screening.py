"""The screening itself: one set-based query per criterion over the organizations in force under a region, then
one query per criterion for its evidence. Returns {organization id: {criterion: evidence}}.

Data each criterion reads: missed_reports — reports (due and never submitted, for each of the last N report years
whose deadline has passed); no_activity — reports (registered at least a year ago, its first report was due, and
no report on its registration year or the next states any expenditure or activity); outside_scope — complaints
(a founded complaint about activities outside the registered scope, concluded recently); unreachable — credit (an
abnormal-list entry in force for the reason `unreachable`); abnormal_list — credit (on the abnormal list for more
than the configured days)."""

import datetime
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import ExtractYear

from socorg.core.scope import in_subtree
from socorg.registry.models import SocialOrganization, org_active_q

from . import rules
from .choices import Criterion


def _population(prefix: str, as_of: datetime.date):
    return SocialOrganization.objects.filter(in_subtree("authority_region__code", prefix)).filter(
        org_active_q(on=as_of))


def missed_reports(orgs, as_of: datetime.date, config: dict):
    from socorg.reports import rules as report_rules
    from socorg.reports.models import AnnualReport
    from socorg.reports.queries import due_q

    years = rules.reported_years(as_of, config["missed_reports"],
                                 last_deadline=report_rules.deadline(as_of.year - 1, has_supervisor=False))
    for year in years:
        submitted = AnnualReport.objects.filter(organization=OuterRef("pk"), year=year,
                                                first_submitted_at__isnull=False)
        orgs = orgs.filter(due_q(year)).filter(~Exists(submitted))
    return orgs.values_list("pk", flat=True), lambda ids: dict.fromkeys(ids, {"years": years})


def no_activity(orgs, as_of: datetime.date, config: dict):
    from socorg.reports import rules as report_rules
    from socorg.reports.models import AnnualReport

    newest_due = rules.reported_years(as_of, 1,
                                      last_deadline=report_rules.deadline(as_of.year - 1, has_supervisor=False))[0]
    active_report = AnnualReport.objects.filter(
        Q(total_expenditure__gt=0) | ~Q(activities_summary=""), organization=OuterRef("pk"),
        first_submitted_at__isnull=False, year__gte=OuterRef("registered_year"),
        year__lte=OuterRef("registered_year") + 1)
    matched = (orgs.filter(registered_on__isnull=False, registered_on__lte=as_of - datetime.timedelta(days=365))
               .annotate(registered_year=ExtractYear("registered_on"))
               # its first report (on the registration year) has been due
               .filter(registered_year__lte=newest_due)
               .filter(~Exists(active_report)))

    def evidence(ids):
        return {pk: {"registered_on": day.isoformat()} for pk, day in
                SocialOrganization.objects.filter(pk__in=ids).values_list("pk", "registered_on")}
    return matched.values_list("pk", flat=True), evidence


def outside_scope(orgs, as_of: datetime.date, config: dict):
    from socorg.complaints.choices import Category, Outcome
    from socorg.complaints.models import Complaint

    since = as_of - datetime.timedelta(days=config["outside_scope_days"])
    founded = Complaint.objects.filter(outcome=Outcome.FOUNDED, category=Category.OUTSIDE_SCOPE,
                                       concluded_on__gte=since, concluded_on__lte=as_of)
    matched = orgs.filter(Exists(founded.filter(organization=OuterRef("pk"))))

    def evidence(ids):
        found = defaultdict(list)
        for pk, receipt in founded.filter(organization_id__in=ids).values_list("organization_id", "receipt_no"):
            found[pk].append(receipt)
        return {pk: {"complaints": sorted(receipts)} for pk, receipts in found.items()}
    return matched.values_list("pk", flat=True), evidence


def _entries(as_of, **filters):
    from socorg.credit.models import CreditEntry
    from socorg.credit.queries import in_force_q

    return CreditEntry.objects.filter(in_force_q(as_of), list="abnormal", **filters)


def unreachable(orgs, as_of: datetime.date, config: dict):
    entries = _entries(as_of, reason="unreachable")
    matched = orgs.filter(Exists(entries.filter(organization=OuterRef("pk"))))

    def evidence(ids):
        return {pk: {"decision_no": no, "decided_on": day.isoformat()} for pk, no, day in
                entries.filter(organization_id__in=ids).order_by("decided_on")
                .values_list("organization_id", "decision_no", "decided_on")}
    return matched.values_list("pk", flat=True), evidence


def abnormal_list(orgs, as_of: datetime.date, config: dict):
    from socorg.credit.queries import organizations_listed_since

    before = as_of - datetime.timedelta(days=config["abnormal_days"])
    matched = orgs.filter(pk__in=organizations_listed_since("abnormal", before=before, on=as_of))

    def evidence(ids):
        from django.db.models import Min

        return {row["organization_id"]: {"listed_since": row["first"].isoformat()} for row in
                _entries(as_of, organization_id__in=ids).order_by().values("organization_id")
                .annotate(first=Min("decided_on"))}
    return matched.values_list("pk", flat=True), evidence


CHECKS = {
    Criterion.MISSED_REPORTS: missed_reports,
    Criterion.NO_ACTIVITY: no_activity,
    Criterion.OUTSIDE_SCOPE: outside_scope,
    Criterion.UNREACHABLE: unreachable,
    Criterion.ABNORMAL_LIST: abnormal_list,
}


def screen(*, prefix: str, as_of: datetime.date, config: dict) -> dict[int, dict]:
    """{organization id: {criterion: evidence}} for the organizations in force under `prefix` on `as_of`."""
    found: dict[int, dict] = defaultdict(dict)
    for code in config["criteria"]:
        ids, evidence = CHECKS[code](_population(prefix, as_of), as_of, config)
        ids = list(ids)
        for pk, detail in evidence(ids).items():
            found[pk][str(code)] = detail
        for pk in ids:
            found[pk].setdefault(str(code), {})
    return dict(found)
