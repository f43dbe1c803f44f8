import pytest

from socorg.accounts.roles import Role
from socorg.core.testing_browser import login_as_new_user
from socorg.registry.models import SocialOrganization

from .helpers import standard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_user_uploads_a_ledger_previews_it_and_confirms_the_import(page, live_server, tmp_path):
    login_as_new_user(page, live_server, (Role.BUREAU_STAFF, "530102"))
    page.goto(f"{live_server.url}/ledger/")
    page.set_input_files("input[type=file]", str(standard(tmp_path / "台账.xlsx")))
    page.click("text=上传并校验")
    page.wait_for_selector("#confirm-import")
    counts = page.locator("#import-counts").inner_text()
    assert "将新增" in counts and "3" in counts
    assert not SocialOrganization.objects.exists()  # the preview wrote nothing
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#confirm-import")
    page.wait_for_selector("#import-done")
    assert SocialOrganization.objects.count() == 3
