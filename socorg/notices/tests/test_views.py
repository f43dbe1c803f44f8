import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from socorg.accounts.models import User
from socorg.accounts.roles import Role
from socorg.core.testing import client_as, make_user
from socorg.notices import services
from socorg.notices.models import Notice

from .conftest import draft, in_days

pytestmark = pytest.mark.django_db


def test_staff_write_a_notice_on_the_page_and_bad_input_is_named_beside_the_fields(sender, orgs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(sender)
    bad = client.post("/notices/new/", {"title": "", "body": "", "region": "999999", "response_kind": "upload",
                                        "remind_after_days": "3"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 200 and not Notice.objects.exists()
    assert "没有代码为“999999”的行政区划" in bad.content.decode()
    response = client.post("/notices/new/", {
        "title": "关于报送2026年组织生活计划的通知", "body": "请上传计划。<script>alert(1)</script>",
        "region": "530100",
        "response_kind": "upload", "response_due_on": in_days(10).isoformat(), "remind_after_days": "3",
        "attachments": [SimpleUploadedFile("模板.pdf", b"%PDF-1.4 template")]})
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/notices/{notice.pk}/"
    assert "<script" not in notice.body and notice.attachments.count() == 1
    client.post(f"/notices/{notice.pk}/publish/")
    page = client.get(f"/notices/{notice.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "完成情况" in page and "五华区科技协会" in page


def test_a_recipient_sees_the_notice_on_the_home_page_reads_it_and_uploads_the_file(sender, orgs, settings,
                                                                                      tmp_path):
    settings.MEDIA_ROOT = tmp_path
    notice = services.notice_publish(notice=draft(sender, response_kind="upload", response_due_on=in_days(5)),
                                     actor=sender)
    account = User.objects.get(username="acct-tech")
    client = client_as(account)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "未读通知" in home and "待回复或待上传材料的通知" in home
    receipt = notice.receipts.get(recipient=account)
    assert client.get(f"/notices/inbox/{receipt.pk}/").status_code == 200
    receipt.refresh_from_db()
    assert receipt.read_at is not None
    bad = client.post(f"/notices/inbox/{receipt.pk}/", {"file": SimpleUploadedFile("计划.exe", b"MZ")},
                      HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 200 and "不接受" in bad.content.decode()
    client.post(f"/notices/inbox/{receipt.pk}/", {"file": SimpleUploadedFile("计划.pdf", b"%PDF-1.4 plan")})
    receipt.refresh_from_db()
    assert receipt.reply_file_name == "计划.pdf"
    assert client_as(sender).get(f"/notices/replies/{receipt.pk}/file/").status_code == 200
    # Another organization's account reaches neither the receipt nor its file.
    other = client_as(User.objects.get(username="acct-charity"))
    assert other.get(f"/notices/inbox/{receipt.pk}/").status_code == 404
    assert other.get(f"/notices/replies/{receipt.pk}/file/").status_code == 404


def test_staff_of_another_province_do_not_see_the_notice(sender, orgs):
    notice = draft(sender)
    outsider = client_as(make_user((Role.BUREAU_STAFF, "110000")))
    assert outsider.get(f"/notices/{notice.pk}/").status_code == 404
    assert outsider.post(f"/notices/{notice.pk}/publish/").status_code == 404


def test_the_completion_table_filters_by_state_and_exports(sender, orgs):
    notice = services.notice_publish(notice=draft(sender), actor=sender)
    receipt = notice.receipts.get(recipient__username="acct-tech")
    services.notice_read(receipt=receipt, actor=receipt.recipient)
    client = client_as(sender)
    unread = client.get(f"/notices/{notice.pk}/?state=unread").content.decode()
    assert "五华区慈善协会" in unread and "五华区科技协会" not in unread
    export = client.get(f"/notices/{notice.pk}/receipts.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
