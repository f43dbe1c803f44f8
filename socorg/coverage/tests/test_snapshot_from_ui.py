"""「生成本期快照」 from the trend panel: offered to those allowed, confirmed first, taken once through the snapshot
service (audited)."""

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.models import AuditEntry
from socorg.core.testing import client_as, make_user
from socorg.coverage.models import CoverageSnapshot
from socorg.coverage.snapshots import period_of

pytestmark = pytest.mark.django_db


def test_national_staff_take_the_current_period_once_from_the_dashboard():
    period = period_of(timezone.localdate())
    half = "上半年" if period.half == 1 else "下半年"
    client = client_as(make_user((Role.BUREAU_STAFF, "100000")))
    html = client.get("/coverage/", {"region": "530000"}).content.decode()
    assert 'id="take-snapshot"' in html and f"冻结{period.year}年{half}" in html  # the confirmation names it
    response = client.post("/coverage/snapshot/", {"region": "530000"}, follow=True)
    assert response.redirect_chain[-1][0] == "/coverage/?region=530000"
    assert f"{period.year}年{half}的快照已生成" in response.content.decode()
    assert CoverageSnapshot.objects.filter(period=str(period), region_id="100000").exists()
    assert AuditEntry.objects.filter(action="coverage.snapshot", object_id=str(period)).count() == 1
    # Taken: no longer offered, and a second request is refused with the service's message.
    assert 'id="take-snapshot"' not in client.get("/coverage/").content.decode()
    again = client.post("/coverage/snapshot/", {}, follow=True).content.decode()
    assert "快照不可修改：不能重新生成或替换" in again
    assert AuditEntry.objects.filter(action="coverage.snapshot").count() == 1


def test_the_button_is_not_offered_below_the_national_level_and_the_post_is_refused():
    province = client_as(make_user((Role.BUREAU_STAFF, "530000")))
    assert 'id="take-snapshot"' not in province.get("/coverage/").content.decode()
    province.post("/coverage/snapshot/", {})
    assert not CoverageSnapshot.objects.exists()


def test_taking_a_snapshot_needs_a_post():
    assert client_as(make_user((Role.BUREAU_STAFF, "100000"))).get("/coverage/snapshot/").status_code == 405
