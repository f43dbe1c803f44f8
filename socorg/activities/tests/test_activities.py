"""Organizational-life records: who may record them, what is refused (with a clear message, nothing written),
attachments through the storage API, the API and the pages, scoped."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from socorg.activities import services
from socorg.activities.models import Activity, Attachment
from socorg.core.models import AuditEntry
from socorg.core.testing import api_as, client_as, make_user, scope_cases
from socorg.party.models import PartyCoverage, PartyOrganization
from socorg.party.tests.factories import make_org

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 5, 10)
PDF = b"%PDF-1.4 minutes"


@pytest.fixture
def branch():
    party_org = PartyOrganization.objects.create(name="五华区测试协会党支部", kind="branch", formation="standalone",
                                                 region_id="530102", founded_on=datetime.date(2020, 1, 1))
    PartyCoverage.objects.create(party_org=party_org, organization=make_org("530102", name="五华区测试协会"),
                                 start_on=datetime.date(2020, 1, 1))
    return party_org


@pytest.fixture
def branch_account(branch):
    """The own account of the organization the branch covers."""
    return make_user(("org_account", "530102"), organization=branch.coverages.get().organization)


def create(branch, actor, **overrides):
    values = {"party_org": branch, "type": "member_assembly", "date": DAY, "topic": "学习党章",
              "expected_attendance": 10, "actual_attendance": 9} | overrides
    return services.activity_create(actor=actor, **values)


def test_branch_account_records_an_assembly_and_it_is_audited(branch, branch_account):
    activity = create(branch, branch_account)
    assert activity.created_by == branch_account
    entry = AuditEntry.objects.get(action="activity.create")
    assert entry.after["type"] == "member_assembly" and entry.actor == branch_account


@pytest.mark.parametrize("role", ["instructor", "party_staff", "bureau_staff"])
def test_instructors_and_staff_may_record(branch, role):
    assert create(branch, make_user((role, "530100"))).pk


def test_viewer_and_other_county_are_refused(branch):
    for user in (make_user(("viewer", "530102")), make_user(("org_account", "110101"))):
        with pytest.raises((PermissionDenied, ValidationError)):
            create(branch, user)
    assert not Activity.objects.exists()


def test_future_date_is_refused_with_the_date_in_the_message(branch, branch_account):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        create(branch, branch_account, date=tomorrow)
    assert str(tomorrow) in error.value.message_dict["date"][0]
    assert not Activity.objects.exists()


def test_date_before_founding_is_refused(branch, branch_account):
    with pytest.raises(ValidationError) as error:
        create(branch, branch_account, date=datetime.date(2019, 12, 31))
    assert "2020-01-01" in error.value.message_dict["date"][0]


def test_actual_attendance_above_expected_is_refused(branch, branch_account):
    with pytest.raises(ValidationError) as error:
        create(branch, branch_account, expected_attendance=5, actual_attendance=6)
    assert "actual_attendance" in error.value.message_dict


def test_same_type_date_and_topic_twice_is_refused(branch, branch_account):
    create(branch, branch_account)
    with pytest.raises(ValidationError) as error:
        create(branch, branch_account)
    assert "topic" in error.value.message_dict
    assert Activity.objects.count() == 1


def test_update_and_delete_are_audited(branch, branch_account):
    activity = create(branch, branch_account)
    services.activity_update(activity=activity, actor=branch_account, actual_attendance=10)
    services.activity_delete(activity=activity, actor=branch_account)
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "activity.create", "activity.update", "activity.delete"]


def test_attachment_is_stored_through_the_storage_api(branch, branch_account, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = create(branch, branch_account)
    attachment = services.attachment_add(activity=activity, file=SimpleUploadedFile("纪要.pdf", PDF),
                                         actor=branch_account)
    assert attachment.original_name == "纪要.pdf" and attachment.content_type == "application/pdf"
    assert attachment.file.storage.exists(attachment.file.name)
    assert "纪要" not in attachment.file.name  # stored under an unguessable name
    response = client_as(make_user(("viewer", "530100"))).get(f"/activities/attachments/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client_as(make_user(("viewer", "110000"))).get(f"/activities/attachments/{attachment.pk}/") \
        .status_code == 404


@pytest.mark.parametrize("name,content,expected", [
    ("x.exe", b"MZ", ".exe"), ("photo.jpg", b"not a jpeg", "not a .jpg"), ("empty.pdf", b"", "empty")])
def test_bad_attachments_are_refused_with_a_clear_message(branch, branch_account, name, content, expected, settings,
                                                          tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "en"
    activity = create(branch, branch_account)
    with pytest.raises(ValidationError) as error:
        services.attachment_add(activity=activity, file=SimpleUploadedFile(name, content), actor=branch_account)
    assert expected in error.value.message_dict["file"][0]
    assert not Attachment.objects.exists()


def test_attachment_over_the_size_limit_is_refused(branch, branch_account, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SOCORG_ATTACHMENT_MAX_BYTES = 10
    activity = create(branch, branch_account)
    with pytest.raises(ValidationError) as error:
        services.attachment_add(activity=activity, file=SimpleUploadedFile("big.pdf", PDF), actor=branch_account)
    assert "MB" in error.value.message_dict["file"][0]


VIEW_ROLES = {"viewer", "instructor", "party_staff", "bureau_staff", "org_account"}


@pytest.mark.parametrize("case", scope_cases(home="530102", view_roles=VIEW_ROLES), ids=str)
def test_api_detail_scope(case, branch, branch_account):
    """Inside the scope 200; a business role elsewhere 404 (the record does not exist for them); no such role 403."""
    activity = create(branch, branch_account)
    response = api_as(case.user()).get(f"/api/v1/activities/{activity.pk}/")
    assert response.status_code == (200 if case.sees else 404 if case.role in VIEW_ROLES else 403)


def test_api_create_reports_field_errors_in_chinese(branch, branch_account):
    response = api_as(branch_account).post("/api/v1/activities/", {
        "party_org": branch.pk, "type": "member_assembly", "date": "2025-05-10", "expected_attendance": 3,
        "actual_attendance": 5}, format="json")
    assert response.status_code == 400
    assert "实到人数" in response.json()["actual_attendance"][0]
    assert not Activity.objects.exists()


def test_api_create_by_name_and_list_query_count(branch, branch_account, django_assert_max_num_queries):
    client = api_as(branch_account)
    response = client.post("/api/v1/activities/", {"party_org": branch.name, "type": "party_lecture",
                                                    "date": "2025-05-10", "topic": "党课"}, format="json")
    assert response.status_code == 201, response.content
    for day in range(1, 11):
        create(branch, branch_account, date=datetime.date(2025, 4, day))
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/activities/?type=member_assembly")
    assert response.json()["count"] == 10


def test_list_page_filters_and_form_page_render(branch, branch_account):
    create(branch, branch_account)
    client = client_as(branch_account)
    page = client.get("/activities/?type=member_assembly")
    assert page.status_code == 200 and "学习党章" in page.content.decode()
    assert client.get("/activities/?type=party_lecture").content.decode().count("学习党章") == 0
    response = client.post("/activities/new/", {"party_org": branch.pk, "type": "party_lecture", "date": "2099-01-01"})
    assert response.status_code == 200 and "晚于今天" in response.content.decode()
    assert not Activity.objects.filter(type="party_lecture").exists()
