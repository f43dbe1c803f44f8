"""The public site on a phone (Chromium, zh-Hans, 390 px wide): look up an organization, read its record, file a
complaint answering the captcha, then find it on the status page — by keyboard where a person would."""

import pytest
from captcha.models import CaptchaStore

from socorg.complaints.models import Complaint

pytestmark = pytest.mark.browser


def test_look_up_complain_and_follow_on_a_phone(page, live_server, world):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/public/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    # Keyboard: the skip link comes first, then the search field has a label.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.fill("#id_q", "科技创新")
    page.keyboard.press("Enter")
    page.wait_for_url("**/public/orgs/?q=*")
    page.click("text=五华区科技创新协会")
    record = page.locator("#org-record").inner_text()
    assert "4A" in record and "昆民异〔2026〕3号" in record and "13987654321" not in page.content()
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("text=投诉举报")
    page.select_option("#id_category", "improper_fees")
    page.fill("#id_organization_uscc", world["org"].uscc)
    page.fill("#id_description", "<b>强制入会</b>并收取高额会费")
    page.check("#id_anonymous")
    page.fill("#id_captcha_1", "0")  # wrong
    page.click("#complaint-form button[type=submit]")
    assert "验证码答案不正确" in page.content() and not Complaint.objects.exists()
    key = page.locator("input[name=captcha_0]").input_value()
    page.fill("#id_captcha_1", CaptchaStore.objects.get(hashkey=key).response)
    page.click("#complaint-form button[type=submit]")
    receipt_no = page.locator("#receipt-no").inner_text()
    code = page.locator("#status-code").inner_text()
    assert Complaint.objects.get().receipt_no == receipt_no

    page.click("text=投诉办理查询 >> nth=-1")
    page.fill("#id_receipt_no", receipt_no)
    page.fill("#id_code", code)
    page.click("#status-form button[type=submit]")
    assert receipt_no in page.locator("#status-answer").inner_text()
