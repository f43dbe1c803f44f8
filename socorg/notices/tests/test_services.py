import datetime
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from socorg.accounts.models import RoleGrant, User
from socorg.accounts.roles import Role
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user
from socorg.notices import services
from socorg.notices.choices import NoticeStatus
from socorg.notices.models import Notice, NoticeReceipt
from socorg.notices.queries import audience
from socorg.party.models import Responsibility, ResponsibleBody
from socorg.registry.choices import Category, OrgType

from .conftest import draft, in_days, region

pytestmark = pytest.mark.django_db


def names(notice) -> set[str]:
    return set(User.objects.filter(pk__in=audience(notice)).values_list("username", flat=True))


def test_a_region_notice_reaches_the_subtree_s_organizations_and_staff_not_other_provinces(sender, orgs, instructor):
    notice = draft(sender)
    assert names(notice) == {"acct-charity", "acct-foundation", "acct-tech", "instructor-wuhua", "kunming-staff"}


def test_roles_types_and_categories_narrow_the_audience(sender, orgs, instructor):
    assert names(draft(sender, roles=[Role.INSTRUCTOR])) == {"instructor-wuhua"}
    assert names(draft(sender, org_types=[OrgType.FOUNDATION])) == {"acct-foundation"}
    assert names(draft(sender, categories=[Category.CHARITY, Category.SCIENCE_TECHNOLOGY])) == {
        "acct-charity", "acct-tech"}


def test_a_list_of_organizations_reaches_exactly_their_accounts(sender, orgs, instructor):
    notice = draft(sender, organizations=[orgs["tech"]], roles=[Role.INSTRUCTOR])
    assert names(notice) == {"acct-tech"}


def test_responsible_bodies_reach_their_organizations_and_their_staff(sender, orgs):
    body = ResponsibleBody.objects.create(name="昆明市社会组织综合党委", kind="comprehensive", region_id="530100")
    Responsibility.objects.create(organization=orgs["charity"], body=body, start_on=datetime.date(2020, 1, 1))
    body_staff = make_user((Role.PARTY_STAFF, "530100"), username="body-staff")
    RoleGrant.objects.filter(user=body_staff).update(responsible_body=body)
    assert names(draft(sender, bodies=[body])) == {"acct-charity", "body-staff"}


def test_inactive_accounts_and_administrators_receive_nothing(sender, orgs):
    User.objects.filter(username="acct-tech").update(is_active=False)
    make_user((Role.SYSTEM_ADMIN, "530100"), username="sysadmin")
    assert "acct-tech" not in names(draft(sender)) and "sysadmin" not in names(draft(sender))


def test_bad_input_is_refused_with_every_field_named_and_nothing_saved(sender, orgs):
    with pytest.raises(ValidationError) as caught:
        services.notice_save(actor=sender, title="", body="<script></script>", region=region("110000"),
                             roles=["system_admin"], org_types=["company"], organizations=[orgs["beijing"]],
                             response_kind="upload", response_due_on=None, remind_after_days=-1)
    assert set(caught.value.message_dict) == {"title", "body", "region", "roles", "org_types", "response_due_on",
                                              "remind_after_days"}
    assert "无权" in caught.value.message_dict["region"][0] or "不能" in caught.value.message_dict["region"][0]
    assert not Notice.objects.exists()


def test_organizations_outside_the_region_are_refused(sender, orgs):
    with pytest.raises(ValidationError) as caught:
        draft(sender, organizations=[orgs["beijing"]])
    assert orgs["beijing"].uscc in caught.value.message_dict["organizations"][0]


