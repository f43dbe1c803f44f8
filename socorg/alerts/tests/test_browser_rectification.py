import datetime

import pytest
from django.utils import timezone

from socorg.activities.models import Activity
from socorg.alerts.choices import AlertStatus
from socorg.alerts.models import Alert
from socorg.alerts.scan import run_scan
from socorg.core.testing import make_user
from socorg.core.testing_browser import login

from .factories import AS_OF, healthy_branch

pytestmark = pytest.mark.browser
PASSWORD = "Browser-Test-1!"


def switch_user(page, live_server, user):
    page.context.clear_cookies()
    login(page, live_server, user.username, PASSWORD)


def test_staff_assigns_branch_submits_evidence_and_staff_accepts(page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    party_org, org = healthy_branch()
    Activity.objects.filter(party_org=party_org, type="member_assembly").delete()
    run_scan(as_of=AS_OF)
    alert = Alert.objects.get(rule="member_assembly_shortfall")
    staff = make_user(("party_staff", "530102"), password=PASSWORD)
    branch = make_user(("org_account", "530102"), password=PASSWORD, organization=org)
    deadline = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()

    switch_user(page, live_server, staff)
    page.goto(f"{live_server.url}/alerts/")
    assert "预警" in page.locator("h1").first.inner_text()
    page.goto(f"{live_server.url}/alerts/{alert.pk}/")
    assert "第十一条" in page.content()
    page.select_option("#assign-form select[name=assignee]", str(branch.pk))
    page.fill("#assign-form input[name=deadline]", deadline)
    page.click("#assign-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/alerts/{alert.pk}/")
    assert page.locator("#alert-status").inner_text() == "已交办整改"

    switch_user(page, live_server, branch)
    page.goto(f"{live_server.url}/alerts/{alert.pk}/")
    page.fill("#submit-form textarea[name=note]", "已于本季度补开支部党员大会")
    evidence = tmp_path / "会议纪要.pdf"
    evidence.write_bytes(b"%PDF-1.4 minutes")
    page.set_input_files("#submit-form input[name=files]", str(evidence))
    page.click("#submit-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/alerts/{alert.pk}/")
    assert page.locator("#alert-status").inner_text() == "整改已提交"
    assert "会议纪要.pdf" in page.content()

    switch_user(page, live_server, staff)
    page.goto(f"{live_server.url}/alerts/{alert.pk}/")
    page.fill("#review-form textarea[name=note]", "材料齐全，同意销号")
    page.click("#review-form button[value=accept]")
    page.wait_for_url(f"{live_server.url}/alerts/{alert.pk}/")
    assert page.locator("#alert-status").inner_text() == "整改已通过"
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACCEPTED
