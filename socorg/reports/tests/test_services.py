"""The annual-report workflow through its services: pre-filling, every transition, every bad input."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from socorg.accounts.roles import Role
from socorg.activities.models import Activity
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user
from socorg.party.services import assignment_add, instructor_create
from socorg.party.tests.factories import make_org, make_party_org
from socorg.registry.choices import OrgStatus
from socorg.reports import services
from socorg.reports.choices import Conclusion, ReportStatus
from socorg.reports.models import AnnualReport

from .conftest import YEAR

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.date(YEAR - 3, 1, 1)


def own_account(org):
    return make_user((Role.ORG_ACCOUNT, org.authority_region_id), organization=org)


def party_staff():
    return make_user((Role.PARTY_STAFF, "530000"))


def submitted(org, actor, **values):
    report = services.report_save_draft(org=org, year=YEAR, actor=actor, **values)
    return services.report_submit(report=report, actor=actor)


def declaring(full_members: int):
    """An organization that has declared `full_members` since it registered. A count declared today counts from
    today: the dated history keeps it out of last year's report (docs/history.md)."""
    return make_org("530102", name="丘北县科技创新协会", registered_on=datetime.date(2018, 3, 1),
                    declared_full_members=full_members)


def test_party_building_is_prefilled_from_the_registry_as_of_31_december():
    org = declaring(4)
    staff = party_staff()
    branch = make_party_org(staff, orgs=[org], name="丘北县科技创新协会党支部", formation="standalone",
                            coverage_start_on=LONG_AGO, founded_on=LONG_AGO, secretary_name="李明")
    Activity.objects.create(party_org=branch, type="member_assembly", date=datetime.date(YEAR, 3, 1))
    Activity.objects.create(party_org=branch, type="member_assembly", date=datetime.date(YEAR, 9, 1))
    Activity.objects.create(party_org=branch, type="party_lecture", date=datetime.date(YEAR + 1, 1, 5))  # next year
    instructor = instructor_create(name="王芳", region="530102", actor=staff, appointed_on=LONG_AGO)
    assignment_add(instructor=instructor, organization=org, start_on=LONG_AGO, actor=staff)

    report = services.report_for(org=org, year=YEAR)

    section = report.party_building
    assert report.pk is None
    assert section["as_of"] == f"{YEAR}-12-31"
    assert [p["name"] for p in section["party_orgs"]] == ["丘北县科技创新协会党支部"]
    assert section["party_orgs"][0]["secretary"] == "李明"
    assert section["full_members"] == 4
    assert section["instructors"] == [{"name": "王芳", "kind": "instructor"}]
    assert section["activities"] == {"member_assembly": 2}
    assert section["should_build_missing"] is False


def test_a_party_organization_set_up_after_the_year_is_not_in_that_years_report(org):
    make_party_org(party_staff(), orgs=[org], coverage_start_on=datetime.date(YEAR + 1, 2, 1))
    assert services.report_for(org=org, year=YEAR).party_building["party_orgs"] == []


def test_three_full_members_without_a_standalone_party_organization_is_flagged():
    assert services.report_for(org=declaring(3), year=YEAR).party_building["should_build_missing"] is True


def test_a_count_declared_after_31_december_is_not_in_that_years_report(org):
    org.declared_full_members = 3
    org.save()
    assert services.report_for(org=org, year=YEAR).party_building["full_members"] == 0
    assert services.report_for(org=org, year=YEAR + 1).party_building["full_members"] == 3


def test_the_organization_cannot_change_the_party_building_figures(org, filer):
    with pytest.raises(TypeError):
        services.report_save_draft(org=org, year=YEAR, actor=filer, party_building={"full_members": 99})


def test_a_comment_on_the_party_building_section_opens_a_correction_task_on_submission(org, filer):
    report = submitted(org, filer, party_building_comment="我会实有正式党员5名，台账记为0名")
    assert report.corrections.get().comment == "我会实有正式党员5名，台账记为0名"
    assert report.party_building["full_members"] == 0  # figures untouched


