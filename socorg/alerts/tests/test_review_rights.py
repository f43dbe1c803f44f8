"""Only reviewers accept or return a rectification (issue #10 item 17): an instructor works on the alerts assigned to
it and submits them; bureau or party committee staff review. Alert steps and downloads are never cached."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from socorg.activities.models import Activity
from socorg.alerts import services
from socorg.alerts.choices import AlertStatus
from socorg.alerts.models import Alert
from socorg.alerts.scan import run_scan
from socorg.core.testing import api_as, client_as, make_user

from .factories import AS_OF, healthy_branch

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    party_org, _org = healthy_branch()
    Activity.objects.filter(party_org=party_org, type="member_assembly").delete()
    run_scan(as_of=AS_OF)
    alert = Alert.objects.get(rule="member_assembly_shortfall")
    instructor = make_user(("instructor", "530102"))
    services.alert_assign(alert=alert, assignee=instructor, deadline=timezone.localdate() + datetime.timedelta(7),
                          actor=make_user(("party_staff", "530102")))
    services.alert_submit(alert=alert, note="已召开党员大会", actor=instructor)
    alert.refresh_from_db()
    return alert


def test_another_instructor_cannot_accept_or_return(submitted):
    colleague = make_user(("instructor", "530100"))
    with pytest.raises(PermissionDenied):
        services.alert_accept(alert=submitted, actor=colleague)
    with pytest.raises(PermissionDenied):
        services.alert_return(alert=submitted, note="不合格", actor=colleague)
    assert api_as(colleague).post(f"/api/v1/alerts/{submitted.pk}/accept/", {}, format="json").status_code == 403
    page = client_as(colleague).get(f"/alerts/{submitted.pk}/").content.decode()
    assert f"/alerts/{submitted.pk}/review/" not in page
    submitted.refresh_from_db()
    assert submitted.status == AlertStatus.SUBMITTED


@pytest.mark.parametrize("role", ["party_staff", "bureau_staff"])
def test_staff_review(submitted, role):
    services.alert_accept(alert=submitted, actor=make_user((role, "530102")))
    submitted.refresh_from_db()
    assert submitted.status == AlertStatus.ACCEPTED
