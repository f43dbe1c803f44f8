"""Each zombie criterion fires on a breaking fixture and stays silent on a healthy one; runs open one case per
organization (set-based, per region); each case ends rectified, 注销 or 撤销 / 吊销 and the registry follows."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.credit.models import CreditEntry
from socorg.exits import rules, services
from socorg.exits.models import ScreeningCase
from socorg.exits.queries import exit_figures
from socorg.exits.screening import screen
from socorg.party.tests.factories import make_org
from socorg.regions.models import Region
from socorg.reports.models import AnnualReport

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2026, 7, 1)  # the 2025 reports were due by 31 May 2026: the last two report years are 2025 and 2024


def config(**overrides):
    return {"criteria": ["missed_reports", "no_activity", "outside_scope", "unreachable", "abnormal_list"],
            "missed_reports": 2, "abnormal_days": 365, "outside_scope_days": 730} | overrides


def report(org, year, **values):
    at = timezone.make_aware(datetime.datetime(year + 1, 3, 1, 10))
    return AnnualReport.objects.create(organization=org, year=year, due_on=D(year + 1, 5, 31), status="submitted",
                                       first_submitted_at=at, submitted_at=at, **values)


def found(criterion, **overrides):
    return {pk for pk, detail in screen(prefix="5301", as_of=AS_OF, config=config(**overrides)).items()
            if criterion in detail}


def test_reported_years_follow_the_deadline():
    assert rules.reported_years(D(2026, 7, 1), 2, last_deadline=D(2026, 5, 31)) == [2025, 2024]
    assert rules.reported_years(D(2026, 5, 31), 2, last_deadline=D(2026, 5, 31)) == [2024, 2023]


def test_missed_two_consecutive_reports_fires_and_one_report_keeps_it_silent():
    missing = make_org("530102", registered_on=D(2015, 1, 1))
    one_filed = make_org("530102", registered_on=D(2015, 1, 1))
    report(one_filed, 2024, activities_summary="开展培训")
    young = make_org("530102", registered_on=D(2025, 9, 1))  # exempt for 2025, not registered in 2024
    hits = found("missed_reports")
    assert missing.pk in hits and one_filed.pk not in hits and young.pk not in hits
    assert screen(prefix="5301", as_of=AS_OF, config=config())[missing.pk]["missed_reports"] == {
        "years": [2025, 2024]}


def test_no_activity_within_a_year_of_registration():
    idle = make_org("530102", registered_on=D(2024, 3, 1))
    report(idle, 2024, total_expenditure=0)
    busy = make_org("530102", registered_on=D(2024, 3, 1))
    report(busy, 2024, total_expenditure=12000)
    too_young = make_org("530102", registered_on=D(2025, 10, 1))
    hits = found("no_activity")
    assert idle.pk in hits and busy.pk not in hits and too_young.pk not in hits


def test_a_founded_complaint_about_activities_outside_the_scope(clerk):
    from socorg.complaints import services as complaints

    org, healthy = make_org("530102"), make_org("530102")
    c = complaints.complaint_receive(actor=clerk, channel="phone", category="outside_scope",
                                     description="以协会名义开展职业培训并发证", organization_uscc=org.uscc,
                                     anonymous=True, received_on=timezone.localdate())
    c = complaints.complaint_accept(complaint=c, actor=clerk, accepted=True)
    c = complaints.complaint_assign(complaint=c, actor=clerk, assignee=clerk)
    c = complaints.complaint_investigate(complaint=c, actor=clerk, findings="查实")
    complaints.complaint_conclude(complaint=c, actor=clerk, outcome="founded", conclusion="属实", penalty="警告")
    today = timezone.localdate()
    hits = {pk for pk, d in screen(prefix="5301", as_of=today, config=config()).items() if "outside_scope" in d}
    assert org.pk in hits and healthy.pk not in hits


def entry(org, reason, decided_on):
    return CreditEntry.objects.create(organization=org, list="abnormal", reason=reason, decision_no=f"民异{org.pk}",
                                      decided_on=decided_on, entered_on=decided_on, entry_due_on=decided_on)


def test_unreachable_and_more_than_a_year_on_the_abnormal_list():
    lost = make_org("530102", registered_on=D(2015, 1, 1))
    entry(lost, "unreachable", D(2026, 3, 1))
    long_listed = make_org("530102", registered_on=D(2015, 1, 1))
    entry(long_listed, "annual_report_missing", D(2025, 5, 1))
    recent = make_org("530102", registered_on=D(2015, 1, 1))
    entry(recent, "annual_report_missing", D(2026, 1, 1))
    assert found("unreachable") == {lost.pk}
    assert found("abnormal_list") == {long_listed.pk}


def test_a_deployment_can_switch_criteria_off(settings):
    settings.SOCORG_ZOMBIE_CRITERIA = "unreachable,abnormal_list"
    assert rules.configuration()["criteria"] == ["unreachable", "abnormal_list"]
    settings.SOCORG_ZOMBIE_CRITERIA = "unreachable,bogus"
    with pytest.raises(ValueError):
        rules.configuration()


def test_a_run_opens_one_case_per_organization_and_a_second_run_keeps_them(clerk):
    a, b = make_org("530102", registered_on=D(2015, 1, 1)), make_org("530103", registered_on=D(2015, 1, 1))
    make_org("110101", registered_on=D(2015, 1, 1))  # another province: not screened
    region = Region.objects.get(code="530100")
    run = services.screening_run(region=region, actor=clerk)
    assert run.opened == 2 and {c.organization_id for c in run.cases.all()} == {a.pk, b.pk}
    again = services.screening_run(region=region, actor=clerk)
    assert (again.opened, again.already_open) == (0, 2)
    outsider = make_user((Role.BUREAU_STAFF, "530103"))
    with pytest.raises(PermissionDenied):
        services.screening_run(region=region, actor=outsider)


def pdf(name="清算报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 doc")


def test_cases_end_rectified_deregistered_or_revoked_and_the_registry_follows(clerk):
    orgs = [make_org("530102", registered_on=D(2015, 1, 1)) for _ in range(4)]
    services.screening_run(region=Region.objects.get(code="530100"), actor=clerk)
    cases = {c.organization_id: c for c in ScreeningCase.objects.all()}
    today = timezone.localdate()
    services.case_rectify(case=cases[orgs[0].pk], actor=clerk, note="补报两年年报并恢复活动", documents=[pdf()])
    services.case_deregister(case=cases[orgs[1].pk], actor=clerk, closed_on=today, liquidation_done=True,
                             certificate_returned=True, decision_no="民注〔2026〕1号", documents=[pdf()])
    services.case_revoke(case=cases[orgs[2].pk], actor=clerk, kind="registration_revoked",
                         decision_no="民撤〔2026〕2号", decided_on=today, facts="连续两年未年检且无法联系",
                         legal_basis="《社会团体登记管理条例》第三十条", issuing_authority="昆明市民政局",
                         documents=[pdf("决定书.pdf")])
    services.case_revoke(case=cases[orgs[3].pk], actor=clerk, kind="certificate_revoked",
                         decision_no="民吊〔2026〕3号", decided_on=today, facts="不按规定接受年度检查",
                         legal_basis="《社会团体登记管理条例》第三十条", issuing_authority="昆明市民政局",
                         documents=[pdf("决定书.pdf")])
    for org in orgs:
        org.refresh_from_db()
    assert [o.status for o in orgs] == ["active", "deregistered", "revoked", "cert_revoked"]
    figures = exit_figures(region=Region.objects.get(code="530100"))
    assert figures["totals"] | {} == {"found": 4, "open": 0, "rectified": 1, "deregistered": 1, "revoked": 2}
    assert [(r.code, direct, counts["deregistered"], counts["revoked"]) for r, direct, counts in figures["rows"]] == [
        ("530102", False, 1, 2)]


def test_deregistration_needs_liquidation_certificate_and_documents_and_writes_nothing_otherwise(clerk):
    org = make_org("530102", registered_on=D(2015, 1, 1))
    services.screening_run(region=Region.objects.get(code="530100"), actor=clerk)
    case = ScreeningCase.objects.get()
    with pytest.raises(ValidationError) as error:
        services.case_deregister(case=case, actor=clerk, closed_on=timezone.localdate() + datetime.timedelta(1),
                                 liquidation_done=False, certificate_returned=False)
    assert set(error.value.message_dict) == {"closed_on", "liquidation_done", "certificate_returned", "documents"}
    org.refresh_from_db()
    case.refresh_from_db()
    assert org.status == "active" and case.status == "open"


def test_revocation_without_a_decision_number_is_refused_and_nothing_changes(clerk):
    org = make_org("530102", registered_on=D(2015, 1, 1))
    services.screening_run(region=Region.objects.get(code="530100"), actor=clerk)
    case = ScreeningCase.objects.get()
    with pytest.raises(ValidationError) as error:
        services.case_revoke(case=case, actor=clerk, kind="registration_revoked", decision_no="",
                             decided_on=timezone.localdate(), facts="x", legal_basis="y", issuing_authority="z",
                             documents=[pdf()])
    assert "decision_no" in error.value.message_dict
    org.refresh_from_db()
    assert org.status == "active" and ScreeningCase.objects.get().status == "open"
