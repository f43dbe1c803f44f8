"""Layout in a real browser (Chinese font installed as users have it): the navigation fits one row at 1024 px in
Chinese and 1366 px in English (the language choice is remembered); list and detail tables scroll inside their own
box on a phone instead of widening the page."""

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing_browser import login_as_new_user

pytestmark = pytest.mark.browser

WIDE = {"width": 1366, "height": 900}


def _nav_fits_one_row(page) -> bool:
    """The expanded navigation shows the brand, every menu entry and the controls on the right in one row."""
    return page.evaluate("""() => {
        const items = [...document.querySelectorAll('nav.navbar .navbar-brand, #mainnav .nav-item, #mainnav button')]
            .filter(el => el.offsetParent !== null);
        const middles = items.map(el => { const r = el.getBoundingClientRect(); return r.top + r.height / 2; });
        return items.length > 3 && Math.max(...middles) - Math.min(...middles) < 12; }""")


def test_navigation_fits_at_1024_in_chinese_and_1366_in_english(page, live_server):
    login_as_new_user(page, live_server, (Role.BUREAU_STAFF, "100000"))  # the longest menu of any role
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{live_server.url}/")
    assert page.locator("#mainnav").is_visible()  # expanded, not behind the menu button
    assert _nav_fits_one_row(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1024
    page.click("nav.navbar button[name=language][value=en]")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    page.set_viewport_size(WIDE)
    page.goto(f"{live_server.url}/")
    assert page.locator("#mainnav").is_visible()
    assert _nav_fits_one_row(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1366
    page.goto(f"{live_server.url}/orgs/")  # the choice is remembered on the next page
    assert page.locator("html").get_attribute("lang") == "en"


def test_tables_scroll_inside_the_page_on_a_phone(page, live_server, records):
    login_as_new_user(page, live_server, (Role.BUREAU_STAFF, "530102"), (Role.PARTY_STAFF, "530102"))
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/orgs/", "/party/", "/coverage/", "/alerts/list/?state="):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, path
        table = page.locator("main table").first
        assert table.evaluate("t => t.closest('.table-responsive') !== null || getComputedStyle(t).overflowX "
                              "=== 'auto'"), path
