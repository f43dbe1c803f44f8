"""Browser-test helpers (Playwright for Python driving Debian's Chromium; see conftest.py for the `page` fixture)."""

from socorg.core.testing import make_user


def login(page, live_server, username: str, password: str) -> None:
    """Log in through the real login form and wait for the home page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def login_as_new_user(page, live_server, *grants: tuple[str, str]):
    """Create a user with the given (role, region) grants and log in as them; returns the user."""
    password = "Browser-Test-1!"
    user = make_user(*grants, password=password)
    login(page, live_server, user.username, password)
    return user
