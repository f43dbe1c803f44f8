"""Attendance per member per activity and dues per member per month (the basis of the 党章第九条 check): who may
record them, what is refused with a clear message, the activity page's attendee selection and the API. Party
membership is sensitive: attendee lists are shown only to users who may see the branch's members."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from socorg.activities import services
from socorg.activities.models import Activity, Attendance, DuesPayment
from socorg.core.models import AuditEntry
from socorg.core.testing import api_as, client_as, make_user
from socorg.party.models import PartyCoverage, PartyMember, PartyOrganization
from socorg.party.tests.factories import make_org

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 5, 10)


@pytest.fixture
def branch():
    party_org = PartyOrganization.objects.create(name="五华区测试协会党支部", kind="branch", formation="standalone",
                                                 region_id="530102", founded_on=datetime.date(2020, 1, 1))
    PartyCoverage.objects.create(party_org=party_org, organization=make_org("530102"),
                                 start_on=datetime.date(2020, 1, 1))
    return party_org


@pytest.fixture
def branch_account(branch):
    """The organization's own account: records its branch's activities, may not see members."""
    return make_user(("org_account", "530102"), organization=branch.coverages.get().organization)


@pytest.fixture
def members(branch):
    return [PartyMember.objects.create(name=name, party_org=branch, joined_on=datetime.date(2015, 1, 1))
            for name in ("张三", "李四", "王五")]


@pytest.fixture
def staff():
    return make_user(("party_staff", "530102"))


@pytest.fixture
def meeting(branch):
    return Activity.objects.create(party_org=branch, type="member_assembly", date=DAY, topic="学习党章",
                                   expected_attendance=3)


def test_attendance_replaces_the_list_sets_the_count_and_is_audited_by_member_id(meeting, members, staff):
    services.attendance_set(activity=meeting, members=members[:2], actor=staff)
    services.attendance_set(activity=meeting, members=[members[1].pk, members[2].pk], actor=staff)
    assert set(meeting.attendances.values_list("member_id", flat=True)) == {members[1].pk, members[2].pk}
    meeting.refresh_from_db()
    assert meeting.actual_attendance == 2
    entry = AuditEntry.objects.filter(action="activity.attendance").latest("pk")
    assert entry.after == {"members": [members[1].pk, members[2].pk], "actual_attendance": 2}
    assert "张三" not in str(entry.before) + str(entry.after)


def test_attendance_refuses_someone_not_in_the_branch_on_the_day(meeting, members, staff, branch):
    other = PartyOrganization.objects.create(name="别的党支部", kind="branch", formation="joint", region_id="530102")
    stranger = PartyMember.objects.create(name="赵六", party_org=other)
    later = PartyMember.objects.create(name="钱七", party_org=branch, joined_on=DAY + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        services.attendance_set(activity=meeting, members=[members[0], stranger, later], actor=staff)
    message = error.value.message_dict["members"][0]
    assert "赵六" in message and "钱七" in message and "张三" not in message
    assert not Attendance.objects.exists()


def test_attendance_above_the_expected_number_is_refused(meeting, members, staff):
    Activity.objects.filter(pk=meeting.pk).update(expected_attendance=1)
    meeting.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.attendance_set(activity=meeting, members=members[:2], actor=staff)
    assert "1" in error.value.message_dict["members"][0]


def test_branch_account_cannot_record_attendance_without_access_to_members(meeting, members, branch_account):
    services.activity_update(activity=meeting, topic="学习党章（修订）", actor=branch_account)  # it may record
    with pytest.raises(PermissionDenied) as error:
        services.attendance_set(activity=meeting, members=members, actor=branch_account)
    assert "党员" in str(error.value)


def test_activity_page_offers_the_members_and_saves_the_ticked_ones(meeting, members, staff):
    client = client_as(staff)
    page = client.get(f"/activities/{meeting.pk}/").content.decode()
    assert all(m.name in page for m in members) and 'name="members"' in page
    response = client.post(f"/activities/{meeting.pk}/attendance/", {"members": [members[0].pk, members[2].pk]})
    assert response.status_code == 302
    assert set(meeting.attendances.values_list("member_id", flat=True)) == {members[0].pk, members[2].pk}


def test_activity_page_hides_member_names_from_a_branch_account(meeting, members, branch_account):
    response = client_as(branch_account).get(f"/activities/{meeting.pk}/")
    page = response.content.decode()
    assert response.status_code == 200 and "学习党章" in page
    assert "张三" not in page and 'name="members"' not in page


def test_api_attendance_round_trip_and_scope(meeting, members, staff):
    client = api_as(staff)
    url = f"/api/v1/activities/{meeting.pk}/attendance/"
    response = client.put(url, {"members": [members[0].pk]}, format="json")
    assert response.status_code == 200 and response.json() == {"members": [members[0].pk]}
    assert client.get(url).json() == {"members": [members[0].pk]}
    bad = client.put(url, {"members": ["x"]}, format="json")
    assert bad.status_code == 400
    account = make_user(("org_account", "530102"), organization=meeting.party_org.coverages.get().organization)
    assert api_as(account).get(url).status_code == 403
    assert api_as(make_user(("party_staff", "110101"))).get(url).status_code == 404


# --- dues ------------------------------------------------------------------------------------------------------

def test_dues_record_is_per_month_idempotent_and_audited(members, staff):
    member = members[0]
    services.dues_record(member=member, month=datetime.date(2025, 3, 17), amount=Decimal("12.50"),
                         paid_on=datetime.date(2025, 3, 20), actor=staff)
    services.dues_record(member=member, month=datetime.date(2025, 3, 1), amount=Decimal("12.50"),
                         paid_on=datetime.date(2025, 3, 20), actor=staff)
    payment = DuesPayment.objects.get()
    assert payment.month == datetime.date(2025, 3, 1) and payment.amount == Decimal("12.50")
    assert AuditEntry.objects.filter(action="party.member.dues").count() == 1


def test_dues_refuses_future_month_month_before_joining_and_negative_amount(members, staff):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.dues_record(member=members[0], month=today + datetime.timedelta(days=40), amount=Decimal("-1"),
                             actor=staff)
    assert set(error.value.message_dict) == {"month", "amount"}
    with pytest.raises(ValidationError) as error:
        services.dues_record(member=members[0], month=datetime.date(2014, 12, 1), actor=staff)
    assert "2015-01" in error.value.message_dict["month"][0]
    assert not DuesPayment.objects.exists()


def test_dues_need_members_change(members):
    with pytest.raises(PermissionDenied):
        services.dues_record(member=members[0], month=DAY, actor=make_user(("instructor", "530102")))


def test_api_dues_create_list_and_bad_input(members, staff):
    client = api_as(staff)
    response = client.post("/api/v1/dues/", {"member": members[0].pk, "month": "2025-04", "amount": "10.00"},
                           format="json")
    assert response.status_code == 201, response.content
    assert response.json()["month"] == "2025-04"
    listed = client.get(f"/api/v1/dues/?member={members[0].pk}").json()
    assert [row["month"] for row in listed["results"]] == ["2025-04"]
    assert client.post("/api/v1/dues/", {"member": members[0].pk, "month": "2025-13"}, format="json").status_code \
        == 400
    assert api_as(make_user(("party_staff", "110101"))).post(
        "/api/v1/dues/", {"member": members[0].pk, "month": "2025-04"}, format="json").status_code == 404
