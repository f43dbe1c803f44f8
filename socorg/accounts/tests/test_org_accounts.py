"""An organization's own account is bound to ONE organization (issue #10 item 3): `socorg add-user NAME --role
org_account --org USCC`, the region follows the organization, it sees and changes only its own organization's
records (its party organization's activities, the alerts about it) through the one scope mechanism, and every other
record answers 404. Bureau staff issue these accounts in bulk, with one-time passwords in a workbook."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook

from socorg.accounts import services
from socorg.accounts.models import User
from socorg.accounts.roles import Role
from socorg.activities import services as activity_services
from socorg.activities.models import Activity, Attachment
from socorg.alerts.models import Alert
from socorg.core.testing import api_as, client_as, make_user
from socorg.party.models import PartyCoverage, PartyOrganization
from socorg.party.tests.factories import make_org
from socorg.registry.models import SocialOrganization

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 5, 10)
PDF = b"%PDF-1.4 minutes"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


class Side:
    """One organization with its party branch, an activity with an attachment, and an alert about it."""

    def __init__(self, name: str, settings_media):
        self.org = make_org("530102", name=name)
        self.branch = PartyOrganization.objects.create(name=f"{name}党支部", kind="branch", formation="standalone",
                                                       region_id="530102", founded_on=datetime.date(2020, 1, 1))
        PartyCoverage.objects.create(party_org=self.branch, organization=self.org, start_on=datetime.date(2020, 1, 1))
        self.activity = Activity.objects.create(party_org=self.branch, type="member_assembly", date=DAY,
                                                topic="学习党章")
        self.attachment = activity_services.attachment_add(
            activity=self.activity, file=SimpleUploadedFile("纪要.pdf", PDF),
            actor=make_user((Role.PARTY_STAFF, "530102")))
        self.alert = Alert.objects.create(
            rule="member_assembly_shortfall", subject_type="party_org", subject_key=f"party_org:{self.branch.pk}",
            party_org=self.branch, region_id="530102", severity="amber", message="缺党员大会", opened_on=DAY)
        self.org_alert = Alert.objects.create(
            rule="no_party_organization", subject_type="social_org", subject_key=f"social_org:{self.org.pk}",
            organization=self.org, region_id="530102", severity="amber", message="无党组织", opened_on=DAY)


@pytest.fixture
def sides(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Side("本会", tmp_path), Side("邻会", tmp_path)


@pytest.fixture
def own(sides):
    return make_user((Role.ORG_ACCOUNT, "530102"), organization=sides[0].org)


# --- the account -------------------------------------------------------------------------------------------------

def test_add_user_binds_the_account_to_the_organization_and_its_region(sides):
    org = sides[0].org
    call_command("add_user", "benhui", "--role", "org_account", "--org", org.uscc)
    user = User.objects.get(username="benhui")
    assert user.organization == org
    assert list(user.grants.values_list("role", "region_id")) == [("org_account", org.authority_region_id)]


def test_add_user_refuses_org_account_without_the_organization():
    with pytest.raises(CommandError) as caught:
        call_command("add_user", "loose", "--role", "org_account", "--region", "530102")
    assert "--org" in str(caught.value)
    assert not User.objects.filter(username="loose").exists()


def test_add_user_refuses_an_unknown_credit_code_and_another_role_for_an_organization(sides):
    with pytest.raises(CommandError) as caught:
        call_command("add_user", "ghost", "--role", "org_account", "--org", "51530102MJ0000000X")
    assert "51530102MJ0000000X" in str(caught.value)
    with pytest.raises(CommandError):
        call_command("add_user", "mixed", "--role", "bureau_staff", "--org", sides[0].org.uscc)
    with pytest.raises(CommandError) as caught:
        call_command("add_user", "elsewhere", "--role", "org_account", "--org", sides[0].org.uscc,
                     "--region", "110101")
    assert "530102" in str(caught.value)
    assert not User.objects.filter(username__in=["ghost", "mixed", "elsewhere"]).exists()


def test_an_organization_account_cannot_be_granted_other_roles(own):
    with pytest.raises(ValidationError):
        services.role_grant(user=own, role=Role.VIEWER, region_code="530102")


# --- what it sees: the one scope mechanism ------------------------------------------------------------------------

@pytest.mark.parametrize(("model", "action"), [
    (SocialOrganization, "view"), (PartyOrganization, "view"), (Activity, "view"), (Activity, "change"),
    (Attachment, "view"), (Attachment, "change"), (Alert, "view"),
])
def test_visible_to_gives_the_own_organizations_records_only(sides, own, model, action):
    mine, theirs = sides
    rows = set(model.objects.visible_to(own, action).values_list("pk", flat=True))
    expected = {SocialOrganization: [mine.org], PartyOrganization: [mine.branch], Activity: [mine.activity],
                Attachment: [mine.attachment], Alert: [mine.alert, mine.org_alert]}[model]
    assert rows == {row.pk for row in expected}


@pytest.mark.parametrize("path", [
    "/orgs/{org.uscc}/", "/party/{branch.pk}/", "/activities/{activity.pk}/", "/alerts/{alert.pk}/",
    "/activities/attachments/{attachment.pk}/",
    "/api/v1/orgs/{org.uscc}/", "/api/v1/party-orgs/{branch.pk}/", "/api/v1/activities/{activity.pk}/",
    "/api/v1/alerts/{alert.pk}/", "/alerts/{org_alert.pk}/",
])
def test_own_records_answer_200_and_the_neighbours_404(sides, own, path):
    mine, theirs = sides
    client = api_as(own) if path.startswith("/api/") else client_as(own)
    assert client.get(path.format(**vars(mine))).status_code == 200
    assert client.get(path.format(**vars(theirs))).status_code == 404


def test_lists_show_only_the_own_organization(sides, own):
    mine, theirs = sides
    assert [row["uscc"] for row in api_as(own).get("/api/v1/orgs/").json()["results"]] == [mine.org.uscc]
    assert [row["id"] for row in api_as(own).get("/api/v1/activities/").json()["results"]] == [mine.activity.pk]
    assert {row["id"] for row in api_as(own).get("/api/v1/alerts/?state=open").json()["results"]} == \
        {mine.alert.pk, mine.org_alert.pk}
    page = client_as(own).get("/orgs/").content.decode()
    assert mine.org.name in page and theirs.org.name not in page


def test_it_records_its_own_activities_but_cannot_touch_the_neighbours(sides, own):
    mine, theirs = sides
    created = activity_services.activity_create(actor=own, party_org=mine.branch, type="party_lecture", date=DAY,
                                                topic="党课")
    assert created.party_org == mine.branch
    with pytest.raises((PermissionDenied, ValidationError)):
        activity_services.activity_create(actor=own, party_org=theirs.branch, type="party_lecture", date=DAY)
    with pytest.raises(PermissionDenied):
        activity_services.activity_delete(activity=theirs.activity, actor=own)
    with pytest.raises(PermissionDenied):
        activity_services.attachment_remove(attachment=theirs.attachment, actor=own)
    assert client_as(own).post(f"/activities/{theirs.activity.pk}/delete/").status_code == 404
    assert client_as(own).post(f"/activities/attachments/{theirs.attachment.pk}/delete/").status_code == 404
    assert api_as(own).delete(f"/api/v1/activities/{theirs.activity.pk}/").status_code == 404
    assert Activity.objects.filter(pk=theirs.activity.pk).exists()
    assert Attachment.objects.filter(pk=theirs.attachment.pk).exists()


def test_alerts_are_assigned_only_to_the_own_account_of_the_organization_concerned(sides, own):
    from socorg.alerts.services import assignable_users

    neighbour = make_user((Role.ORG_ACCOUNT, "530102"), organization=sides[1].org)
    for alert in (sides[0].alert, sides[0].org_alert):
        assert own in assignable_users(alert) and neighbour not in assignable_users(alert)


def test_annual_reports_reach_the_own_organization_only(sides, own):
    from socorg.reports.models import AnnualReport
    from socorg.reports.queries import organizations_visible
    from socorg.reports.services import report_for

    reports = {}
    for side in sides:
        report = report_for(org=side.org, year=2024)
        report.save()
        reports[side] = report
    assert set(AnnualReport.objects.visible_to(own, "change").values_list("pk", flat=True)) == {reports[sides[0]].pk}
    assert list(organizations_visible(own, "reports.change")) == [sides[0].org]
    assert client_as(own).get(f"/reports/{sides[1].org.uscc}/2024/").status_code == 404


def test_the_alert_board_shows_no_regional_figures_to_an_organization(own):
    response = client_as(own).get("/alerts/")
    assert response.status_code == 302 and response["Location"].endswith("/alerts/list/")


# --- bulk issue by bureau staff ------------------------------------------------------------------------------------

def test_bureau_staff_issue_accounts_in_bulk_with_one_time_passwords_in_a_workbook(sides):
    staff = make_user((Role.BUREAU_STAFF, "530100"))
    text = f"{sides[0].org.uscc}\n\n{sides[1].org.uscc.lower()}\n"
    response = client_as(staff).post("/accounts/org-accounts/", {"organizations": text})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content if response.streaming
                                                 else [response.content]))).active.values)
    assert rows[0] == ("统一社会信用代码", "社会组织", "行政区划", "用户名", "一次性密码")
    assert [row[0] for row in rows[1:]] == [sides[0].org.uscc, sides[1].org.uscc]
    for uscc, _name, _region, username, password in rows[1:]:
        user = User.objects.get(username=username)
        assert user.organization.uscc == uscc and user.must_change_password and user.check_password(password)
        assert user.roles() == {Role.ORG_ACCOUNT}
    assert len({row[4] for row in rows[1:]}) == 2


def test_a_bulk_list_with_any_bad_line_creates_nothing_and_names_every_line(sides):
    staff = make_user((Role.BUREAU_STAFF, "530102"))
    make_user((Role.ORG_ACCOUNT, "530102"), organization=sides[1].org, username="existing")
    outside = make_org("110101")
    with pytest.raises(ValidationError) as caught:
        services.org_accounts_issue(usccs=[sides[0].org.uscc, "NOTACODE", sides[1].org.uscc, outside.uscc,
                                           sides[0].org.uscc], actor=staff)
    problems = caught.value.message_dict["organizations"]
    assert [p.split("：")[0].split(":")[0] for p in problems] == ["第 2 行", "第 3 行", "第 4 行", "第 5 行"]
    # outside the staff's region reads exactly like an unknown code: no existence oracle
    assert problems[2].replace(outside.uscc, "X").split("：", 1)[1] == \
        problems[0].replace("NOTACODE", "X").split("：", 1)[1]
    assert not User.objects.filter(organization=sides[0].org).exists()


@pytest.mark.parametrize("role", [Role.PARTY_STAFF, Role.VIEWER, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN])
def test_only_bureau_staff_issue_organization_accounts(sides, role):
    assert client_as(make_user((role, "100000"))).get("/accounts/org-accounts/").status_code == 403
    with pytest.raises(ValidationError):
        services.org_accounts_issue(usccs=[sides[0].org.uscc], actor=make_user((role, "100000")))


def test_the_one_time_password_must_be_changed_at_first_login(sides):
    staff = make_user((Role.BUREAU_STAFF, "530102"))
    issued = services.org_accounts_issue(usccs=[sides[0].org.uscc], actor=staff)[0]
    client = client_as(None)
    client.post("/accounts/login/", {"username": issued.username, "password": issued.password})
    response = client.get("/activities/")
    assert response.status_code == 302 and response["Location"].endswith("/accounts/password/")
