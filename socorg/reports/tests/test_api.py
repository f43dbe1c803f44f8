"""The annual-report API contract (issue: /api/v1/annual-reports/ and /api/v1/orgs/{uscc}/annual-reports/{year}/)."""

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing import api_as, make_user, scope_cases
from socorg.reports.models import AnnualReport

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def url(org, suffix=""):
    return f"/api/v1/orgs/{org.uscc}/annual-reports/{YEAR}/{suffix}"


def test_before_any_save_the_report_is_not_started_with_the_party_building_prefilled(org, filer):
    response = api_as(filer).get(url(org))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "not_started"
    assert set(body["party_building"]) >= {"party_orgs", "full_members", "probationary_members", "instructors",
                                           "activities", "party_clause_in_charter"}
    assert not AnnualReport.objects.exists()


def test_the_whole_workflow_over_the_api(org, filer, clerk):
    saved = api_as(filer).put(url(org), {"activities_summary": "开展培训8期", "donation_income": "1000.00",
                                         "total_income": "1000.00"}, format="json")
    assert saved.status_code == 200 and saved.json()["status"] == "draft"
    assert api_as(filer).post(url(org, "submit/")).json()["status"] == "submitted"
    returned = api_as(clerk).post(url(org, "return/"), {"reasons": "请补充审计报告"}, format="json")
    assert returned.json()["status"] == "returned" and returned.json()["return_reasons"] == "请补充审计报告"
    assert api_as(filer).post(url(org, "submit/")).json()["status"] == "submitted"
    reviewed = api_as(clerk).post(url(org, "review/"), {"conclusion": "basically_qualified", "reasons": "换届延期"},
                                  format="json")
    assert reviewed.status_code == 200
    assert (reviewed.json()["status"], reviewed.json()["conclusion"]) == ("reviewed", "basically_qualified")


def test_bad_amounts_answer_400_naming_the_fields_and_save_nothing(org, filer):
    response = api_as(filer).put(url(org), {"total_expenditure": "-1", "donation_income": "5",
                                            "total_income": "6"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"total_expenditure", "total_income"}
    assert not AnnualReport.objects.exists()


def test_unqualified_without_reasons_answers_400(org, filer, clerk):
    api_as(filer).put(url(org), {}, format="json")
    api_as(filer).post(url(org, "submit/"))
    response = api_as(clerk).post(url(org, "review/"), {"conclusion": "unqualified"}, format="json")
    assert response.status_code == 400 and "reasons" in response.json()


def test_an_unknown_conclusion_answers_400(org, filer, clerk):
    api_as(filer).put(url(org), {}, format="json")
    api_as(filer).post(url(org, "submit/"))
    response = api_as(clerk).post(url(org, "review/"), {"conclusion": "excellent"}, format="json")
    assert response.status_code == 400 and "conclusion" in response.json()


def test_submitting_twice_answers_400(org, filer):
    api_as(filer).put(url(org), {}, format="json")
    assert api_as(filer).post(url(org, "submit/")).status_code == 200
    assert api_as(filer).post(url(org, "submit/")).status_code == 400


def test_the_organizations_account_cannot_review_its_own_report(org, filer):
    api_as(filer).put(url(org), {}, format="json")
    api_as(filer).post(url(org, "submit/"))
    response = api_as(filer).post(url(org, "review/"), {"conclusion": "qualified"}, format="json")
    assert response.status_code == 403
    assert AnnualReport.objects.get().status == "submitted"


def test_a_year_in_the_future_answers_400_on_year(org, filer):
    response = api_as(filer).put(f"/api/v1/orgs/{org.uscc}/annual-reports/{YEAR + 2}/", {}, format="json")
    assert response.status_code == 400 and "year" in response.json()


@pytest.mark.parametrize("case", scope_cases(
    home="530102", view_roles={Role.BUREAU_STAFF, Role.PARTY_STAFF, Role.VIEWER, Role.INSTRUCTOR, Role.ORG_ACCOUNT},
    change_roles={Role.BUREAU_STAFF}), ids=str)
def test_report_scope(case, org):
    response = api_as(case.user()).get(url(org))
    if case.role is None:
        assert response.status_code == 403
    elif case.sees:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404)


def test_list_filters_by_year_status_and_conclusion_and_stays_in_scope(org, filer, clerk):
    api_as(filer).put(url(org), {}, format="json")
    api_as(filer).post(url(org, "submit/"))
    api_as(clerk).post(url(org, "review/"), {"conclusion": "qualified"}, format="json")
    rows = api_as(clerk).get(f"/api/v1/annual-reports/?year={YEAR}&status=reviewed&conclusion=qualified").json()
    assert [r["uscc"] for r in rows["results"]] == [org.uscc]
    assert api_as(clerk).get("/api/v1/annual-reports/?conclusion=unqualified").json()["results"] == []
    outsider = make_user((Role.BUREAU_STAFF, "530103"))
    assert api_as(outsider).get("/api/v1/annual-reports/").json()["results"] == []
