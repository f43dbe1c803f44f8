"""A clerk writes and publishes a notice asking for a file; an organization sees it on its home page, reads it and
uploads the file; the clerk's completion table shows it (zh-Hans, Chromium)."""

import pytest

from socorg.core.testing import make_user
from socorg.core.testing_browser import login
from socorg.notices.models import NoticeReceipt
from socorg.party.tests.factories import make_org

from .conftest import in_days

pytestmark = pytest.mark.browser
PASSWORD = "Browser-Test-1!"


def switch_user(page, live_server, user):
    page.context.clear_cookies()
    login(page, live_server, user.username, PASSWORD)


def test_clerk_publishes_organization_reads_and_uploads(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = make_org("530102", name="五华区科技协会")
    account = make_user(("org_account", "530102"), password=PASSWORD, organization=org)
    clerk = make_user(("bureau_staff", "530100"), password=PASSWORD)
    plan = tmp_path / "计划.pdf"
    plan.write_bytes(b"%PDF-1.4 plan")
    page.on("dialog", lambda dialog: dialog.accept())

    switch_user(page, live_server, clerk)
    page.goto(f"{live_server.url}/notices/")
    page.click("#new-notice")
    page.fill("input[name=title]", "关于报送2026年组织生活计划的通知")
    page.fill("textarea[name=body]", "请各社会组织党组织于月底前上传计划。")
    page.fill("input[name=region]", "530100")
    page.select_option("select[name=response_kind]", "upload")
    page.click("#notice-form button[type=submit]")
    assert "请填写回复或上传材料的截止日期" in page.content()
    page.fill("input[name=response_due_on]", in_days(10).isoformat())
    page.click("#notice-form button[type=submit]")
    page.wait_for_url("**/notices/*/")
    notice_url = page.url
    assert page.locator("#notice-status").inner_text() == "草稿"
    page.click("#publish")
    page.wait_for_url(notice_url)
    assert page.locator("#notice-status").inner_text() == "已发布"
    assert page.locator("#figure-unread").inner_text() == "1"

    switch_user(page, live_server, account)
    page.goto(f"{live_server.url}/")
    assert "未读通知" in page.content()
    page.click("text=未读通知")
    page.click("text=关于报送2026年组织生活计划的通知")
    page.set_input_files("input[name=file]", str(plan))
    page.click("#response-form button[type=submit]")
    assert "已提交" in page.content()

    switch_user(page, live_server, clerk)
    page.goto(notice_url)
    assert page.locator("#figure-read").inner_text() == "1"
    assert page.locator("#figure-responded").inner_text() == "1"
    assert "计划.pdf" in page.locator("#completion-table").inner_text()
    receipt = NoticeReceipt.objects.get()
    assert receipt.read_at and receipt.reply_file_name == "计划.pdf"
