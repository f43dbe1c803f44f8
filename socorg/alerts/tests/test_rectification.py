"""The rectification loop through the services: assign → submit (with evidence) → return → resubmit → accept, with
escalation of missed deadlines, permission checks and audit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from socorg.activities.models import Activity
from socorg.alerts import services
from socorg.alerts.choices import AlertStatus, EventKind
from socorg.alerts.models import Alert, EvidenceFile
from socorg.alerts.scan import run_scan
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user
from socorg.party.tests.factories import make_org

from .factories import AS_OF, healthy_branch, record

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 minutes of the assembly"


@pytest.fixture
def alert():
    party_org, _org = healthy_branch()
    Activity.objects.filter(party_org=party_org, type="member_assembly").delete()
    run_scan(as_of=AS_OF)
    return Alert.objects.get(rule="member_assembly_shortfall")


@pytest.fixture
def staff():
    return make_user(("party_staff", "530102"))


@pytest.fixture
def branch_account(alert):
    """The own account of the organization the alerted branch covers."""
    return make_user(("org_account", "530102"), organization=alert.party_org.coverages.get().organization)


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def test_full_loop_assign_submit_return_resubmit_accept(alert, staff, branch_account, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.alert_assign(alert=alert, assignee=branch_account, deadline=in_days(30), note="请补开党员大会",
                          actor=staff)
    services.alert_submit(alert=alert, note="已于本季度召开党员大会", actor=branch_account,
                          files=[SimpleUploadedFile("纪要.pdf", PDF)])
    services.alert_return(alert=alert, note="缺少签到表", actor=staff)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ASSIGNED
    services.alert_submit(alert=alert, note="补充签到表", actor=branch_account,
                          files=[SimpleUploadedFile("签到表.pdf", PDF)])
    services.alert_accept(alert=alert, note="同意销号", actor=staff)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACCEPTED and alert.resolved_on == timezone.localdate()
    assert list(alert.events.values_list("kind", flat=True)) == [
        EventKind.ASSIGNED, EventKind.SUBMITTED, EventKind.RETURNED, EventKind.SUBMITTED, EventKind.ACCEPTED]
    assert EvidenceFile.objects.filter(event__alert=alert).count() == 2
    assert list(AuditEntry.objects.filter(object_id=str(alert.pk), action__startswith="alert.").order_by("pk")
                .values_list("action", flat=True)) == ["alert.assign", "alert.submit", "alert.return",
                                                       "alert.submit", "alert.accept"]


def test_accepted_alert_is_not_reopened_for_the_same_quarter(alert, staff, branch_account):
    services.alert_assign(alert=alert, assignee=branch_account, deadline=in_days(10), actor=staff)
    services.alert_submit(alert=alert, note="已整改", actor=branch_account)
    services.alert_accept(alert=alert, actor=staff)
    run_scan(as_of=AS_OF)
    assert Alert.objects.filter(rule="member_assembly_shortfall").count() == 1
    # Next quarter without an assembly is a new occurrence: a new alert opens.
    run_scan(as_of=datetime.date(2025, 10, 2))
    assert Alert.objects.filter(rule="member_assembly_shortfall", status=AlertStatus.OPEN).count() == 1


def test_condition_fixed_while_assigned_resolves_the_alert(alert, staff, branch_account):
    services.alert_assign(alert=alert, assignee=branch_account, deadline=in_days(10), actor=staff)
    record(alert.party_org, "member_assembly", datetime.date(2025, 6, 1))
    run_scan(as_of=AS_OF)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED


def test_assignee_must_be_an_org_account_or_instructor_covering_the_region(alert, staff):
    elsewhere = make_user(("org_account", "530102"), organization=make_org("530102"))  # another organization
    viewer = make_user(("viewer", "530102"))
    for user in (elsewhere, viewer):
        with pytest.raises(ValidationError) as error:
            services.alert_assign(alert=alert, assignee=user, deadline=in_days(5), actor=staff)
        assert "assignee" in error.value.message_dict
    instructor = make_user(("instructor", "530100"))
    services.alert_assign(alert=alert, assignee=instructor, deadline=in_days(5), actor=staff)


def test_deadline_in_the_past_is_refused_and_nothing_changes(alert, staff, branch_account):
    with pytest.raises(ValidationError) as error:
        services.alert_assign(alert=alert, assignee=branch_account, deadline=in_days(-1), actor=staff)
    assert "deadline" in error.value.message_dict
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN and not alert.events.exists()


def test_staff_of_another_region_cannot_assign(alert, branch_account):
    with pytest.raises(PermissionDenied):
        services.alert_assign(alert=alert, assignee=branch_account, deadline=in_days(5),
                              actor=make_user(("party_staff", "110000")))


def test_only_the_assignee_submits_and_cannot_review_own_submission(alert, staff, branch_account):
    instructor = make_user(("instructor", "530102"))
    services.alert_assign(alert=alert, assignee=instructor, deadline=in_days(5), actor=staff)
    with pytest.raises(PermissionDenied):
        services.alert_submit(alert=alert, note="x", actor=branch_account)
    services.alert_submit(alert=alert, note="已整改", actor=instructor)
    with pytest.raises(PermissionDenied):
        services.alert_accept(alert=alert, actor=instructor)


def test_submission_needs_a_description_and_valid_files(alert, staff, branch_account):
    services.alert_assign(alert=alert, assignee=branch_account, deadline=in_days(5), actor=staff)
    with pytest.raises(ValidationError) as error:
        services.alert_submit(alert=alert, note=" ", actor=branch_account,
                              files=[SimpleUploadedFile("病毒.exe", b"MZ")])
    assert set(error.value.message_dict) == {"note", "files"}
    assert ".exe" in error.value.message_dict["files"][0]
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ASSIGNED


def test_return_needs_a_reason(alert, staff, branch_account):
    services.alert_assign(alert=alert, assignee=branch_account, deadline=in_days(5), actor=staff)
    services.alert_submit(alert=alert, note="已整改", actor=branch_account)
    with pytest.raises(ValidationError) as error:
        services.alert_return(alert=alert, note="", actor=staff)
    assert "note" in error.value.message_dict


def test_missed_deadline_escalates_once_to_the_region_above(alert, staff, branch_account):
    services.alert_assign(alert=alert, assignee=branch_account, deadline=in_days(3), actor=staff)
    later = in_days(4)
    assert services.escalate_overdue(as_of=later) == 1
    alert.refresh_from_db()
    assert alert.escalated_to_id == "530100" and alert.escalated_on == later
    assert services.escalate_overdue(as_of=in_days(5)) == 0  # once per missed deadline
    services.alert_assign(alert=alert, assignee=branch_account, deadline=in_days(6), actor=staff)
    assert services.escalate_overdue(as_of=in_days(7)) == 1
    alert.refresh_from_db()
    assert alert.escalated_to_id == "530000"
    assert alert.events.filter(kind=EventKind.ESCALATED).count() == 2


def test_submitted_alert_is_not_escalated(alert, staff, branch_account):
    services.alert_assign(alert=alert, assignee=branch_account, deadline=in_days(1), actor=staff)
    services.alert_submit(alert=alert, note="已整改", actor=branch_account)
    assert services.escalate_overdue(as_of=in_days(5)) == 0


def test_rule_settings_need_national_scope_and_valid_params(staff):
    national = make_user(("party_staff", "100000"))
    with pytest.raises(PermissionDenied):
        services.rule_setting_update(code="secretary_vacant", enabled=True, severity="high", params={"months": 6},
                                     actor=staff)
    with pytest.raises(ValidationError) as error:
        services.rule_setting_update(code="secretary_vacant", enabled=True, severity="urgent",
                                     params={"months": -1, "days": 3}, actor=national)
    assert set(error.value.message_dict) == {"severity", "params"}
    assert len(error.value.message_dict["params"]) == 2
    setting = services.rule_setting_update(code="secretary_vacant", enabled=True, severity="medium",
                                           params={"months": 6}, actor=national)
    assert setting.params == {"months": 6}
    admin = make_user(("system_admin", "100000"))
    services.rule_setting_update(code="secretary_vacant", enabled=False, severity="medium", params={},
                                 actor=admin)


# --- who may change a deadline ---------------------------------------------------------------------------------

def test_an_assignee_cannot_reassign_the_alert_to_themselves_with_a_later_deadline(alert, staff):
    instructor = make_user(("instructor", "530102"))  # holds alerts.change over the county
    services.alert_assign(alert=alert, assignee=instructor, deadline=in_days(10), actor=staff)
    with pytest.raises(PermissionDenied):
        services.alert_assign(alert=alert, assignee=instructor, deadline=in_days(60), actor=instructor)
    alert.refresh_from_db()
    assert alert.deadline == in_days(10) and alert.assignee == instructor
    assert alert.events.count() == 1


def test_only_a_reviewer_at_the_assigners_level_or_above_changes_the_deadline(alert):
    prefecture = make_user(("party_staff", "530100"))
    instructor = make_user(("instructor", "530102"))
    services.alert_assign(alert=alert, assignee=instructor, deadline=in_days(10), actor=prefecture)
    county_staff = make_user(("party_staff", "530102"))
    with pytest.raises(PermissionDenied):
        services.alert_assign(alert=alert, assignee=instructor, deadline=in_days(40), actor=county_staff)
    services.alert_assign(alert=alert, assignee=instructor, deadline=in_days(40),
                          actor=make_user(("party_staff", "530100")))  # same level: a reviewer
    services.alert_assign(alert=alert, assignee=instructor, deadline=in_days(50),
                          actor=make_user(("bureau_staff", "530000")))  # above
    alert.refresh_from_db()
    assert alert.deadline == in_days(50)


def test_returning_with_a_new_deadline_needs_the_assigners_level(alert, branch_account):
    prefecture = make_user(("party_staff", "530100"))
    services.alert_assign(alert=alert, assignee=branch_account, deadline=in_days(10), actor=prefecture)
    services.alert_submit(alert=alert, note="已整改", actor=branch_account)
    county_staff = make_user(("party_staff", "530102"))
    with pytest.raises(PermissionDenied):
        services.alert_return(alert=alert, note="缺少签到表", deadline=in_days(90), actor=county_staff)
    services.alert_return(alert=alert, note="缺少签到表", actor=county_staff)  # same deadline: allowed
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ASSIGNED and alert.deadline == in_days(10)


def test_the_assign_form_is_not_offered_to_the_assignee(alert, staff, client):
    instructor = make_user(("instructor", "530102"))
    services.alert_assign(alert=alert, assignee=instructor, deadline=in_days(10), actor=staff)
    client.force_login(instructor)
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert f"/alerts/{alert.pk}/assign/" not in page
    client.force_login(staff)
    assert f"/alerts/{alert.pk}/assign/" in client.get(f"/alerts/{alert.pk}/").content.decode()
