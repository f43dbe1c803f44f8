"""A clerk pages through a long organizational-life list in the browser (zh-Hans, Chromium): 下一页 leads by cursor
to the next records, 上一页 back to the first ones, keeping the chosen page size."""

import datetime
import re

import pytest

from socorg.activities.models import Activity
from socorg.core import pagination
from socorg.core.testing import make_user
from socorg.core.testing_browser import login
from socorg.party.models import PartyOrganization

pytestmark = pytest.mark.browser
PASSWORD = "Browser-Test-1!"


def test_a_clerk_follows_next_and_previous_through_a_long_list(page, live_server, monkeypatch):
    monkeypatch.setattr(pagination, "NUMBERED_PAGES", 1)  # a list of more than one page counts as long
    branch = PartyOrganization.objects.create(name="五华区测试协会党支部", kind="branch", formation="standalone",
                                              region_id="530102", founded_on=datetime.date(2020, 1, 1))
    Activity.objects.bulk_create(Activity(party_org=branch, type="member_assembly", topic=f"学习党章第{n:02d}次",
                                          date=datetime.date(2025, 5, 1 + n % 3)) for n in range(45))
    newest_first = list(Activity.objects.order_by("-date", "-id").values_list("topic", flat=True))
    clerk = make_user(("party_staff", "530102"), password=PASSWORD)
    login(page, live_server, clerk.username, PASSWORD)

    def topics() -> list[str]:
        return re.findall(r"学习党章第\d{2}次", page.locator("table").inner_text())

    page.goto(f"{live_server.url}/activities/?page_size=20")
    assert topics() == newest_first[:20]
    assert page.locator("a[rel=next]").inner_text().startswith("下一页")
    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r"cursor="))
    assert topics() == newest_first[20:40] and "page_size=20" in page.url
    page.click("a[rel=next]")
    page.wait_for_load_state()
    assert topics() == newest_first[40:] and page.locator("a[rel=next]").count() == 0
    assert page.locator("a[rel=prev]").inner_text().endswith("上一页")
    page.click("a[rel=prev]")
    page.wait_for_load_state()
    assert topics() == newest_first[20:40]
