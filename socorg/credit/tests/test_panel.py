"""The figures above the credit list count the entries in force today in the user's scope, per list and entered
late — the same entries `active_entries` gives (decided by today, not removed, not past their own end), for a
national, a provincial, a county user and an organization's own account."""

import datetime

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import client_as, make_user
from socorg.credit.choices import CreditList
from socorg.credit.models import CreditEntry
from socorg.credit.queries import active_entries, in_force_figures
from socorg.party.tests.factories import make_org

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def entry(org, n, *, list="abnormal", decided_on=TODAY - 30 * DAY, late=False, expires_on=None, removed_on=None):
    return CreditEntry.objects.create(
        organization=org, list=list, reason="annual_report_missing", decision_no=f"测试决定{n:03d}",
        decided_on=decided_on, entered_on=decided_on, entry_due_on=decided_on + 7 * DAY, entered_late=late,
        expires_on=expires_on, removed_on=removed_on, removal_kind="rectified" if removed_on else "")


def test_the_panel_counts_the_entries_in_force_in_the_users_scope():
    wuhua, panlong, chengdu = make_org("530102"), make_org("530103"), make_org("510104")
    entry(wuhua, 1)
    entry(wuhua, 2, list="serious", late=True, expires_on=TODAY + DAY)
    entry(wuhua, 3, expires_on=TODAY)  # ended by itself today: out, though not yet marked removed
    entry(wuhua, 4, removed_on=TODAY - DAY)  # removed
    entry(wuhua, 5, removed_on=TODAY + DAY, late=True)  # removal recorded for tomorrow: still in force today
    entry(wuhua, 6, decided_on=TODAY + DAY)  # decided for tomorrow: not yet
    entry(panlong, 7, list="serious")
    entry(chengdu, 8, late=True)
    users = {
        "nation": make_user((Role.BUREAU_STAFF, "100000")),
        "province": make_user((Role.BUREAU_STAFF, "530000")),
        "county": make_user((Role.BUREAU_STAFF, "530103")),
        "own account": make_user((Role.ORG_ACCOUNT, "530102"), organization=wuhua),
    }
    expected = {"nation": ({"abnormal": 3, "serious": 2}, 3), "province": ({"abnormal": 2, "serious": 2}, 2),
                "county": ({"abnormal": 0, "serious": 1}, 0), "own account": ({"abnormal": 2, "serious": 1}, 2)}
    for who, user in users.items():
        figures = in_force_figures(user=user)
        live = {code: active_entries(user=user, list=code).count() for code in CreditList.values}
        assert figures == {"lists": live, "late": active_entries(user=user).filter(entered_late=True).count()}, who
        assert (figures["lists"], figures["late"]) == expected[who], who
    page = client_as(users["province"]).get("/credit/")
    assert page.context["in_force"] == {label: expected["province"][0][code] for code, label in CreditList.choices}
    assert page.context["late"] == 2
