"""Login protection: lockout after 5 failures per account (django-axes), its page, its audit trail, unlocking;
forced password change at first login; idle timeout; the password policy as the user sees it."""

import time

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

from socorg.accounts.middleware import SESSION_LAST_SEEN
from socorg.accounts.models import User
from socorg.core.models import AuditEntry
from socorg.core.testing import client_as, make_user

pytestmark = pytest.mark.django_db
PAGE = "/regions/530000/"  # any login-protected page of the foundation


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # PBKDF2's real cost would dominate these login-heavy tests; the policy is what is under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

PASSWORD = "Yunnan-Staff-1"


@pytest.fixture
def staff():
    return make_user(("bureau_staff", "530000"), username="kmstaff", password=PASSWORD)


def login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip,
                       HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_successful_login_and_logout_are_audited(staff):
    client = Client()
    assert login(client, "kmstaff", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    actions = list(AuditEntry.objects.filter(actor=staff).order_by("id").values_list("action", flat=True))
    assert actions == ["accounts.login", "accounts.logout"]
    assert AuditEntry.objects.get(action="accounts.login").ip == "10.0.0.1"


def test_failed_login_shows_chinese_error_and_is_audited(staff):
    response = login(Client(), "kmstaff", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    entry = AuditEntry.objects.get(action="accounts.login.failed")
    assert (entry.actor, entry.actor_name, entry.object_id) == (None, "kmstaff", str(staff.pk))
    assert entry.after == {"username": "kmstaff", "known_account": True}
    assert "wrong-password" not in str(entry.after) + entry.object_repr


def test_failed_login_for_unknown_name_is_audited_without_an_object():
    login(Client(), "nobody", "whatever")
    entry = AuditEntry.objects.get(action="accounts.login.failed")
    assert (entry.object_id, entry.object_repr, entry.after["known_account"]) == ("", "nobody", False)


def test_five_failures_lock_the_account_even_with_the_right_password(staff):
    client = Client()
    for attempt in range(4):
        assert login(client, "kmstaff", f"wrong{attempt}").status_code == 200
    fifth = login(client, "kmstaff", "wrong5")
    assert fifth.status_code == 429
    assert "账号已锁定" in fifth.content.decode() and "30 分钟后再试" in fifth.content.decode()
    locked = login(client, "kmstaff", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="accounts.login.locked", object_id=str(staff.pk)).exists()


def test_lockout_is_per_account_across_ip_addresses(staff):
    for n in range(5):
        login(Client(), "kmstaff", "wrong", ip=f"10.0.0.{n + 1}")
    assert login(Client(), "kmstaff", PASSWORD, ip="10.9.9.9").status_code == 429


def test_lockout_of_one_account_does_not_lock_another_from_the_same_office(staff):
    colleague = make_user(("viewer", "530000"), username="colleague", password=PASSWORD)
    for _ in range(5):
        login(Client(), "kmstaff", "wrong")
    assert login(Client(), colleague.username, PASSWORD).status_code == 302


def test_four_failures_then_success_resets_the_counter(staff):
    for _ in range(4):
        login(Client(), "kmstaff", "wrong")
    assert login(Client(), "kmstaff", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="kmstaff").exists()


def test_security_admin_unlocks_a_locked_account(staff):
    for _ in range(5):
        login(Client(), "kmstaff", "wrong")
    security = make_user(("security_admin", "100000"))
    page = client_as(security).get("/accounts/failures/")
    assert page.status_code == 200 and "kmstaff" in page.content.decode()
    response = client_as(security).post("/accounts/unlock/", {"username": "kmstaff"})
    assert response.status_code == 302
    assert login(Client(), "kmstaff", PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(action="accounts.login.unlock")
    assert (entry.actor, entry.object_id) == (security, str(staff.pk))


@pytest.mark.parametrize("role", ["system_admin", "audit_admin", "bureau_staff"])
def test_only_the_security_admin_unlocks(role, staff):
    for _ in range(5):
        login(Client(), "kmstaff", "wrong")
    response = client_as(make_user((role, "100000"))).post("/accounts/unlock/", {"username": "kmstaff"})
    assert response.status_code == 403
    assert login(Client(), "kmstaff", PASSWORD).status_code == 429


def test_first_login_forces_a_password_change():
    User.objects.filter(pk=make_user(("viewer", "530000"), username="newbie", password=PASSWORD).pk).update(
        must_change_password=True)
    client = Client()
    login(client, "newbie", PASSWORD)
    home = client.get(PAGE)
    assert home.status_code == 302 and home["Location"] == "/accounts/password/"
    api = client.get("/api/v1/regions/")
    assert api.status_code == 403 and "必须先修改密码" in api.json()["detail"]
    changed = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Kunming-New-22",
                                                  "new_password2": "Kunming-New-22"})
    assert changed.status_code == 302
    assert client.get(PAGE).status_code == 200
    assert not User.objects.get(username="newbie").must_change_password


@pytest.mark.parametrize(("new", "message"), [
    ("Ab1!x", "密码太短：只有 5 个字符，至少需要 8 个"),
    ("password", "这个密码太常见了"),
    ("abcdefghijk", "密码必须至少混合 3 类字符"),
    ("1234567890", "密码只包含数字"),
    (PASSWORD, "新密码不能与当前密码相同"),
])
def test_password_change_refuses_weak_passwords_inline_in_chinese(new, message, staff):
    client = client_as(staff)
    response = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": new,
                                                   "new_password2": new}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="invalid-feedback"' in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_password_change_needs_the_current_password(staff):
    response = client_as(staff).post("/accounts/password/", {
        "old_password": "nope", "new_password1": "Kunming-New-22", "new_password2": "Kunming-New-22"})
    assert "当前密码不正确" in response.content.decode()


def _age_session(client: Client, seconds: int) -> None:
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_idle_session_ends_after_30_minutes(staff):
    client = client_as(staff)
    assert client.get(PAGE).status_code == 200
    _age_session(client, 31 * 60)
    response = client.get("/regions/530000/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/regions/530000/")
    assert "由于长时间未操作，会话已结束" in client.get(response["Location"]).content.decode()
    assert client.get(PAGE).status_code == 302
    assert AuditEntry.objects.filter(action="accounts.logout", actor=staff).exists()


def test_active_session_within_the_idle_limit_continues(staff):
    client = client_as(staff)
    client.get(PAGE)
    _age_session(client, 29 * 60)
    assert client.get(PAGE).status_code == 200


@override_settings(SOCORG_IDLE_MINUTES=5)
def test_idle_limit_is_configurable(staff):
    client = client_as(staff)
    client.get(PAGE)
    _age_session(client, 6 * 60)
    assert client.get(PAGE).status_code == 302


def test_deactivated_account_cannot_log_in(staff):
    staff.is_active = False
    staff.save()
    assert login(Client(), "kmstaff", PASSWORD).status_code == 200
