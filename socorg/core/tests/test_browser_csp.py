"""The pages work under the Content-Security-Policy (issue #10 item 15), checked in Chromium: no violation is
reported on the pages with charts and inline scripts, and the charts are drawn."""

import pytest

from socorg.core.testing_browser import login_as_new_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_with_charts_run_under_the_policy(page, live_server):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    login_as_new_user(page, live_server, ("bureau_staff", "530000"))
    for path, chart in (("/alerts/", "#board-chart canvas"), ("/coverage/", "#coverage-bar canvas"),
                        ("/orgs/", None), ("/party/members/", None)):
        page.goto(f"{live_server.url}{path}")
        if chart:
            page.wait_for_selector(chart, timeout=15000)
    assert violations == []
