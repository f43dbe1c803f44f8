"""Two-factor sign-in (issue #10 item 18; 等保 2.0 level 3, 8.1.4.1 d): TOTP via django-otp with single-use recovery
codes, enforced at login for the three administrator roles and, with SOCORG_2FA_ALL_USERS, for everyone; resets only
by an administrator of a different role, audited, and never of both factors by one person."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from socorg.accounts import otp, services
from socorg.accounts.models import Notice
from socorg.accounts.roles import Role
from socorg.core.models import AuditEntry
from socorg.core.testing import client_as, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "Two-Factors-7q"


def code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    return f"{totp(device.bin_key, drift=steps_ahead):06d}"


def admin(role=Role.SECURITY_ADMIN, *, enrolled=False):
    user = make_user((role, "100000"), password=PASSWORD)
    if enrolled:
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def device_of(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def sign_in_with_password(user) -> tuple[Client, object]:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client, response


def actions(user) -> list[str]:
    return list(AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk))
                .order_by("seq").values_list("action", flat=True))


# --- who is asked ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_an_administrator_without_an_authenticator_must_enrol_before_anything_else(role):
    user = admin(role)
    client, response = sign_in_with_password(user)
    assert response["Location"].startswith("/accounts/2fa/setup/")
    for path in ("/", "/accounts/users/", "/audit/", "/accounts/password/", "/accounts/2fa/"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer["Location"].startswith("/accounts/2fa/setup/"), path
    api = client.get("/api/v1/regions/")
    assert api.status_code == 403 and api.json() == {"detail": "请先完成两步验证。"}
    assert client.get("/accounts/2fa/setup/").status_code == 200


def test_the_password_alone_does_not_sign_in_an_enrolled_administrator():
    user = admin(enrolled=True)
    client, response = sign_in_with_password(user)
    assert response["Location"].startswith("/accounts/2fa/verify/")
    assert client.get("/accounts/users/")["Location"] == "/accounts/2fa/verify/?next=%2Faccounts%2Fusers%2F"
    page = client.get("/accounts/2fa/verify/?next=/accounts/users/")
    assert "两步验证" in page.content.decode() and "恢复码" in page.content.decode()
    done = client.post("/accounts/2fa/verify/", {"token": code(device_of(user)), "next": "/accounts/users/"})
    assert done.status_code == 302 and done["Location"] == "/accounts/users/"
    assert client.get("/accounts/users/").status_code == 200
    assert actions(user)[-2:] == ["accounts.login", "accounts.login.otp"]
    assert AuditEntry.objects.get(action="accounts.login.otp").after == {"method": "totp"}


def test_a_wrong_code_is_refused_in_chinese_audited_and_signs_nobody_in():
    user = admin(enrolled=True)
    client, _ = sign_in_with_password(user)
    response = client.post("/accounts/2fa/verify/", {"token": "000000" if code(device_of(user)) != "000000"
                                                     else "111111"})
    assert response.status_code == 400
    assert "验证码不正确或已经用过" in response.content.decode()
    assert client.get("/accounts/users/").status_code == 302
    failed = AuditEntry.objects.get(action="accounts.login.otp_failed")
    assert (failed.actor, failed.actor_name, failed.after) == (None, user.username,
                                                               {"method": "totp", "reason": "wrong_code"})
    empty = client.post("/accounts/2fa/verify/", {"token": "  "})
    assert empty.status_code == 400 and "必填" in empty.content.decode()


def test_wrong_codes_slow_the_next_attempts_down():
    user = admin(enrolled=True)
    device = device_of(user)
    with pytest.raises(ValidationError):
        services.otp_verify(user=user, token="999999" if code(device) != "999999" else "888888")
    with pytest.raises(ValidationError) as refused:  # even the right code, within the second that follows
        services.otp_verify(user=user, token=code(device))
    assert "秒后再试" in refused.value.message_dict["token"][0]
    assert AuditEntry.objects.filter(action="accounts.login.otp_failed", after__reason="throttled").exists()


def test_a_code_is_accepted_once():
    user = admin(enrolled=True)
    token = code(device_of(user))
    services.otp_verify(user=user, token=token)
    with pytest.raises(ValidationError):
        services.otp_verify(user=user, token=token)


def test_business_accounts_sign_in_with_the_password_unless_every_account_must_use_two_factors(settings):
    staff = make_user((Role.BUREAU_STAFF, "530000"), password=PASSWORD)
    client, response = sign_in_with_password(staff)
    assert response["Location"] == "/"
    assert client.get("/orgs/").status_code == 200
    settings.SOCORG_2FA_ALL_USERS = True
    client, response = sign_in_with_password(staff)
    assert response["Location"].startswith("/accounts/2fa/setup/")


def test_a_business_account_that_enrolled_of_its_own_accord_is_asked_for_its_code():
    staff = make_user((Role.BUREAU_STAFF, "530000"), password=PASSWORD)
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client, response = sign_in_with_password(staff)
    assert response["Location"].startswith("/accounts/2fa/verify/")
    assert client.get("/api/v1/orgs/").status_code == 403


def test_token_clients_are_not_asked_for_a_code():
    """API tokens are a separate credential, issued at the server console (README "Two-factor sign-in")."""
    user = admin(Role.SYSTEM_ADMIN)
    key = services.token_create(user=user)
    response = Client().get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


# --- enrolment ------------------------------------------------------------------------------------------------------

def test_enrolment_shows_a_qr_code_and_the_key_and_confirms_with_a_code():
    user = admin()
    client, _ = sign_in_with_password(user)
    page = client.get("/accounts/2fa/setup/")
    html = page.content.decode()
    assert page.status_code == 200 and "设置两步验证" in html
    assert 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed and otp.secret_text(device) in html
    assert client.get("/accounts/2fa/setup/").content.decode().count(otp.secret_text(device)) == 1  # same key

    wrong = client.post("/accounts/2fa/setup/", {"token": "12345"})
    assert wrong.status_code == 400 and "6 位数字" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    done = client.post("/accounts/2fa/setup/", {"token": code(device), "next": "/accounts/users/"})
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    assert "仅显示这一次" in done.content.decode()
    tokens = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(tokens) == 10 and len(set(tokens)) == 10
    for token in tokens:
        assert otp.grouped(token) in done.content.decode()
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/accounts/users/").status_code == 200  # the session is verified
    assert client.get("/accounts/2fa/setup/")["Location"] == "/accounts/2fa/"  # codes are not shown again
    assert "accounts.otp.enrol" in actions(user)


def test_an_enrolled_account_cannot_replace_its_authenticator_with_the_password_alone():
    user = admin(enrolled=True)
    client, _ = sign_in_with_password(user)
    response = client.get("/accounts/2fa/setup/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/verify/")
    assert TOTPDevice.objects.filter(user=user).count() == 1
    with pytest.raises(ValidationError):
        services.otp_enrol_start(user=user)


def test_the_second_factor_comes_before_the_forced_password_change():
    user = admin(enrolled=True)
    user.must_change_password = True
    user.save()
    client, response = sign_in_with_password(user)
    assert response["Location"].startswith("/accounts/2fa/verify/")
    assert client.get("/accounts/password/")["Location"].startswith("/accounts/2fa/verify/")
    client.post("/accounts/2fa/verify/", {"token": code(device_of(user))})
    assert client.get("/accounts/users/")["Location"] == "/accounts/password/"


def test_the_next_address_must_be_on_this_site():
    user = admin(enrolled=True)
    client, _ = sign_in_with_password(user)
    response = client.post("/accounts/2fa/verify/", {"token": code(device_of(user)), "next": "https://evil.example/"})
    assert response["Location"] == "/"


# --- recovery codes -------------------------------------------------------------------------------------------------

def test_each_recovery_code_signs_in_once():
    user = admin()
    device = services.otp_enrol_start(user=user)
    codes = services.otp_enrol_confirm(user=user, device=device, token=code(device))
    client, _ = sign_in_with_password(user)
    response = client.post("/accounts/2fa/verify/", {"token": otp.grouped(codes[0]).upper()})
    assert response.status_code == 302 and client.get("/accounts/users/").status_code == 200
    assert AuditEntry.objects.get(action="accounts.login.otp").after == {"method": "recovery",
                                                                          "recovery_codes_left": 9}
    again, _ = sign_in_with_password(user)
    assert again.post("/accounts/2fa/verify/", {"token": codes[0]}).status_code == 400
    assert otp.recovery_codes_left(user) == 9


def test_new_recovery_codes_replace_the_old_ones():
    user = admin()
    device = services.otp_enrol_start(user=user)
    old = services.otp_enrol_confirm(user=user, device=device, token=code(device))
    client = client_as(user)
    response = client.post("/accounts/2fa/recovery-codes/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    new = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(ValidationError):
        services.otp_verify(user=user, token=old[1])
    assert "accounts.otp.recovery_codes" in actions(user)
    assert client.get("/accounts/2fa/recovery-codes/").status_code == 405


# --- resets: 三员分立 ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("target", "actor", "allowed"), [
    (Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN, True),
    (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, True),
    (Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN, True),
    (Role.AUDIT_ADMIN, Role.SECURITY_ADMIN, True),
    (Role.SECURITY_ADMIN, Role.SECURITY_ADMIN, False),
    (Role.SYSTEM_ADMIN, Role.SYSTEM_ADMIN, False),
    (Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, False),
    (Role.SECURITY_ADMIN, Role.BUREAU_STAFF, False),
    (Role.BUREAU_STAFF, Role.SECURITY_ADMIN, True),
    (Role.BUREAU_STAFF, Role.SYSTEM_ADMIN, True),
    (Role.BUREAU_STAFF, Role.AUDIT_ADMIN, False),
    (Role.BUREAU_STAFF, Role.BUREAU_STAFF, False),
])
def test_a_second_factor_is_reset_only_by_an_administrator_of_a_different_role(target, actor, allowed):
    account = make_user((target, "100000"))
    TOTPDevice.objects.create(user=account, name="phone", confirmed=True)
    by = make_user((actor, "100000"))
    if allowed:
        services.otp_reset(user=account, actor=by)
        assert not TOTPDevice.objects.filter(user=account).exists()
        entry = AuditEntry.objects.get(action="accounts.otp.reset")
        assert entry.actor == by and entry.object_id == str(account.pk)
    else:
        with pytest.raises(PermissionDenied):
            services.otp_reset(user=account, actor=by)
        assert TOTPDevice.objects.filter(user=account).exists()


def test_nobody_resets_their_own_second_factor():
    system = admin(Role.SYSTEM_ADMIN, enrolled=True)
    with pytest.raises(PermissionDenied):
        services.otp_reset(user=system, actor=system)


def test_a_reset_is_told_to_the_account_and_every_audit_administrator():
    security = admin(Role.SECURITY_ADMIN, enrolled=True)
    StaticDevice.objects.create(user=security, name="codes", confirmed=True)
    auditor, system = admin(Role.AUDIT_ADMIN), admin(Role.SYSTEM_ADMIN)
    services.otp_reset(user=security, actor=system)
    assert not StaticDevice.objects.filter(user=security).exists()
    notified = set(Notice.objects.filter(kind=Notice.Kind.OTP_RESET).values_list("recipient", flat=True))
    assert notified == {security.pk, auditor.pk}
    assert system.username in Notice.objects.get(recipient=auditor).text()
    with pytest.raises(ValidationError):  # nothing left to reset
        services.otp_reset(user=security, actor=system)


def test_nobody_alone_resets_both_the_password_and_the_second_factor_of_an_administrator():
    security = admin(Role.SECURITY_ADMIN, enrolled=True)
    system, other_system = admin(Role.SYSTEM_ADMIN), admin(Role.SYSTEM_ADMIN)
    services.password_reset(user=security, password="Reset-By-Sys-4k", actor=system)
    with pytest.raises(PermissionDenied, match="其他管理员"):
        services.otp_reset(user=security, actor=system)
    services.otp_reset(user=security, actor=other_system)  # a second person may

    auditor = admin(Role.AUDIT_ADMIN, enrolled=True)
    services.otp_reset(user=auditor, actor=system)
    with pytest.raises(PermissionDenied, match="其他管理员"):
        services.password_reset(user=auditor, password="Reset-By-Sys-4k", actor=system)
    services.password_reset(user=auditor, password="Reset-By-Sec-4k", actor=security)


def test_after_a_complete_sign_in_the_same_administrator_may_reset_again():
    security = admin(Role.SECURITY_ADMIN, enrolled=True)
    system = admin(Role.SYSTEM_ADMIN)
    services.password_reset(user=security, password=PASSWORD, actor=system)
    services.otp_verify(user=security, token=code(device_of(security)))  # the account signed in with both factors
    services.otp_reset(user=security, actor=system)
    assert not TOTPDevice.objects.filter(user=security).exists()


def test_the_account_page_offers_the_reset_where_it_is_allowed_and_a_forged_post_is_refused():
    security = admin(Role.SECURITY_ADMIN, enrolled=True)
    system, other_security = admin(Role.SYSTEM_ADMIN), admin(Role.SECURITY_ADMIN)
    url = f"/accounts/users/{security.pk}/2fa/reset/"
    assert url in client_as(system).get(f"/accounts/users/{security.pk}/").content.decode()
    assert url not in client_as(other_security).get(f"/accounts/users/{security.pk}/").content.decode()
    assert client_as(other_security).post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=security).exists()
    response = client_as(system).post(url, follow=True)
    assert "已重置" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=security).exists()


def test_a_wrong_enrolment_code_slows_the_next_attempt_down_and_says_so():
    user = admin()
    device = services.otp_enrol_start(user=user)
    with pytest.raises(ValidationError, match="不匹配"):
        services.otp_enrol_confirm(user=user, device=device, token="999999" if code(device) != "999999" else "888888")
    with pytest.raises(ValidationError, match="秒后再试"):
        services.otp_enrol_confirm(user=user, device=device, token=code(device))
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed


def test_the_console_resets_a_second_factor_audited_and_refuses_an_account_without_one():
    from django.core.management import CommandError, call_command

    security = admin(Role.SECURITY_ADMIN, enrolled=True)
    call_command("reset_2fa", security.username, stdout=io.StringIO())
    assert not TOTPDevice.objects.filter(user=security).exists()
    entry = AuditEntry.objects.get(action="accounts.otp.reset")
    assert entry.actor is None and entry.actor_name == "system"
    with pytest.raises(CommandError, match="尚未启用两步验证"):
        call_command("reset_2fa", security.username)


def test_the_audit_page_names_the_second_factor_events_in_words():
    user = admin(enrolled=True)
    with pytest.raises(ValidationError):
        services.otp_verify(user=user, token="999999" if code(device_of(user)) != "999999" else "888888")
    auditor = make_user((Role.AUDIT_ADMIN, "100000"))
    page = client_as(auditor).get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "第二重身份验证未通过" in page and "验证器应用验证码" in page and "验证码错误" in page
    assert "wrong_code" not in page and "otp_failed" not in page
