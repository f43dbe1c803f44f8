"""Each reason fires on a breaking fixture and stays silent on a healthy one (credit-candidates)."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from socorg.alerts.choices import AlertStatus
from socorg.credit.candidates import credit_candidates
from socorg.credit.choices import FactKind, PenaltyKind
from socorg.credit.models import CreditEntry, CreditFact, Penalty, RegisteredLetter, SupervisorStatement
from socorg.party.tests.factories import make_org
from socorg.registry.choices import OrgStatus
from socorg.reports.choices import Conclusion, ReportStatus
from socorg.reports.models import AnnualReport

from .conftest import make_alert

D = datetime.date
pytestmark = pytest.mark.django_db


def reasons(as_of, prefix=""):
    return {(c.uscc, c.reason) for c in credit_candidates(as_of=as_of, region_prefix=prefix)}


SEPTEMBER = D(2026, 9, 1)


def penalty(org, kind, amount=None, decided_on=SEPTEMBER, **kw):
    return Penalty.objects.create(organization=org, kind=kind, amount=amount,
                                  decision_no=f"罚{Penalty.objects.count()}", decided_on=decided_on, facts="事实",
                                  legal_basis="依据", issuing_authority="民政局", **kw)


def entry(org, list_, reason, decided_on, **kw):
    return CreditEntry.objects.create(organization=org, list=list_, reason=reason, decision_no=f"决{org.pk}{reason}",
                                      decided_on=decided_on, entered_on=decided_on, entry_due_on=decided_on, **kw)


def test_annual_report_missing_after_the_deadline_only():
    org = make_org("530102", registered_on=D(2015, 1, 1))  # direct registration: due 31 May
    healthy = make_org("530102", registered_on=D(2015, 1, 1))
    for year in (2024, 2025):
        AnnualReport.objects.create(organization=healthy, year=year, due_on=D(year + 1, 5, 31),
                                    status=ReportStatus.SUBMITTED,
                                    first_submitted_at=timezone.make_aware(datetime.datetime(year + 1, 4, 1)))
    AnnualReport.objects.create(organization=org, year=2024, due_on=D(2025, 5, 31), status=ReportStatus.SUBMITTED,
                                first_submitted_at=timezone.make_aware(datetime.datetime(2025, 4, 1)))
    assert (org.uscc, "annual_report_missing") not in reasons(D(2026, 5, 31))
    found = {c.uscc: c for c in credit_candidates(as_of=D(2026, 6, 1)) if c.reason == "annual_report_missing"}
    assert org.uscc in found and healthy.uscc not in found
    assert found[org.uscc].list == "abnormal" and found[org.uscc].since == D(2026, 6, 1)
    assert found[org.uscc].evidence["year"] == 2025


def test_with_a_supervising_unit_the_report_is_due_by_31_march():
    org = make_org("530102", registered_on=D(2015, 1, 1), supervisor="云南省科学技术协会")
    AnnualReport.objects.create(organization=org, year=2024, due_on=D(2025, 3, 31), status=ReportStatus.SUBMITTED,
                                first_submitted_at=timezone.make_aware(datetime.datetime(2025, 3, 1)))
    assert (org.uscc, "annual_report_missing") not in reasons(D(2026, 3, 31))
    assert (org.uscc, "annual_report_missing") in reasons(D(2026, 4, 1))


def test_an_unqualified_report_is_not_compliant():
    org = make_org("530102", registered_on=D(2015, 1, 1))
    AnnualReport.objects.create(organization=org, year=2025, due_on=D(2026, 5, 31), status=ReportStatus.REVIEWED,
                                conclusion=Conclusion.UNQUALIFIED, reviewed_at=timezone.now() - datetime.timedelta(1),
                                first_submitted_at=timezone.make_aware(datetime.datetime(2026, 4, 1)))
    found = [c for c in credit_candidates(as_of=timezone.localdate()) if c.uscc == org.uscc]
    assert [c.evidence.get("conclusion") for c in found] == [Conclusion.UNQUALIFIED]


def test_no_party_org_once_the_alert_is_old_enough():
    as_of = D(2026, 11, 1)
    org = make_org("530102", full_members=5, registered_on=D(2015, 1, 1))
    make_alert(org, opened_on=as_of - datetime.timedelta(days=90))
    young = make_org("530102", full_members=5, registered_on=D(2015, 1, 1))
    make_alert(young, opened_on=as_of - datetime.timedelta(days=89))
    built = make_org("530102", full_members=5, standalone=True, registered_on=D(2015, 1, 1))
    make_alert(built, opened_on=as_of - datetime.timedelta(days=200))
    found = reasons(as_of)
    assert (org.uscc, "no_party_org") in found
    assert (young.uscc, "no_party_org") not in found
    assert (built.uscc, "no_party_org") not in found


def test_rectification_overdue_the_day_after_the_deadline():
    org = make_org("530102")
    make_alert(org, rule="no_work_coverage", status=AlertStatus.ASSIGNED, opened_on=D(2026, 1, 5),
               deadline=D(2026, 3, 1))
    assert (org.uscc, "rectification_overdue") not in reasons(D(2026, 3, 1))
    assert (org.uscc, "rectification_overdue") in reasons(D(2026, 3, 2))


def test_unreachable_after_two_unanswered_letters():
    org, answered = make_org("530102"), make_org("530102")
    for o in (org, answered):
        RegisteredLetter.objects.create(organization=o, sent_on=D(2026, 3, 1), tracking_no="EMS1")
    RegisteredLetter.objects.create(organization=org, sent_on=D(2026, 3, 31), tracking_no="EMS2")
    RegisteredLetter.objects.create(organization=answered, sent_on=D(2026, 3, 31), tracking_no="EMS3",
                                    answered_on=D(2026, 4, 3))
    found = reasons(D(2026, 5, 1))
    assert (org.uscc, "unreachable") in found and (answered.uscc, "unreachable") not in found


def test_penalties_feed_minor_major_suspension_and_repeated():
    minor, major, suspended, repeated, old = (make_org("530102") for _ in range(5))
    penalty(minor, PenaltyKind.FINE, Decimal("49999.99"))
    penalty(major, PenaltyKind.FINE, Decimal("50000"))
    penalty(suspended, PenaltyKind.SUSPENSION, suspension_until=D(2026, 12, 31))
    penalty(repeated, PenaltyKind.WARNING, decided_on=D(2024, 1, 10))
    penalty(repeated, PenaltyKind.WARNING, decided_on=D(2026, 9, 1))
    penalty(old, PenaltyKind.WARNING, decided_on=D(2023, 11, 1))
    penalty(old, PenaltyKind.WARNING, decided_on=D(2025, 1, 1))
    found = reasons(D(2026, 11, 1))
    assert (minor.uscc, "minor_penalty") in found and (minor.uscc, "major_fine") not in found
    assert (major.uscc, "major_fine") in found and (major.uscc, "minor_penalty") not in found
    assert (suspended.uscc, "suspension_penalty") in found
    assert (repeated.uscc, "repeated_penalties") in found
    assert (old.uscc, "repeated_penalties") not in found  # more than 3 years apart
    assert (old.uscc, "minor_penalty") not in found  # older than 6 months


def test_a_penalty_that_fed_an_entry_is_not_proposed_again():
    org = make_org("530102")
    p = penalty(org, PenaltyKind.WARNING)
    assert (org.uscc, "minor_penalty") in reasons(D(2026, 11, 1))
    entry(org, "abnormal", "minor_penalty", D(2026, 9, 5), penalty=p)
    assert (org.uscc, "minor_penalty") not in reasons(D(2026, 11, 1))


@pytest.mark.parametrize("kind,reason", [(FactKind.DISHONEST_DEBTOR, "dishonest_debtor"),
                                         (FactKind.FRAUDULENT_CHANGE, "fraudulent_change"),
                                         (FactKind.FUNDRAISING_CONDITIONS, "fundraising_conditions")])
def test_recorded_findings_feed_their_reason(kind, reason):
    org, healthy = make_org("530102"), make_org("530102")
    CreditFact.objects.create(organization=org, kind=kind, found_on=D(2026, 10, 1), source_document="（2026）云01执1号")
    found = reasons(D(2026, 11, 1))
    assert (org.uscc, reason) in found and (healthy.uscc, reason) not in found
    assert (org.uscc, reason) not in reasons(D(2026, 9, 30))


def test_two_years_on_the_abnormal_list_to_the_day():
    org = make_org("530102")
    entry(org, "abnormal", "annual_report_missing", D(2024, 11, 2))
    assert (org.uscc, "abnormal_two_years") not in reasons(D(2026, 11, 1))
    assert (org.uscc, "abnormal_two_years") in reasons(D(2026, 11, 2))


def test_revoked_organizations_are_proposed_for_the_serious_list():
    org = make_org("530102", status=OrgStatus.CERTIFICATE_REVOKED, status_changed_on=D(2026, 10, 1))
    healthy = make_org("530102")
    found = reasons(D(2026, 11, 1))
    assert (org.uscc, "registration_revoked") in found and (healthy.uscc, "registration_revoked") not in found


def test_already_listed_and_stopped_by_a_statement_are_left_out():
    listed, stopped = make_org("530102"), make_org("530102")
    for o in (listed, stopped):
        CreditFact.objects.create(organization=o, kind=FactKind.DISHONEST_DEBTOR, found_on=D(2026, 10, 1),
                                  source_document="法院")
    entry(listed, "serious", "dishonest_debtor", D(2026, 9, 1))  # decided before the finding, still in force
    SupervisorStatement.objects.create(organization=stopped, reason="dishonest_debtor", issued_by="市科协",
                                       document_no="科协函〔2026〕5号", issued_on=D(2026, 10, 15))
    found = reasons(D(2026, 11, 1))
    assert (listed.uscc, "dishonest_debtor") not in found and (stopped.uscc, "dishonest_debtor") not in found


def test_region_and_disabled_reasons(national):
    from socorg.credit.services import reason_setting_update

    here, there = make_org("530102"), make_org("110101")
    for o in (here, there):
        CreditFact.objects.create(organization=o, kind=FactKind.DISHONEST_DEBTOR, found_on=D(2026, 10, 1),
                                  source_document="法院")
    assert {u for u, r in reasons(D(2026, 11, 1), "53") if r == "dishonest_debtor"} == {here.uscc}
    reason_setting_update(code="dishonest_debtor", enabled=False, actor=national)
    assert {r for _, r in reasons(D(2026, 11, 1))} == {"annual_report_missing"}  # no registration date: due


def test_the_command_prints_the_contract_shape():
    org = make_org("530102", registered_on=D(2026, 8, 1))  # no report due yet
    penalty(org, PenaltyKind.FINE, Decimal("80000"))
    out = StringIO()
    call_command("credit_candidates", "--as-of", "2026-11-01", "--region", "530102", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["as_of"] == "2026-11-01"
    [candidate] = data["candidates"]
    assert set(candidate) == {"uscc", "list", "reason", "evidence", "since"}
    assert candidate["uscc"] == org.uscc and candidate["list"] == "serious" and candidate["reason"] == "major_fine"
    assert candidate["since"] == "2026-09-01"


def test_an_inspection_rectification_order_past_its_deadline_feeds_rectification_overdue():
    from socorg.inspections.choices import InspectionResult
    from socorg.inspections.models import Inspection, InspectionPlan, Selection

    org, done = make_org("530102"), make_org("530102")
    plan = InspectionPlan.objects.create(name="2026年抽查", year=2026, region_id="530102", level="county", items=[])
    for position, (o, rectified) in enumerate(((org, None), (done, D(2026, 3, 1)))):
        selection = Selection.objects.create(plan=plan, position=position, organization=o, uscc=o.uscc, key="k")
        Inspection.objects.create(selection=selection, inspected_on=D(2026, 1, 10), result=InspectionResult.RECTIFY,
                                  rectification_order="整改", rectification_deadline=D(2026, 3, 1),
                                  rectified_on=rectified)
    assert (org.uscc, "rectification_overdue") not in reasons(D(2026, 3, 1))
    found = {c.uscc: c for c in credit_candidates(as_of=D(2026, 3, 2)) if c.reason == "rectification_overdue"}
    assert set(found) == {org.uscc} and "inspection" in found[org.uscc].evidence
