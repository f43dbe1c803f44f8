"""Two-factor sign-in in Chromium, zh-Hans (issue #10 item 18): a security administrator without an authenticator
signs in with the password, is made to enrol (QR code and key on the page), confirms with a code computed from the
key shown, keeps the recovery codes, logs out, and signs in again with the password and a fresh code."""

import base64

import pytest
from django_otp.plugins.otp_static.models import StaticToken

from socorg.accounts.roles import Role
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user
from socorg.core.testing_browser import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Browser-Two-Factors-1!"


def test_enrol_log_out_and_sign_in_again_with_a_code(page, live_server):
    user = make_user((Role.SECURITY_ADMIN, "100000"), password=PASSWORD)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/2fa/setup/**")
    assert "设置两步验证" in page.inner_text("h1")
    # Anything else sends the account back to the enrolment page.
    page.goto(f"{live_server.url}/accounts/users/")
    page.wait_for_url(f"{live_server.url}/accounts/2fa/setup/**")

    # The QR code is drawn (an SVG image under the Content-Security-Policy) and the key is readable.
    assert page.eval_on_selector("#otp-qr", "img => img.complete && img.naturalWidth > 0")
    secret = page.inner_text("#otp-secret").replace(" ", "")
    key = base64.b32decode(secret)

    page.fill("#id_token", totp_code(key))
    page.click("form:has(#id_token) button[type=submit]")
    page.wait_for_selector("#recovery-codes")
    assert "仅显示这一次" in page.inner_text("body")
    shown = [code.replace("-", "") for code in page.locator("#recovery-codes li").all_inner_texts()]
    assert sorted(shown) == sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(shown) == 10
    page.click("text=我已妥善保存，继续")
    page.wait_for_url(f"{live_server.url}/accounts/users/")  # where the account was going before it enrolled

    page.click("#user-menu")
    page.click("text=退出登录")
    page.wait_for_url(f"{live_server.url}/accounts/login/**")

    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/2fa/verify/**")
    assert "两步验证" in page.inner_text("h1")
    # The enrolment code was spent; a code is accepted once, so sign in with the next step's code (within tolerance).
    page.fill("#id_token", totp_code(key, steps_ahead=1))
    page.click("form:has(#id_token) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/accounts/users/")
    assert page.url == f"{live_server.url}/accounts/users/"
    assert list(AuditEntry.objects.filter(actor=user, action__startswith="accounts.").order_by("seq")
                .values_list("action", flat=True)) == [
        "accounts.login", "accounts.otp.enrol", "accounts.logout", "accounts.login", "accounts.login.otp"]
