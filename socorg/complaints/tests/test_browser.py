"""A clerk records a phone complaint and takes it to the reply in the browser (zh-Hans, Chromium): bad input first
(field errors, nothing saved), then accept, assign, investigate, conclude founded with a rectification order, reply;
the complainant's phone stays masked until the audited reveal."""

import datetime

import pytest
from django.utils import timezone

from socorg.complaints.models import Complaint
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user
from socorg.core.testing_browser import login

pytestmark = pytest.mark.browser
PASSWORD = "Browser-Test-1!"


def test_clerk_takes_a_phone_complaint_from_intake_to_reply(page, live_server, org):
    clerk = make_user(("bureau_staff", "530102"), password=PASSWORD)
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, clerk.username, PASSWORD)

    page.goto(f"{live_server.url}/complaints/")
    page.click("#new-complaint")
    page.select_option("select[name=channel]", "phone")
    page.fill("input[name=organization_uscc]", org.uscc)
    page.select_option("select[name=category]", "improper_fees")
    page.fill("textarea[name=description]", "该协会强制会员单位缴纳高额会费")
    page.fill("input[name=complainant_phone]", "12")  # no name, and not a phone number
    page.click("#complaint-form button[type=submit]")
    body = page.content()
    assert "请填写投诉人姓名" in body and "不是电话号码" in body
    assert not Complaint.objects.exists()

    page.fill("input[name=complainant_name]", "王五")
    page.fill("input[name=complainant_phone]", "13700001234")
    page.click("#complaint-form button[type=submit]")
    page.wait_for_selector("#complaint-status")
    complaint = Complaint.objects.get()
    assert page.locator("#complaint-status").inner_text() == "已登记"
    assert "查询码" in page.content() and complaint.receipt_no in page.content()
    assert "13700001234" not in page.content() and "137****1234" in page.content()

    page.check("#accept-form input[value=accept]")
    page.click("#accept-form button")
    page.wait_for_selector("#assign-form")
    assert page.locator("#complaint-status").inner_text() == "已受理"
    page.select_option("#assign-form select[name=assignee]", str(clerk.pk))
    page.fill("#assign-form textarea[name=note]", "请十个工作日内核查")
    page.click("#assign-form button")
    page.wait_for_selector("#investigate-form")
    page.fill("#investigate-form textarea[name=findings]", "调取收费凭证，确认强制收费属实")
    page.click("#investigate-form button")
    page.wait_for_selector("#conclude-form")

    page.check("#conclude-form input[value=founded]")
    page.fill("#conclude-form textarea[name=conclusion]", "投诉属实")
    page.click("#conclude-form button")  # founded without any measure
    assert "至少需要一项措施" in page.content()
    assert Complaint.objects.get().status == "investigated"
    deadline = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    page.check("#conclude-form input[value=founded]")
    page.fill("#conclude-form textarea[name=conclusion]", "投诉属实")
    page.fill("#conclude-form textarea[name=rectification_requirements]", "退还强制收取的会费")
    page.fill("#conclude-form input[name=rectification_deadline]", deadline)
    page.click("#conclude-form button")
    page.wait_for_selector("#reply-form")
    assert page.locator("#complaint-outcome").inner_text() == "属实"

    page.select_option("#reply-form select[name=method]", "phone")
    page.fill("#reply-form textarea[name=reply]", "经查属实，已责令限期退还会费")
    page.click("#reply-form button")
    page.wait_for_selector("#history")
    assert page.locator("#complaint-status").inner_text() == "已答复"

    page.click("#reveal")
    page.wait_for_selector("text=13700001234")
    assert AuditEntry.objects.filter(action="complaints.complaint.reveal", actor_id=clerk.pk).count() == 1
    complaint = Complaint.objects.get()
    assert (complaint.status, complaint.outcome, complaint.rectification_deadline.isoformat()) == (
        "replied", "founded", deadline)
