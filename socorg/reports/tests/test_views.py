"""The annual-report pages, as a filer and as a reviewer use them."""

import pytest
from django.utils import translation

from socorg.accounts.roles import Role
from socorg.core.testing import client_as, make_user
from socorg.reports.models import AnnualReport

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def page(org, suffix=""):
    return f"/reports/{org.uscc}/{YEAR}/{suffix}"


def test_a_filer_starts_saves_and_submits_a_report(org, filer):
    client = client_as(filer)
    detail = client.get(page(org))
    assert detail.status_code == 200
    assert "未开始" in detail.content.decode() or detail.context["report"].pk is None
    saved = client.post(page(org, "edit/"), {"activities_summary": "开展科普讲座6场", "donation_income": "100",
                                              "total_income": "100", "proposed_supervisor": "县科学技术协会"})
    assert saved.status_code == 302
    report = AnnualReport.objects.get()
    assert report.activities_summary == "开展科普讲座6场"
    assert report.proposed_changes == {"supervisor": "县科学技术协会"}
    assert client.post(page(org, "submit/")).status_code == 302
    assert AnnualReport.objects.get().status == "submitted"


def test_the_form_shows_field_errors_and_saves_nothing(org, filer):
    with translation.override("zh-hans"):
        response = client_as(filer).post(page(org, "edit/"), {"total_expenditure": "-3", "donation_income": "1",
                                                               "total_income": "2"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"total_expenditure", "total_income"}
    assert not AnnualReport.objects.exists()


def test_a_reviewer_returns_then_passes_a_report(org, filer, clerk):
    client_as(filer).post(page(org, "edit/"), {"activities_summary": "x"})
    client_as(filer).post(page(org, "submit/"))
    detail = client_as(clerk).get(page(org))
    assert detail.context["can_review"] is True
    client_as(clerk).post(page(org, "return/"), {"reasons": "请补充财务数据"})
    assert AnnualReport.objects.get().status == "returned"
    client_as(filer).post(page(org, "edit/"), {"total_expenditure": "5000"})
    client_as(filer).post(page(org, "submit/"))
    client_as(clerk).post(page(org, "review/"), {"conclusion": "qualified"})
    report = AnnualReport.objects.get()
    assert (report.status, report.conclusion) == ("reviewed", "qualified")


def test_a_review_without_reasons_shows_the_message_and_changes_nothing(org, filer, clerk):
    client_as(filer).post(page(org, "edit/"), {})
    client_as(filer).post(page(org, "submit/"))
    response = client_as(clerk).post(page(org, "review/"), {"conclusion": "unqualified"}, follow=True)
    assert any("理由" in str(m) or "reasons" in str(m) for m in response.context["messages"])
    assert AnnualReport.objects.get().status == "submitted"


def test_the_filer_sees_no_review_form(org, filer):
    client_as(filer).post(page(org, "edit/"), {})
    client_as(filer).post(page(org, "submit/"))
    assert client_as(filer).get(page(org)).context["can_review"] is False


def test_another_county_gets_404(org):
    outsider = make_user((Role.BUREAU_STAFF, "530103"))
    assert client_as(outsider).get(page(org)).status_code == 404
    assert client_as(outsider).post(page(org, "edit/"), {}).status_code == 404


def test_the_queue_lists_reports_with_the_years_figures(org, filer, clerk):
    client_as(filer).post(page(org, "edit/"), {})
    client_as(filer).post(page(org, "submit/"))
    response = client_as(clerk).get("/reports/")
    assert response.status_code == 200
    assert org.name in response.content.decode()
    assert response.context["figures"].submitted == 1


def test_the_queue_shows_the_clerks_own_region_from_the_maintained_counts(org, filer, clerk, monkeypatch):
    from socorg.reports import queries

    client_as(filer).post(page(org, "edit/"), {})
    client_as(filer).post(page(org, "submit/"))

    def not_live(**kwargs):
        raise AssertionError("the figures of the clerk's own county are counted live")
    monkeypatch.setattr(queries, "_live_by_code", not_live)
    response = client_as(clerk).get("/reports/")
    assert (response.context["region"].code, response.context["figures"].submitted) == ("530102", 1)
    assert client_as(clerk).get("/reports/sync/").context["region"].code == "530102"


def test_open_a_report_by_credit_code(org, clerk):
    response = client_as(clerk).get(f"/reports/open/?uscc={org.uscc.lower()}&year={YEAR}")
    assert response.status_code == 302 and response["Location"] == page(org)
    missing = client_as(clerk).get("/reports/open/?uscc=NOPE&year=2025", follow=True)
    assert missing.redirect_chain[-1][0] == "/reports/"


def test_the_organization_page_lists_its_annual_reports(org, filer, clerk):
    client_as(filer).post(page(org, "edit/"), {})
    client_as(filer).post(page(org, "submit/"))
    body = client_as(clerk).get(f"/orgs/{org.uscc}/").content.decode()
    assert "年度报告" in body and f"/reports/{org.uscc}/{YEAR}/" in body and "三同步检查" in body


def test_the_organizations_behind_a_figure_download_as_a_workbook_with_their_reports(org, filer, clerk):
    import io

    import openpyxl

    from socorg.party.tests.factories import make_org
    from socorg.reports import services

    services.report_submit(report=services.report_save_draft(org=org, year=YEAR, actor=filer), actor=filer)
    never = make_org("530102", name="从未报送协会", registered_on=org.registered_on)
    make_org("530103", name="邻县协会", registered_on=org.registered_on)  # outside the clerk's county
    with translation.override("zh-hans"):
        response = client_as(clerk).get("/reports/figures/orgs/", {"figure": "due", "year": YEAR,
                                                                   "region": "530102", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "no-store"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    by_uscc = {row[0]: row for row in rows}
    assert set(by_uscc) == {org.uscc, never.uscc}  # the figure's organizations, nothing from the next county
    assert "应报" in sheet["A1"].value and "2 个组织" in sheet["A1"].value
    assert by_uscc[org.uscc][6] == "已提交" and by_uscc[org.uscc][9] in ("", None)
    assert by_uscc[never.uscc][6] == "未开始" and by_uscc[never.uscc][7] is None


def test_the_figure_page_links_its_excel_export(org, clerk):
    response = client_as(clerk).get("/reports/figures/orgs/", {"figure": "due", "year": YEAR, "region": "530102"})
    assert "format=xlsx" in response.content.decode()
