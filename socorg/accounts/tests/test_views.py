"""Account management pages: who may do what, inline Chinese errors, confirmations, and the audit trail."""

import pytest

from socorg.accounts.models import RoleGrant, User
from socorg.core.models import AuditEntry
from socorg.core.testing import client_as, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sysadmin():
    return make_user(("system_admin", "100000"), username="sysadmin")


@pytest.fixture
def security():
    return make_user(("security_admin", "100000"), username="secadmin")


@pytest.fixture
def staff():
    return make_user(("bureau_staff", "530102"), username="wuhua")


def page(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    return response, response.content.decode()


@pytest.mark.parametrize(("role", "status"), [
    ("system_admin", 200), ("security_admin", 200), ("audit_admin", 403), ("bureau_staff", 403), ("viewer", 403),
])
def test_account_list_is_for_system_and_security_admins(role, status, staff):
    response, _ = page(client_as(make_user((role, "100000"))), "/accounts/users/")
    assert response.status_code == status


def test_account_list_filters_by_name_role_and_status(sysadmin, staff):
    gone = make_user(("viewer", "530000"), username="gone")
    gone.is_active = False
    gone.save()
    client = client_as(sysadmin)
    _, html = page(client, "/accounts/users/?q=wuh")
    assert "wuhua" in html and "gone" not in html
    _, html = page(client, "/accounts/users/?role=viewer")
    assert "gone" in html and "wuhua" not in html
    _, html = page(client, "/accounts/users/?status=inactive")
    assert "gone" in html and "已停用" in html and "wuhua" not in html


def test_account_list_query_count_does_not_grow_with_accounts(sysadmin, django_assert_max_num_queries):
    for n in range(30):
        make_user(("viewer", "530000"), ("bureau_staff", "530102"), username=f"bulk{n}")
    client = client_as(sysadmin)
    client.get("/accounts/users/")
    with django_assert_max_num_queries(12):
        assert client.get("/accounts/users/").status_code == 200


def test_system_admin_creates_an_account_with_forced_password_change(sysadmin):
    response = client_as(sysadmin).post("/accounts/users/new/", {
        "username": "newstaff", "display_name": "新同事", "password1": "Kunming-2024!", "password2": "Kunming-2024!"})
    user = User.objects.get(username="newstaff")
    assert response.status_code == 302 and response["Location"] == f"/accounts/users/{user.pk}/"
    assert user.must_change_password and user.check_password("Kunming-2024!") and not user.grants.exists()
    assert AuditEntry.objects.get(action="accounts.user.add").actor == sysadmin


@pytest.mark.parametrize(("data", "message"), [
    ({"username": "x1", "password1": "short", "password2": "short"}, "密码太短"),
    ({"username": "x1", "password1": "Kunming-2024!", "password2": "Kunming-2025!"}, "两次输入的密码不一致"),
    ({"username": "sysadmin", "password1": "Kunming-2024!", "password2": "Kunming-2024!"}, "用户名“sysadmin”已存在"),
    ({"username": "", "password1": "Kunming-2024!", "password2": "Kunming-2024!"}, "该字段是必填项"),
])
def test_create_account_shows_inline_chinese_errors_and_writes_nothing(data, message, sysadmin):
    before = User.objects.count()
    response = client_as(sysadmin).post("/accounts/users/new/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and "invalid-feedback" in html
    assert User.objects.count() == before


@pytest.mark.parametrize("role", ["security_admin", "audit_admin", "bureau_staff"])
def test_only_system_admin_creates_accounts(role):
    client = client_as(make_user((role, "100000")))
    assert client.get("/accounts/users/new/").status_code == 403
    client.post("/accounts/users/new/", {"username": "x2", "password1": "Kunming-2024!", "password2": "Kunming-2024!"})
    assert not User.objects.filter(username="x2").exists()


def test_security_admin_grants_and_revokes_a_role(security, staff):
    client = client_as(security)
    response = client.post(f"/accounts/users/{staff.pk}/grants/", {"role": "viewer", "region": "530000"})
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=staff, role="viewer")
    _, html = page(client, f"/accounts/users/{staff.pk}/")
    assert "查阅人员" in html and 'data-confirm="撤销' in html
    response = client.post(f"/accounts/users/{staff.pk}/grants/{grant.pk}/revoke/")
    assert response.status_code == 302 and not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert list(AuditEntry.objects.filter(object_id=str(staff.pk), action__startswith="accounts.grant.")
                .values_list("action", flat=True).order_by("id")) == ["accounts.grant.add", "accounts.grant.remove"]


def test_grant_form_shows_the_separation_refusal_inline(security):
    admin = make_user(("system_admin", "100000"), username="sys2")
    response = client_as(security).post(f"/accounts/users/{admin.pk}/grants/",
                                        {"role": "audit_admin", "region": "100000"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 400
    assert "sys2 已担任“系统管理员”，同一账号不能再担任“审计管理员”" in html
    assert list(admin.grants.values_list("role", flat=True)) == ["system_admin"]


@pytest.mark.parametrize(("region", "message"), [
    ("999999", "未知的行政区划代码“999999”"),
    ("110103", "已于 2010-12-31 撤销"),
    ("53", "请输入 6 位数字的行政区划代码，例如 530102"),
])
def test_grant_form_refuses_bad_regions_inline(region, message, security, staff):
    response = client_as(security).post(f"/accounts/users/{staff.pk}/grants/", {"role": "viewer", "region": region},
                                        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and message in response.content.decode()
    assert staff.grants.count() == 1


@pytest.mark.parametrize("role", ["system_admin", "audit_admin", "bureau_staff"])
def test_only_security_admin_grants(role, staff):
    client = client_as(make_user((role, "100000")))
    assert client.post(f"/accounts/users/{staff.pk}/grants/", {"role": "viewer", "region": "530000"}).status_code \
        == 403
    grant = staff.grants.get()
    assert client.post(f"/accounts/users/{staff.pk}/grants/{grant.pk}/revoke/").status_code == 403
    assert staff.grants.count() == 1


def test_security_admin_cannot_grant_to_self(security):
    response = client_as(security).post(f"/accounts/users/{security.pk}/grants/",
                                        {"role": "bureau_staff", "region": "100000"})
    assert response.status_code == 403 and security.grants.count() == 1


def test_grant_and_revoke_need_post(security, staff):
    assert client_as(security).get(f"/accounts/users/{staff.pk}/grants/").status_code == 405
    grant = staff.grants.get()
    assert client_as(security).get(f"/accounts/users/{staff.pk}/grants/{grant.pk}/revoke/").status_code == 405


def test_system_admin_deactivates_and_reactivates_with_confirmation(sysadmin, staff):
    client = client_as(sysadmin)
    _, html = page(client, f"/accounts/users/{staff.pk}/")
    assert 'data-confirm="停用账号“wuhua”？' in html
    assert client.post(f"/accounts/users/{staff.pk}/deactivate/").status_code == 302
    staff.refresh_from_db()
    assert not staff.is_active
    assert client_as(staff).get("/regions/530000/").status_code == 302  # its session no longer works
    assert client.post(f"/accounts/users/{staff.pk}/activate/").status_code == 302
    staff.refresh_from_db()
    assert staff.is_active
    assert list(AuditEntry.objects.filter(object_id=str(staff.pk), action__startswith="accounts.user.")
                .values_list("action", flat=True).order_by("id")) == [
        "accounts.user.deactivate", "accounts.user.activate"]


def test_security_admin_cannot_deactivate(security, staff):
    assert client_as(security).post(f"/accounts/users/{staff.pk}/deactivate/").status_code == 403
    staff.refresh_from_db()
    assert staff.is_active


def test_system_admin_sets_a_temporary_password(sysadmin, staff):
    client = client_as(sysadmin)
    response = client.post(f"/accounts/users/{staff.pk}/password/", {"password1": "weak", "password2": "weak"},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "密码太短" in response.content.decode()
    response = client.post(f"/accounts/users/{staff.pk}/password/",
                           {"password1": "Temp-Pass-2024", "password2": "Temp-Pass-2024"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.must_change_password and staff.check_password("Temp-Pass-2024")


def test_login_failures_page_is_for_the_security_admin(security, sysadmin):
    assert client_as(security).get("/accounts/failures/").status_code == 200
    assert client_as(sysadmin).get("/accounts/failures/").status_code == 403
    assert client_as(make_user(("audit_admin", "100000"))).get("/accounts/failures/").status_code == 403


def test_unknown_account_is_404(sysadmin):
    assert client_as(sysadmin).get("/accounts/users/999999/").status_code == 404


def test_anonymous_is_sent_to_login():
    response = client_as(None).get("/accounts/users/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
