"""The maintained credit-list entry counts (credit.triggers) give the same in-force figures as counting the entries
in force — on any day, for the nation, a province, a county and an organization's own account — whatever is
inserted, changed or deleted, by single rows or whole statements, including organizations moving to another
authority region; on SQLite (row triggers) and PostgreSQL (statement triggers, and the row trigger on an
organization's region)."""

import datetime

import pytest
from django.db import transaction
from django.db.models import Count, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socorg.accounts.roles import Role
from socorg.core.testing import drop_trigger, make_user
from socorg.credit import triggers
from socorg.credit.choices import CreditList
from socorg.credit.models import CreditEntry, CreditEntryCounts
from socorg.credit.queries import active_entries, in_force_figures
from socorg.party.tests.factories import make_org
from socorg.registry.models import SocialOrganization

pytestmark = pytest.mark.django_db

REGIONS = ("530102", "530103", "530100", "510104", "110101")
BASE = datetime.date(2026, 6, 15)
DAYS = [BASE + datetime.timedelta(days=n) for n in (-60, -1, 0, 1, 30)]  # what an entry's dates and the day asked are
MAYBE = st.one_of(st.none(), st.sampled_from(DAYS))

entries = st.fixed_dictionaries({"org": st.integers(0, 9), "list": st.sampled_from(CreditList.values),
                                 "late": st.booleans(), "decided_on": st.sampled_from(DAYS),
                                 "expires_on": MAYBE, "removed_on": MAYBE})
changes = st.one_of(
    st.tuples(st.just("add"), st.lists(entries, min_size=1, max_size=4)),  # one bulk insert
    st.tuples(st.just("update"), st.lists(st.integers(0, 30), min_size=1, max_size=4),  # one UPDATE statement
              st.fixed_dictionaries({}, optional={"list": st.sampled_from(CreditList.values),
                                                  "entered_late": st.booleans(), "removed_on": MAYBE,
                                                  "expires_on": MAYBE, "decided_on": st.sampled_from(DAYS)})),
    st.tuples(st.just("remove one"), st.integers(0, 30), MAYBE),  # Model.save(): every column
    st.tuples(st.just("move"), st.lists(st.integers(0, 9), min_size=1, max_size=3), st.sampled_from(REGIONS)),
    st.tuples(st.just("move one"), st.integers(0, 9), st.sampled_from(REGIONS)),
    st.tuples(st.just("reassign"), st.integers(0, 30), st.integers(0, 9)),
    st.tuples(st.just("delete"), st.lists(st.integers(0, 30), min_size=1, max_size=3)),
)
_serial = iter(range(10**6))


def _entry(orgs, spec) -> CreditEntry:
    removed = spec["removed_on"]
    return CreditEntry(organization=orgs[spec["org"] % len(orgs)], list=spec["list"], reason="annual_report_missing",
                       decision_no=f"测试决定{next(_serial):06d}", decided_on=spec["decided_on"],
                       entered_on=spec["decided_on"], entry_due_on=spec["decided_on"], entered_late=spec["late"],
                       expires_on=spec["expires_on"], removed_on=removed, removal_kind="rectified" if removed else "")


def live(user, day) -> dict:
    rows = active_entries(on=day, user=user).aggregate(
        late=Count("pk", filter=Q(entered_late=True)),
        **{code: Count("pk", filter=Q(list=code)) for code in CreditList.values})
    return {"lists": {code: rows[code] for code in CreditList.values}, "late": rows["late"]}


def assert_maintained_equal_live(users):
    for day in DAYS:
        for user in users:
            assert in_force_figures(user=user, on=day) == live(user, day), (day, user.username)
    before = set(CreditEntryCounts.objects.exclude(entries=0).values_list(*triggers.KEYS, "entries"))
    assert not CreditEntryCounts.objects.filter(entries__lt=0).exists()
    triggers.rebuild_counts()
    assert set(CreditEntryCounts.objects.values_list(*triggers.KEYS, "entries")) == before


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(regions=st.lists(st.sampled_from(REGIONS), min_size=1, max_size=10), initial=st.lists(entries, max_size=15),
       later=st.lists(changes, max_size=8))
def test_maintained_in_force_figures_equal_a_live_count_through_any_change(regions, initial, later):
    with transaction.atomic():
        orgs = [make_org(code) for code in regions]
        users = [make_user((Role.BUREAU_STAFF, "100000")), make_user((Role.BUREAU_STAFF, "530000")),
                 make_user((Role.BUREAU_STAFF, "530103"), (Role.BUREAU_STAFF, "510000")),
                 make_user((Role.ORG_ACCOUNT, regions[0]), organization=orgs[0])]
        CreditEntry.objects.bulk_create([_entry(orgs, spec) for spec in initial])
        assert_maintained_equal_live(users)
        for change in later:
            ids = list(CreditEntry.objects.order_by("pk").values_list("pk", flat=True))
            if change[0] == "add":
                CreditEntry.objects.bulk_create([_entry(orgs, spec) for spec in change[1]])
            elif change[0] == "update" and ids and change[2]:
                values = dict(change[2])
                if "removed_on" in values:  # a removal has its kind (a constraint)
                    values["removal_kind"] = "rectified" if values["removed_on"] else ""
                CreditEntry.objects.filter(pk__in=[ids[i % len(ids)] for i in change[1]]).update(**values)
            elif change[0] == "remove one" and ids:
                entry = CreditEntry.objects.get(pk=ids[change[1] % len(ids)])
                entry.removed_on, entry.removal_kind = change[2], "rectified" if change[2] else ""
                entry.save()
            elif change[0] == "move":
                SocialOrganization.objects.filter(pk__in=[orgs[i % len(orgs)].pk for i in change[1]]).update(
                    authority_region_id=change[2])
            elif change[0] == "move one":
                org = SocialOrganization.objects.get(pk=orgs[change[1] % len(orgs)].pk)
                org.authority_region_id = change[2]
                org.save()
            elif change[0] == "reassign" and ids:
                entry = CreditEntry.objects.get(pk=ids[change[1] % len(ids)])
                entry.organization = orgs[change[2] % len(orgs)]
                entry.save()
            elif change[0] == "delete" and ids:
                CreditEntry.objects.filter(pk__in=[ids[i % len(ids)] for i in change[1]]).delete()
        assert_maintained_equal_live(users)
        transaction.set_rollback(True)


def test_the_triggers_are_installed_after_migrate_and_reinstalled_when_missing():
    assert triggers.install_triggers() is False  # migrate installed them
    drop_trigger("credit_counts_org", triggers.ORG_TABLE)
    assert triggers.install_triggers() is True
    assert triggers.install_triggers() is False