def test_submitting_marks_late_after_the_deadline(org, filer, monkeypatch):
    report = services.report_save_draft(org=org, year=YEAR, actor=filer, activities_summary="开展科普活动12场")
    monkeypatch.setattr("django.utils.timezone.now",
                        lambda: datetime.datetime(YEAR + 1, 6, 1, 9, 0, tzinfo=datetime.UTC))
    report = services.report_submit(report=report, actor=filer)
    assert report.status == ReportStatus.SUBMITTED
    assert report.due_on == datetime.date(YEAR + 1, 5, 31)
    assert report.late is True


def test_submitting_by_the_deadline_is_on_time(org, filer, monkeypatch):
    report = services.report_save_draft(org=org, year=YEAR, actor=filer)
    monkeypatch.setattr("django.utils.timezone.now",
                        lambda: datetime.datetime(YEAR + 1, 5, 30, 9, 0, tzinfo=datetime.UTC))
    assert services.report_submit(report=report, actor=filer).late is False


def test_submitting_twice_is_refused(org, filer):
    report = submitted(org, filer)
    with pytest.raises(ValidationError) as error:
        services.report_submit(report=report, actor=filer)
    assert "status" in error.value.message_dict


def test_editing_after_submission_is_refused_and_nothing_changes(org, filer):
    submitted(org, filer, activities_summary="原文")
    with pytest.raises(ValidationError):
        services.report_save_draft(org=org, year=YEAR, actor=filer, activities_summary="改过")
    assert AnnualReport.objects.get().activities_summary == "原文"


def test_return_needs_reasons_and_makes_the_report_editable_again(org, filer, clerk):
    report = submitted(org, filer)
    with pytest.raises(ValidationError) as error:
        services.report_return(report=report, actor=clerk, reasons="  ")
    assert "reasons" in error.value.message_dict
    report = services.report_return(report=report, actor=clerk, reasons="财务数据缺少审计报告")
    assert report.status == ReportStatus.RETURNED
    report = services.report_save_draft(org=org, year=YEAR, actor=filer, activities_summary="补充")
    report = services.report_submit(report=report, actor=filer)
    assert report.status == ReportStatus.SUBMITTED and report.first_submitted_at <= report.submitted_at


def test_resubmission_after_return_keeps_the_lateness_of_the_first_submission(org, filer, clerk, monkeypatch):
    report = services.report_save_draft(org=org, year=YEAR, actor=filer)
    monkeypatch.setattr("django.utils.timezone.now",
                        lambda: datetime.datetime(YEAR + 1, 5, 1, 9, 0, tzinfo=datetime.UTC))
    report = services.report_submit(report=report, actor=filer)
    report = services.report_return(report=report, actor=clerk, reasons="补正")
    monkeypatch.setattr("django.utils.timezone.now",
                        lambda: datetime.datetime(YEAR + 1, 7, 1, 9, 0, tzinfo=datetime.UTC))
    assert services.report_submit(report=report, actor=filer).late is False


@pytest.mark.parametrize("conclusion", [Conclusion.BASICALLY_QUALIFIED, Conclusion.UNQUALIFIED])
def test_a_conclusion_other_than_qualified_needs_reasons(org, filer, clerk, conclusion):
    report = submitted(org, filer)
    with pytest.raises(ValidationError) as error:
        services.report_review(report=report, actor=clerk, conclusion=conclusion)
    assert "reasons" in error.value.message_dict
    report = services.report_review(report=report, actor=clerk, conclusion=conclusion, reasons="未按期换届")
    assert (report.status, report.conclusion) == (ReportStatus.REVIEWED, conclusion)


def test_qualified_despite_should_build_missing_needs_a_documented_reason(clerk):
    org = declaring(5)
    report = submitted(org, own_account(org))
    with pytest.raises(ValidationError) as error:
        services.report_review(report=report, actor=clerk, conclusion=Conclusion.QUALIFIED)
    assert "应建未建" in error.value.message_dict["reasons"][0]
    report = services.report_review(report=report, actor=clerk, conclusion=Conclusion.QUALIFIED,
                                    reasons="党组织组建中，已报上级党委审批")
    assert report.conclusion == Conclusion.QUALIFIED


