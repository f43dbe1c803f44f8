import pytest

from socorg.core.testing_browser import login_as_new_user

pytestmark = pytest.mark.browser


def test_user_logs_in_and_drills_down_from_province_to_county(page, live_server):
    login_as_new_user(page, live_server, ("viewer", "530000"))
    assert page.locator("h1").first.inner_text() != ""
    page.goto(f"{live_server.url}/regions/")
    assert "云南省" in page.locator("h1").inner_text()
    page.click("text=昆明市")
    assert "昆明市" in page.locator("h1").inner_text()
    page.click("text=五华区")
    assert "530102" in page.locator("h1").inner_text()
    assert page.locator("ol.breadcrumb").inner_text().startswith("中华人民共和国")