def test_an_oversized_attachment_is_refused(sender, orgs, settings):
    settings.SOCORG_ATTACHMENT_MAX_BYTES = 1000
    big = SimpleUploadedFile("计划.pdf", b"%PDF" + b"0" * 2000, content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        draft(sender, attachments=[big])
    assert "计划.pdf" in caught.value.message_dict["attachments"][0]
    assert not Notice.objects.exists()


def test_staff_without_the_send_capability_cannot_write(orgs):
    viewer = make_user((Role.VIEWER, "530100"))
    with pytest.raises(PermissionDenied):
        draft(viewer)


def test_publishing_creates_one_receipt_per_recipient_and_is_audited(sender, orgs):
    notice = services.notice_publish(notice=draft(sender), actor=sender)
    assert notice.status == NoticeStatus.PUBLISHED
    assert set(notice.receipts.values_list("recipient__username", flat=True)) == {
        "acct-charity", "acct-foundation", "acct-tech"}  # the sender does not notify themselves
    assert notice.receipts.get(recipient__username="acct-tech").organization == orgs["tech"]
    entry = AuditEntry.objects.filter(action="notices.notice.publish").get()
    assert entry.after["recipients"] == 3


def test_a_notice_with_nobody_in_its_audience_cannot_be_published(sender, orgs):
    notice = draft(sender, org_types=[OrgType.FOUNDATION], categories=[Category.CHARITY])
    with pytest.raises(ValidationError) as caught:
        services.notice_publish(notice=notice, actor=sender)
    assert "region" in caught.value.message_dict
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT and not notice.receipts.exists()


def test_a_published_notice_cannot_be_edited_or_published_again(sender, orgs):
    notice = services.notice_publish(notice=draft(sender), actor=sender)
    with pytest.raises(ValidationError):
        draft(sender, notice=notice)
    with pytest.raises(ValidationError):
        services.notice_publish(notice=notice, actor=sender)


def test_staff_of_another_region_cannot_publish(sender, orgs):
    notice = draft(sender)
    with pytest.raises(PermissionDenied):
        services.notice_publish(notice=notice, actor=make_user((Role.BUREAU_STAFF, "110000")))


def published(sender, **values):
    return services.notice_publish(notice=draft(sender, **values), actor=sender)


def receipt_of(notice, username) -> NoticeReceipt:
    return notice.receipts.get(recipient__username=username)


def test_reading_records_the_first_read_only(sender, orgs):
    notice = published(sender)
    receipt = receipt_of(notice, "acct-tech")
    first = services.notice_read(receipt=receipt, actor=receipt.recipient).read_at
    assert first is not None
    assert services.notice_read(receipt=receipt, actor=receipt.recipient).read_at == first


def test_only_the_recipient_reads_or_responds_to_a_receipt(sender, orgs):
    notice = published(sender, response_kind="reply", response_due_on=in_days(7))
    receipt = receipt_of(notice, "acct-tech")
    other = User.objects.get(username="acct-charity")
    with pytest.raises(PermissionDenied):
        services.notice_read(receipt=receipt, actor=other)
    with pytest.raises(PermissionDenied):
        services.notice_respond(receipt=receipt, actor=other, reply="我来回")


def test_a_required_reply_and_a_required_upload(sender, orgs):
    reply_notice = published(sender, response_kind="reply", response_due_on=in_days(7))
    receipt = receipt_of(reply_notice, "acct-tech")
    with pytest.raises(ValidationError) as caught:
        services.notice_respond(receipt=receipt, actor=receipt.recipient, reply="  ")
    assert "reply" in caught.value.message_dict
    done = services.notice_respond(receipt=receipt, actor=receipt.recipient, reply="已收到，按时报送。")
    assert done.responded_at and done.read_at and done.reply == "已收到，按时报送。"
    upload_notice = published(sender, title="报送计划", response_kind="upload", response_due_on=in_days(7))
    receipt = receipt_of(upload_notice, "acct-charity")
    with pytest.raises(ValidationError) as caught:
        services.notice_respond(receipt=receipt, actor=receipt.recipient,
                                file=SimpleUploadedFile("计划.pdf", b"not a pdf"))
    assert "file" in caught.value.message_dict
    done = services.notice_respond(receipt=receipt, actor=receipt.recipient,
                                   file=SimpleUploadedFile("计划.pdf", b"%PDF-1.4 plan"))
    assert done.reply_file_name == "计划.pdf" and done.responded_at
    assert AuditEntry.objects.filter(action="notices.receipt.respond").count() == 2


def test_a_withdrawn_or_expired_notice_leaves_the_inbox(sender, orgs):
    from socorg.notices.queries import inbox

    notice = published(sender)
    account = User.objects.get(username="acct-tech")
    assert inbox(account).count() == 1
    services.notice_withdraw(notice=notice, actor=sender)
    assert inbox(account).count() == 0
    expiring = published(sender, title="今天截止", expires_on=timezone.localdate())
    assert inbox(account).filter(notice=expiring).exists()
    Notice.objects.filter(pk=expiring.pk).update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    assert not inbox(account).filter(notice=expiring).exists()


def test_reminders_go_to_unread_recipients_after_n_days_and_again_after_n_more(sender, orgs):
    notice = published(sender, remind_after_days=3)
    reader = receipt_of(notice, "acct-tech")
    services.notice_read(receipt=reader, actor=reader.recipient)
    now = timezone.now()
    assert services.send_reminders(now=now + datetime.timedelta(days=2)) == {"notices": 0, "reminded": 0}
    result = services.send_reminders(now=now + datetime.timedelta(days=3, minutes=1))
    assert result == {"notices": 1, "reminded": 2}
    assert receipt_of(notice, "acct-tech").reminders_sent == 0
    assert receipt_of(notice, "acct-charity").reminders_sent == 1
    # Run twice the same day: nobody is reminded twice.
    assert services.send_reminders(now=now + datetime.timedelta(days=3, minutes=2))["reminded"] == 0
    assert services.send_reminders(now=now + datetime.timedelta(days=6, minutes=2))["reminded"] == 2
    assert receipt_of(notice, "acct-foundation").reminders_sent == 2
    assert AuditEntry.objects.filter(action="notices.notice.remind").count() == 2


def test_no_reminders_for_withdrawn_notices_or_an_interval_of_zero(sender, orgs):
    services.notice_withdraw(notice=published(sender), actor=sender)
    published(sender, title="不提醒", remind_after_days=0)
    assert services.send_reminders(now=timezone.now() + datetime.timedelta(days=30))["reminded"] == 0


@override_settings(SOCORG_NOTICE_REMINDER_EMAIL=True)
def test_reminders_are_mailed_when_configured(sender, orgs, mailoutbox):
    User.objects.filter(username="acct-tech").update(email="tech@example.org")
    published(sender, remind_after_days=1)
    services.send_reminders(now=timezone.now() + datetime.timedelta(days=1, minutes=1))
    assert [m.to for m in mailoutbox] == [["tech@example.org"]]
    assert "关于报送2026年组织生活计划的通知" in mailoutbox[0].subject


def test_the_reminder_command_reports_what_it_did(sender, orgs):
    notice = published(sender, remind_after_days=1)
    NoticeReceipt.objects.filter(notice=notice).update(delivered_at=timezone.now() - datetime.timedelta(days=2))
    out = io.StringIO()
    call_command("remind_notices", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == {"notices": 1, "reminded": 3}


def test_the_celery_task_runs_the_same_reminders(sender, orgs):
    from socorg.notices.tasks import remind_unread

    notice = published(sender, remind_after_days=1)
    NoticeReceipt.objects.filter(notice=notice).update(delivered_at=timezone.now() - datetime.timedelta(days=2))
    assert remind_unread.apply().get() == {"notices": 1, "reminded": 3}
