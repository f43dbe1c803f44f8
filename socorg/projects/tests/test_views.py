"""The project pages: each opens for those in scope, a refused write shows the Chinese error beside its field and
writes nothing, the figures export is a workbook."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from socorg.core.testing import client_as, make_user
from socorg.party.tests.factories import make_org
from socorg.projects import services
from socorg.projects.models import Application, Need, ProjectCall

from .conftest import TODAY, application_values

pytestmark = pytest.mark.django_db


def test_issue_a_call_from_the_page_with_rules_as_checkboxes(bureau):
    response = client_as(bureau).post("/projects/calls/new/", {
        "name": "2026年昆明市公益创投", "kind": "venture", "region": "530000", "budget": "500000",
        "opens_on": str(TODAY), "closes_on": str(TODAY + datetime.timedelta(days=30)), "categories": ["养老服务"],
        "not_on_credit_list": "on", "registered_years": "2", "min_evaluation_grade": "3", "party_coverage": "work",
        "max_awards": "2"})
    assert response.status_code == 302
    call = ProjectCall.objects.get()
    assert call.rules == [{"rule": "not_on_credit_list"}, {"rule": "registered_years", "min": 2},
                          {"rule": "min_evaluation_grade", "grade": 3},
                          {"rule": "party_coverage", "require": "work"}, {"rule": "max_awards", "max": 2}]
    page = client_as(bureau).get(f"/projects/calls/{call.pk}/").content.decode()
    assert "未列入信用名单" in page and "3A" in page and "not_on_credit_list" not in page


def test_reversed_dates_on_the_call_page_show_the_error_beside_the_field(bureau):
    response = client_as(bureau).post("/projects/calls/new/", {
        "name": "x", "kind": "venture", "region": "530000", "budget": "1", "opens_on": str(TODAY),
        "closes_on": str(TODAY - datetime.timedelta(days=1))})
    assert response.status_code == 400
    assert "早于开始日期" in response.content.decode()
    assert not ProjectCall.objects.exists()


def test_the_organization_sees_its_eligibility_and_applies(call, org, filer):
    page = client_as(filer).get(f"/projects/calls/{call.pk}/").content.decode()
    assert "符合全部申报条件" in page and "成立年限" in page
    response = client_as(filer).post(f"/projects/calls/{call.pk}/apply/", {
        "title": "长者助餐", "category": "养老服务", "plan": "助餐", "budget_lines": "餐费 60000\n人员 40000",
        "amount_requested": "90000", "people_served": "100", "places": "530102"})
    assert response.status_code == 400
    assert "与申请金额 90,000.00 元不一致" in response.content.decode()
    assert not Application.objects.exists()
    response = client_as(filer).post(f"/projects/calls/{call.pk}/apply/", {
        "title": "长者助餐", "category": "养老服务", "plan": "助餐", "budget_lines": "餐费 60000\n人员 40000",
        "amount_requested": "100000", "people_served": "100", "places": "530102"})
    assert response.status_code == 302
    assert Application.objects.get().budget_lines[1] == {"item": "人员", "amount": "40000"}


def test_an_expert_of_the_applicant_cannot_be_assigned_from_the_page(bureau, call, org, filer):
    insider = services.expert_add(actor=bureau, user=make_user(("viewer", "530000")), name="王理事",
                                  region="530000", affiliation=org)
    application = services.application_submit(actor=filer, call=call, org=org, **application_values())
    response = client_as(bureau).post(f"/projects/applications/{application.pk}/assign/",
                                      {"experts": [str(insider.pk)]})
    assert response.status_code == 400 and "不能评审本单位的申报" in response.content.decode()


def test_a_need_outside_the_posters_scope_is_refused_on_the_page(db):
    county = make_user(("bureau_staff", "530102"))
    response = client_as(county).post("/projects/needs/", {
        "title": "助餐", "region": "530103", "category": "养老服务", "people": "5", "starts_on": str(TODAY),
        "ends_on": str(TODAY)})
    assert response.status_code == 400 and "不在您的管辖范围内" in response.content.decode()
    assert not Need.objects.exists()


def test_an_offer_area_outside_the_division_list_is_refused_on_the_page(db):
    org = make_org("530102")
    own = make_user(("org_account", "530102"), organization=org)
    response = client_as(own).post("/projects/offers/", {
        "uscc": org.uscc, "title": "助餐", "categories": ["养老服务"], "regions": "530102 123456", "capacity": "5",
        "starts_on": str(TODAY), "ends_on": str(TODAY)})
    assert response.status_code == 400 and "123456" in response.content.decode()


def test_figures_page_and_excel_export(bureau, call, org, filer):
    assert client_as(bureau).get("/projects/figures/").status_code == 200
    response = client_as(bureau).get("/projects/figures/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert "按服务类别" in book.sheetnames and "乡村振兴分县" in book.sheetnames
