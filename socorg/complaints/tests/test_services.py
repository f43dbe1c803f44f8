"""The complaint workflow through its services: every step, bad input (all problems at once, nothing written),
scope, the audited reveal, escalation, the public channel and its status look-up."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.complaints import services
from socorg.complaints.models import Complaint, ComplaintAttachment
from socorg.complaints.queries import complaint_status_public
from socorg.core.audit import SYSTEM
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user
from socorg.party.tests.factories import make_org

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def receive(actor, org=None, **values):
    defaults = {"channel": "phone", "category": "improper_fees", "description": "强制入会并收取会费",
                "organization_uscc": org.uscc if org else "", "complainant_name": "张三",
                "complainant_phone": "13812345678"}
    return services.complaint_receive(actor=actor, **(defaults | values))


def walk_to(complaint, clerk, investigator, status):
    steps = ["accepted", "assigned", "investigated", "concluded", "replied"]
    for step in steps[:steps.index(status) + 1]:
        if step == "accepted":
            complaint = services.complaint_accept(complaint=complaint, actor=clerk, accepted=True)
        elif step == "assigned":
            complaint = services.complaint_assign(complaint=complaint, actor=clerk, assignee=investigator)
        elif step == "investigated":
            complaint = services.complaint_investigate(complaint=complaint, actor=investigator,
                                                       findings="查阅收费台账，确有强制收费")
        elif step == "concluded":
            complaint = services.complaint_conclude(
                complaint=complaint, actor=investigator, outcome="founded", conclusion="举报属实",
                rectification_requirements="退还强制收取的会费", rectification_deadline=TODAY + datetime.timedelta(30))
        else:
            complaint = services.complaint_reply(complaint=complaint, actor=clerk, method="phone",
                                                 reply="经查属实，已责令整改")
    return complaint


def test_the_whole_workflow_from_a_phone_call_to_the_reply(org, clerk, investigator):
    complaint = receive(clerk, org)
    assert complaint.region_id == "530102" and complaint.organization == org
    assert complaint.status == "received" and complaint.accept_due_on > complaint.received_on
    assert complaint.receipt_no.startswith("TS") and len(complaint.lookup_code) == 8
    complaint = walk_to(complaint, clerk, investigator, "replied")
    complaint.refresh_from_db()
    assert complaint.status == "replied" and complaint.outcome == "founded"
    assert complaint.conclude_due_on is not None and not complaint.accepted_late and not complaint.concluded_late
    entries = AuditEntry.objects.filter(object_type="complaints.complaint").order_by("seq")
    actions = list(entries.values_list("action", flat=True))
    assert actions == [f"complaints.complaint.{a}" for a in
                       ("receive", "accept", "assign", "investigate", "conclude", "reply")]


def test_the_complainant_is_encrypted_at_rest_and_never_in_the_audit_log(org, clerk):
    from django.db import connection

    complaint = receive(clerk, org)
    with connection.cursor() as cursor:
        cursor.execute("SELECT complainant_name, complainant_phone FROM complaints_complaint WHERE id = %s",
                       [complaint.pk])
        name, phone = cursor.fetchone()
    assert "张三" not in name and "13812345678" not in phone
    entries = " ".join(str(e.after) + e.object_repr for e in AuditEntry.objects.all())
    assert "张三" not in entries and "13812345678" not in entries
    assert complaint.lookup_code not in entries


def test_an_unknown_credit_code_is_kept_as_free_text_and_flagged(clerk):
    complaint = receive(clerk, organization_uscc="51530102MJ9999999X", organization_name="某某培训中心",
                        region="530102")
    assert complaint.organization is None and complaint.organization_unknown
    assert (complaint.organization_uscc, complaint.organization_name) == ("51530102MJ9999999X", "某某培训中心")


def test_an_unknown_organization_needs_the_region_it_concerns(clerk):
    with pytest.raises(ValidationError) as error:
        receive(clerk, organization_name="某某培训中心")
    assert set(error.value.message_dict) == {"region"}
    assert not Complaint.objects.exists()


def test_a_name_matching_one_registered_organization_links_it(org, clerk):
    complaint = receive(clerk, organization_name=org.name)
    assert complaint.organization == org and not complaint.organization_unknown


def test_bad_intake_names_every_field_and_saves_nothing(clerk):
    with pytest.raises(ValidationError) as error:
        services.complaint_receive(actor=clerk, channel="fax", category="gossip", description="  ",
                                   complainant_phone="12", received_on=TODAY + datetime.timedelta(days=1),
                                   attachments=[SimpleUploadedFile("x.exe", b"MZ")])
    assert set(error.value.message_dict) >= {"channel", "category", "description", "organization_name",
                                             "complainant_name", "complainant_phone", "received_on",
                                             "attachments"}
    assert not Complaint.objects.exists() and not ComplaintAttachment.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="complaints.").exists()


def test_an_organization_outside_the_clerks_scope_is_refused(clerk):
    elsewhere = make_org("110101", name="北京某协会")
    with pytest.raises(ValidationError) as error:
        receive(clerk, elsewhere)
    assert set(error.value.message_dict) == {"organization_uscc"}
    assert not Complaint.objects.exists()


def test_a_user_without_the_capability_cannot_record_or_handle(org, clerk):
    viewer = make_user((Role.PARTY_STAFF, "530102"))
    with pytest.raises(ValidationError):  # party staff hold complaints.view only: the organization is "outside"
        receive(viewer, org)
    complaint = receive(clerk, org)
    with pytest.raises(PermissionDenied):
        services.complaint_accept(complaint=complaint, actor=viewer, accepted=True)
    assert Complaint.objects.get().status == "received"


def test_not_accepting_needs_reasons_and_goes_to_the_reply(org, clerk):
    complaint = receive(clerk, org)
    with pytest.raises(ValidationError) as error:
        services.complaint_accept(complaint=complaint, actor=clerk, accepted=False)
    assert set(error.value.message_dict) == {"reasons"}
    complaint = services.complaint_accept(complaint=complaint, actor=clerk, accepted=False,
                                          reasons="不属于登记管理机关职责，已告知向市场监管部门反映")
    assert complaint.status == "not_accepted" and complaint.conclude_due_on is None
    complaint = services.complaint_reply(complaint=complaint, actor=clerk, method="letter", reply="不予受理告知")
    assert complaint.status == "replied"


def test_steps_out_of_order_and_dates_before_the_previous_step_are_refused(org, clerk, investigator):
    complaint = receive(clerk, org, received_on=TODAY - datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as error:
        services.complaint_conclude(complaint=complaint, actor=clerk, outcome="unfounded", conclusion="x")
    assert set(error.value.message_dict) == {"status"}
    with pytest.raises(ValidationError) as error:
        services.complaint_accept(complaint=complaint, actor=clerk, accepted=True,
                                  decided_on=TODAY - datetime.timedelta(days=5))
    assert set(error.value.message_dict) == {"decided_on"}
    with pytest.raises(ValidationError) as error:
        services.complaint_accept(complaint=complaint, actor=clerk, accepted=True,
                                  decided_on=TODAY + datetime.timedelta(days=1))
    assert set(error.value.message_dict) == {"decided_on"}
    assert Complaint.objects.get().status == "received"


def test_an_investigator_must_handle_the_region(org, clerk):
    complaint = walk_to(receive(clerk, org), clerk, None, "accepted")
    outsider = make_user((Role.BUREAU_STAFF, "530103"))
    with pytest.raises(ValidationError) as error:
        services.complaint_assign(complaint=complaint, actor=clerk, assignee=outsider)
    assert set(error.value.message_dict) == {"assignee"}


def test_a_founded_conclusion_without_a_measure_is_refused(org, clerk, investigator):
    complaint = walk_to(receive(clerk, org), clerk, investigator, "investigated")
    with pytest.raises(ValidationError) as error:
        services.complaint_conclude(complaint=complaint, actor=clerk, outcome="founded", conclusion="属实")
    assert set(error.value.message_dict) == {"outcome"}
    assert Complaint.objects.get().status == "investigated"


def test_late_decisions_are_marked_late(org, clerk, investigator, settings):
    settings.SOCORG_COMPLAINT_ACCEPT_WORKING_DAYS = 1
    complaint = receive(clerk, org, received_on=TODAY - datetime.timedelta(days=10))
    complaint = services.complaint_accept(complaint=complaint, actor=clerk, accepted=True)
    assert complaint.accepted_late


def test_reveal_needs_the_capability_and_is_audited(org, clerk):
    complaint = receive(clerk, org)
    party = make_user((Role.PARTY_STAFF, "530102"))
    with pytest.raises(PermissionDenied):
        services.complaint_reveal(complaint=complaint, actor=party)
    revealed = services.complaint_reveal(complaint=complaint, actor=clerk)
    assert revealed["complainant_phone"] == "13812345678"
    entry = AuditEntry.objects.get(action="complaints.complaint.reveal")
    assert entry.actor_name == clerk.username and "13812345678" not in str(entry.after)


def test_an_anonymous_complaint_keeps_no_name_and_replies_online(org, clerk):
    with pytest.raises(ValidationError) as error:
        receive(clerk, org, anonymous=True)
    assert set(error.value.message_dict) == {"complainant_name"}
    complaint = receive(clerk, org, anonymous=True, complainant_name="", complainant_phone="")
    complaint = services.complaint_accept(complaint=complaint, actor=clerk, accepted=False, reasons="线索不明")
    with pytest.raises(ValidationError) as error:
        services.complaint_reply(complaint=complaint, actor=clerk, method="phone", reply="x")
    assert set(error.value.message_dict) == {"method"}
    assert services.complaint_reply(complaint=complaint, actor=clerk, method="online", reply="不予受理").status == \
        "replied"


def test_the_public_channel_needs_no_account_and_answers_by_receipt_and_code(org):
    complaint = services.complaint_receive(actor=SYSTEM, channel="online", category="finances",
                                           description="账目不公开", organization_uscc=org.uscc, anonymous=True)
    assert complaint.received_by is None and complaint.received_on == TODAY
    status = complaint_status_public(complaint.receipt_no.lower(), complaint.lookup_code.lower())
    assert status["status"] == "received" and "complainant_name" not in status
    assert complaint_status_public(complaint.receipt_no, "WRONGCOD") is None
    assert complaint_status_public("TS20000101AAAAAA", complaint.lookup_code) is None


def test_staff_cannot_use_the_public_channel_nor_the_public_a_staff_one(org, clerk):
    with pytest.raises(ValidationError) as error:
        receive(clerk, org, channel="online")
    assert set(error.value.message_dict) == {"channel"}
    with pytest.raises(PermissionDenied):
        receive(SYSTEM, org)


def test_overdue_complaints_escalate_once_per_missed_deadline(org, clerk, investigator, settings):
    settings.SOCORG_COMPLAINT_ACCEPT_WORKING_DAYS = 1
    settings.SOCORG_COMPLAINT_CONCLUDE_WORKING_DAYS = 1
    complaint = receive(clerk, org, received_on=TODAY - datetime.timedelta(days=20))
    on_time = receive(clerk, org)
    assert services.escalate_overdue(as_of=TODAY) == 1
    assert services.escalate_overdue(as_of=TODAY) == 0
    complaint.refresh_from_db()
    assert (complaint.escalated_to_id, complaint.escalated_stage) == ("530100", "acceptance")
    on_time.refresh_from_db()
    assert on_time.escalated_to_id is None
    services.complaint_accept(complaint=complaint, actor=clerk, accepted=True,
                              decided_on=TODAY - datetime.timedelta(days=10))
    assert services.escalate_overdue(as_of=TODAY) == 1
    complaint.refresh_from_db()
    assert (complaint.escalated_to_id, complaint.escalated_stage) == ("530000", "conclusion")
    assert AuditEntry.objects.filter(action="complaints.complaint.escalate", actor_name="system").count() == 2


def test_attachments_are_checked_and_kept(org, clerk):
    complaint = receive(clerk, org, attachments=[SimpleUploadedFile("收费单据.pdf", b"%PDF-1.4 receipt")])
    assert [a.name for a in complaint.attachments.all()] == ["收费单据.pdf"]
    with pytest.raises(ValidationError) as error:
        receive(clerk, org, attachments=[SimpleUploadedFile("fake.pdf", b"not a pdf")])
    assert set(error.value.message_dict) == {"attachments"}
    assert Complaint.objects.count() == 1
