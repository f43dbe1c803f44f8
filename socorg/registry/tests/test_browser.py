"""In a real browser (Debian's Chromium): a county clerk registers an organization through the form, first with a
mistyped code (the inline Chinese field error appears, nothing is saved), then with the right one; the registration
region is chosen with the type-ahead picker (pinyin)."""

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing_browser import login_as_new_user
from socorg.registry.choices import OrgType
from socorg.registry.models import SocialOrganization

from .conftest import new_uscc

pytestmark = pytest.mark.browser


def test_clerk_sees_the_field_error_for_a_bad_code_then_registers(page, live_server):
    login_as_new_user(page, live_server, (Role.BUREAU_STAFF, "530102"))
    page.goto(f"{live_server.url}/orgs/")
    page.click("text=登记社会组织")
    good = new_uscc("530102", OrgType.SOCIAL_GROUP)
    mistyped = good[:17] + ("0" if good[17] != "0" else "1")

    page.fill("#id_uscc", mistyped)
    page.fill("#id_name", "五华区围棋协会")
    page.select_option("#id_org_type", OrgType.SOCIAL_GROUP)
    # The region picker: type pinyin, choose the suggestion.
    page.fill("#id_authority_region", "wuhua")
    page.click('.picker-results [data-pick="530102"]')
    assert page.locator("#id_authority_region").input_value() == "530102"
    assert "五华区" in page.locator(".picker-description").inner_text()
    page.fill("#id_registered_on", "2021-06-01")
    page.click("main button[type=submit]")

    error = page.locator('.invalid-feedback[data-field="uscc"]')
    assert "第 18 位（校验码）" in error.inner_text()
    assert "is-invalid" in page.locator("#id_uscc").get_attribute("class")
    assert not SocialOrganization.objects.exists()

    page.fill("#id_uscc", good.lower())
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/orgs/{good}/")
    assert page.locator("h1").inner_text() == "五华区围棋协会"
    assert SocialOrganization.objects.get(uscc=good).authority_region_id == "530102"
