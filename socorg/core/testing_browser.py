"""Browser-test helpers (Playwright for Python driving Debian's Chromium; see conftest.py for the `page` fixture)."""

from socorg.core.testing import make_user


def totp_code(key: bytes, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now for this secret (django-otp's RFC 6238 implementation). A code is
    accepted once: `steps_ahead=1` gives the next 30-second step's code (inside the accepted tolerance) for a second
    sign-in within the same step."""
    from django_otp.oath import totp

    return f"{totp(key, drift=steps_ahead):06d}"


def login(page, live_server, username: str, password: str, otp_key: bytes | None = None) -> None:
    """Log in through the real login form (and the code step, given the account's authenticator secret) and wait
    for the home page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    if otp_key is not None:
        page.wait_for_url(f"{live_server.url}/accounts/2fa/verify/**")
        page.fill("#id_token", totp_code(otp_key))
        page.click("form:has(#id_token) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def login_as_new_user(page, live_server, *grants: tuple[str, str]):
    """Create a user with the given (role, region) grants and log in as them; returns the user. An account that must
    sign in with two factors (the administrators) gets an authenticator first."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from socorg.accounts import otp

    password = "Browser-Test-1!"
    user = make_user(*grants, password=password)
    key = None
    if otp.required_for(user):
        key = TOTPDevice.objects.create(user=user, name="test", confirmed=True).bin_key
    login(page, live_server, user.username, password, otp_key=key)
    return user