def test_qualified_needs_no_reasons_otherwise(org, filer, clerk):
    report = services.report_review(report=submitted(org, filer), actor=clerk, conclusion=Conclusion.QUALIFIED)
    assert report.conclusion == Conclusion.QUALIFIED and report.review_reasons == ""


def test_a_draft_cannot_be_reviewed_or_returned(org, filer, clerk):
    report = services.report_save_draft(org=org, year=YEAR, actor=filer)
    with pytest.raises(ValidationError):
        services.report_review(report=report, actor=clerk, conclusion=Conclusion.QUALIFIED)
    with pytest.raises(ValidationError):
        services.report_return(report=report, actor=clerk, reasons="x")


def test_the_organizations_own_account_cannot_review(org, filer):
    report = submitted(org, filer)
    with pytest.raises(PermissionDenied):
        services.report_review(report=report, actor=filer, conclusion=Conclusion.QUALIFIED)


def test_a_bureau_in_another_county_cannot_review(org, filer):
    report = submitted(org, filer)
    with pytest.raises(PermissionDenied):
        services.report_review(report=report, actor=make_user((Role.BUREAU_STAFF, "530103")),
                               conclusion=Conclusion.QUALIFIED)


def test_party_staff_read_but_do_not_review_reports(org, filer):
    report = submitted(org, filer)
    with pytest.raises(PermissionDenied):
        services.report_review(report=report, actor=party_staff(), conclusion=Conclusion.QUALIFIED)


def test_a_deregistered_organization_does_not_report(filer):
    closed = make_org("530102", registered_on=datetime.date(2015, 1, 1), status=OrgStatus.DEREGISTERED,
                      status_changed_on=datetime.date(YEAR, 10, 1))
    with pytest.raises(ValidationError) as error:
        services.report_save_draft(org=closed, year=YEAR, actor=own_account(closed))
    assert "year" in error.value.message_dict
    assert not AnnualReport.objects.exists()


def test_an_organization_deregistered_after_the_deadline_still_owed_that_report(filer):
    closed = make_org("530102", registered_on=datetime.date(2015, 1, 1), status=OrgStatus.DEREGISTERED,
                      status_changed_on=datetime.date(YEAR + 1, 8, 1))
    assert services.report_save_draft(org=closed, year=YEAR, actor=own_account(closed)).pk


@pytest.mark.parametrize("year", [YEAR + 1, YEAR + 2, 2017])
def test_a_year_not_ended_or_before_registration_is_refused(org, filer, year):
    with pytest.raises(ValidationError) as error:
        services.report_save_draft(org=org, year=year, actor=filer)
    assert "year" in error.value.message_dict
    assert not AnnualReport.objects.exists()


def test_negative_amounts_and_totals_that_do_not_add_up_are_refused_together(org, filer):
    with pytest.raises(ValidationError) as error:
        services.report_save_draft(org=org, year=YEAR, actor=filer, total_expenditure=Decimal("-5"),
                                   donation_income=Decimal("10"), total_income=Decimal("11"))
    assert set(error.value.message_dict) == {"total_expenditure", "total_income"}
    assert not AnnualReport.objects.exists()


def test_only_some_registry_fields_can_be_proposed_for_change(org, filer):
    with pytest.raises(ValidationError) as error:
        services.report_save_draft(org=org, year=YEAR, actor=filer, proposed_changes={"uscc": "X"})
    assert "proposed_changes" in error.value.message_dict
    report = services.report_save_draft(org=org, year=YEAR, actor=filer, proposed_changes={"supervisor": "县科协"})
    assert report.proposed_changes == {"supervisor": "县科协"}
    org.refresh_from_db()
    assert org.supervisor == ""  # proposed, not typed over


def test_every_transition_is_audited(org, filer, clerk):
    report = submitted(org, filer)
    report = services.report_return(report=report, actor=clerk, reasons="补正")
    report = services.report_submit(report=report, actor=filer)
    services.report_review(report=report, actor=clerk, conclusion=Conclusion.QUALIFIED)
    actions = list(AuditEntry.objects.filter(object_type="reports.annualreport").order_by("pk")
                   .values_list("action", flat=True))
    assert actions == ["reports.report.save", "reports.report.submit", "reports.report.return",
                       "reports.report.submit", "reports.report.review"]
