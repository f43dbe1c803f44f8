"""Evaluation grades: eligibility reason by reason, recording a grade and every bad input, the grade in force and
its expiry warning."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.party.tests.factories import make_org
from socorg.ratings import queries, rules, services
from socorg.ratings.models import EvaluationGrade
from socorg.reports.models import AnnualReport

from .conftest import submitted_report

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1


def reasons_of(org, on=None):
    verdict = queries.eligibility(org, on or TODAY)
    return verdict["eligible"], {r["rule"]: r for r in verdict["reasons"]}


@pytest.fixture
def eligible_org(db):
    org = make_org("530102", name="五华区合格协会", registered_on=datetime.date(2015, 1, 1))
    submitted_report(org, LAST_YEAR, timezone.now())
    return org


@pytest.fixture
def clerk(db):
    return make_user((Role.BUREAU_STAFF, "530102"))


def test_an_organization_that_meets_every_rule_is_eligible(eligible_org):
    eligible, reasons = reasons_of(eligible_org)
    assert eligible is True
    assert list(reasons) == ["registered_two_years", "last_annual_report", "no_penalty_past_year",
                             "not_on_credit_list"]
    assert all(r["passed"] for r in reasons.values())


def test_registered_less_than_two_full_years_is_not_eligible(eligible_org):
    eligible_org.registered_on = TODAY - datetime.timedelta(days=700)
    eligible_org.save()
    eligible, reasons = reasons_of(eligible_org)
    assert eligible is False
    assert reasons["registered_two_years"]["passed"] is False
    assert "才满两年" in reasons["registered_two_years"]["detail"]
    assert reasons["last_annual_report"]["passed"] is True


def test_exactly_two_years_after_registration_is_eligible(eligible_org):
    eligible_org.registered_on = rules.add_years(TODAY, -2)
    eligible_org.save()
    assert reasons_of(eligible_org)[1]["registered_two_years"]["passed"] is True


def test_an_unknown_registration_date_is_not_eligible(eligible_org):
    eligible_org.registered_on = None
    eligible_org.save()
    assert reasons_of(eligible_org)[1]["registered_two_years"]["passed"] is False


def test_last_years_report_missing_is_not_eligible(eligible_org):
    AnnualReport.objects.filter(organization=eligible_org).delete()
    eligible, reasons = reasons_of(eligible_org)
    assert eligible is False and reasons["last_annual_report"]["passed"] is False
    assert str(LAST_YEAR) in reasons["last_annual_report"]["detail"]


def test_last_years_report_in_draft_is_not_eligible(eligible_org):
    AnnualReport.objects.filter(organization=eligible_org).update(status="draft", first_submitted_at=None)
    assert reasons_of(eligible_org)[1]["last_annual_report"]["passed"] is False


def test_last_years_report_concluded_unqualified_is_not_eligible(eligible_org):
    AnnualReport.objects.filter(organization=eligible_org).update(status="reviewed", conclusion="unqualified",
                                                                  review_reasons="财务不实")
    eligible, reasons = reasons_of(eligible_org)
    assert eligible is False and "不合格" in reasons["last_annual_report"]["detail"]


def test_basically_qualified_is_still_eligible(eligible_org):
    AnnualReport.objects.filter(organization=eligible_org).update(status="reviewed",
                                                                  conclusion="basically_qualified")
    assert reasons_of(eligible_org)[0] is True


def penalty(org, decided_on, kind="warning"):
    from socorg.credit.models import Penalty

    return Penalty.objects.create(organization=org, kind=kind, decided_on=decided_on,
                                  decision_no=f"五民罚〔{decided_on.year}〕{decided_on.day}号",
                                  facts="未按规定报送材料", legal_basis="《社会团体登记管理条例》",
                                  issuing_authority="五华区民政局")


def listing(org, list_code, decided_on, removed_on=None):
    from socorg.credit.models import CreditEntry

    return CreditEntry.objects.create(organization=org, list=list_code, reason="annual_report_missing",
                                      decision_no=f"五民信〔{decided_on.year}〕{decided_on.day}号",
                                      decided_on=decided_on, entered_on=decided_on, entry_due_on=decided_on,
                                      removed_on=removed_on, removal_kind="fulfilled" if removed_on else "")


needs_credit = pytest.mark.skipif(not __import__("django.apps", fromlist=["apps"]).apps.is_installed("socorg.credit"),
                                  reason="socorg.credit is not installed")


@needs_credit
def test_a_penalty_within_the_past_year_is_not_eligible(eligible_org):
    penalty(eligible_org, TODAY - datetime.timedelta(days=100))
    eligible, reasons = reasons_of(eligible_org)
    assert eligible is False
    assert reasons["no_penalty_past_year"]["passed"] is False and "警告" in reasons["no_penalty_past_year"]["detail"]
    assert reasons["not_on_credit_list"]["passed"] is True


@needs_credit
def test_a_penalty_more_than_a_year_ago_does_not_count(eligible_org):
    penalty(eligible_org, rules.add_years(TODAY, -1) - datetime.timedelta(days=1))
    assert reasons_of(eligible_org)[1]["no_penalty_past_year"]["passed"] is True


@needs_credit
def test_an_organization_on_a_credit_list_is_not_eligible(eligible_org):
    listing(eligible_org, "abnormal", TODAY - datetime.timedelta(days=30))
    eligible, reasons = reasons_of(eligible_org)
    assert eligible is False
    assert reasons["not_on_credit_list"]["passed"] is False
    assert "活动异常名录" in reasons["not_on_credit_list"]["detail"]


@needs_credit
def test_a_listing_removed_before_the_day_does_not_count(eligible_org):
    listing(eligible_org, "abnormal", TODAY - datetime.timedelta(days=300), removed_on=TODAY - datetime.timedelta(10))
    assert reasons_of(eligible_org)[0] is True


def test_without_the_credit_module_the_credit_rules_say_they_were_not_checked(eligible_org, monkeypatch):
    from socorg.ratings import credit_link

    monkeypatch.setattr(credit_link, "available", lambda: False)
    reasons = reasons_of(eligible_org)[1]
    assert "未核对" in reasons["no_penalty_past_year"]["detail"]
    assert "未核对" in reasons["not_on_credit_list"]["detail"]


def test_a_grade_is_recorded_with_its_party_building_section(eligible_org, clerk):
    grade = services.evaluation_record(org=eligible_org, actor=clerk, grade="4A", valid_from=TODAY,
                                       decision_number="五民评〔2026〕1号", total_points=85)
    assert grade.valid_to == rules.default_valid_to(TODAY)
    assert grade.party_building["max"] == 10
    assert [c["code"] for c in grade.party_building["criteria"]] == [
        "party_clause", "org_coverage", "work_coverage", "annual_report_party_section"]
    assert queries.current_grade(eligible_org) == grade
    assert queries.current_grades([eligible_org.pk])[eligible_org.pk].rank == 4


def test_an_ineligible_organization_gets_the_failed_reasons_and_no_grade(eligible_org, clerk):
    AnnualReport.objects.filter(organization=eligible_org).delete()
    with pytest.raises(ValidationError) as error:
        services.evaluation_record(org=eligible_org, actor=clerk, grade="3A", valid_from=TODAY,
                                   decision_number="x")
    assert list(error.value.message_dict) == ["eligibility"]
    assert EvaluationGrade.objects.count() == 0


def test_bad_grades_periods_and_overlaps_are_refused_together(eligible_org, clerk):
    services.evaluation_record(org=eligible_org, actor=clerk, grade="3A", valid_from=TODAY, decision_number="一号")
    with pytest.raises(ValidationError) as error:
        services.evaluation_record(org=eligible_org, actor=clerk, grade="6A", valid_from=TODAY + datetime.timedelta(1),
                                   decision_number="", total_points=101)
    assert set(error.value.message_dict) == {"grade", "decision_number", "valid_from", "total_points"}
    with pytest.raises(ValidationError) as error:
        services.evaluation_record(org=eligible_org, actor=clerk, grade="3A", valid_from=TODAY,
                                   valid_to=TODAY - datetime.timedelta(1), decision_number="二号")
    assert "valid_to" in error.value.message_dict
    assert EvaluationGrade.objects.count() == 1


def test_recording_a_grade_out_of_scope_is_refused(eligible_org):
    for outsider in (make_user((Role.BUREAU_STAFF, "110000")), make_user((Role.PARTY_STAFF, "530102"))):
        with pytest.raises(PermissionDenied):
            services.evaluation_record(org=eligible_org, actor=outsider, grade="3A", valid_from=TODAY,
                                       decision_number="x")


def test_an_expired_grade_is_no_longer_current_and_one_about_to_expire_is_warned(eligible_org):
    old = EvaluationGrade.objects.create(organization=eligible_org, grade="5A", valid_from=datetime.date(2018, 1, 1),
                                         valid_to=TODAY - datetime.timedelta(days=1), decision_number="旧")
    assert queries.current_grade(eligible_org) is None
    assert queries.current_grade(eligible_org, on=TODAY - datetime.timedelta(days=1)) == old
    soon = make_org("530102", registered_on=datetime.date(2015, 1, 1))
    expiring = EvaluationGrade.objects.create(organization=soon, grade="2A", valid_from=datetime.date(2021, 12, 1),
                                              valid_to=TODAY + datetime.timedelta(days=150), decision_number="甲")
    later = make_org("530102", registered_on=datetime.date(2015, 1, 1))
    EvaluationGrade.objects.create(organization=later, grade="3A", valid_from=TODAY,
                                   valid_to=rules.default_valid_to(TODAY), decision_number="乙")
    assert list(queries.expiring_grades(EvaluationGrade.objects.all())) == [expiring]
    figures = queries.grade_figures(EvaluationGrade.objects.all())
    assert figures["in_force"] == 2 and figures["expiring"] == 1 and figures["by_grade"]["5A"] == 0
