"""An organization files its annual report in the browser; a clerk returns it, then passes it (zh-Hans, Chromium)."""

import pytest

from socorg.core.testing import make_user
from socorg.core.testing_browser import login
from socorg.reports.models import AnnualReport

from .conftest import YEAR

pytestmark = pytest.mark.browser
PASSWORD = "Browser-Test-1!"


def switch_user(page, live_server, user):
    page.context.clear_cookies()
    login(page, live_server, user.username, PASSWORD)


def test_organization_files_clerk_returns_then_passes(page, live_server, org):
    filer = make_user(("org_account", "530102"), password=PASSWORD, organization=org)
    clerk = make_user(("bureau_staff", "530102"), password=PASSWORD)
    page.on("dialog", lambda dialog: dialog.accept())
    report_url = f"{live_server.url}/reports/{org.uscc}/{YEAR}/"

    switch_user(page, live_server, filer)
    page.goto(report_url)
    assert page.locator("#report-status").inner_text() == "未开始"
    assert "党建信息" in page.content()
    page.click("text=开始填报")
    page.fill("input[name=donation_income]", "12000")
    page.fill("input[name=total_income]", "12500")  # does not add up
    page.click("#report-form button[type=submit]")
    assert "不一致" in page.content()
    assert not AnnualReport.objects.exists()
    page.fill("input[name=total_income]", "12000")
    page.fill("textarea[name=activities_summary]", "开展科普进社区活动6场")
    page.click("#report-form button[type=submit]")
    page.wait_for_url(report_url)
    assert page.locator("#report-status").inner_text() == "草稿"
    page.click("#submit-form button")
    page.wait_for_url(report_url)
    assert page.locator("#report-status").inner_text() == "已提交"

    switch_user(page, live_server, clerk)
    page.goto(f"{live_server.url}/reports/")
    page.click(f"text={org.name}")
    page.wait_for_url(report_url)
    page.fill("#return-form textarea[name=reasons]", "请补充换届情况说明")
    page.click("#return-form button")
    page.wait_for_url(report_url)
    assert page.locator("#report-status").inner_text() == "退回补正"

    switch_user(page, live_server, filer)
    page.goto(report_url)
    assert "请补充换届情况说明" in page.content()
    page.click("text=编辑草稿")
    page.select_option("select[name=election_on_time]", "true")
    page.click("#report-form button[type=submit]")
    page.wait_for_url(report_url)
    page.click("#submit-form button")
    page.wait_for_url(report_url)

    switch_user(page, live_server, clerk)
    page.goto(report_url)
    page.check("#review-form input[value=qualified]")
    page.click("#review-form button")
    page.wait_for_url(report_url)
    assert page.locator("#report-status").inner_text() == "已审核"
    report = AnnualReport.objects.get()
    assert (report.status, report.conclusion, report.election_on_time) == ("reviewed", "qualified", True)
