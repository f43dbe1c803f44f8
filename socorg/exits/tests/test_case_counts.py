"""The maintained screening-case counts (exits.triggers) give the same exit figures as counting the cases
themselves — for the nation, a province, a county and a user's scope — whatever is inserted, changed or deleted,
by single rows or whole statements, including organizations moving to another authority region; on SQLite (row
triggers) and PostgreSQL (statement triggers, and the row trigger on an organization's region)."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socorg.accounts.roles import Role
from socorg.core.testing import drop_trigger, make_user
from socorg.exits import triggers
from socorg.exits.choices import CaseStatus
from socorg.exits.models import ExitCaseCounts, ScreeningCase, ScreeningRun
from socorg.exits.queries import exit_figures
from socorg.party.tests.factories import make_org
from socorg.regions.models import Region
from socorg.registry.models import SocialOrganization

pytestmark = pytest.mark.django_db

REGIONS = ("530102", "530103", "530100", "530000", "110101", "100000")
SCOPES = ("100000", "530000", "530100", "530102", "110000")
STATUSES = CaseStatus.values

changes = st.one_of(
    # one UPDATE statement over several cases (a status) or organizations (a region)
    st.tuples(st.just("status"), st.lists(st.integers(0, 30), min_size=1, max_size=4), st.sampled_from(STATUSES)),
    st.tuples(st.just("move"), st.lists(st.integers(0, 11), min_size=1, max_size=3), st.sampled_from(REGIONS)),
    st.tuples(st.just("move one"), st.integers(0, 11), st.sampled_from(REGIONS)),  # Model.save(): every column
    st.tuples(st.just("reassign"), st.integers(0, 30), st.integers(0, 11)),
    st.tuples(st.just("open"), st.lists(st.integers(0, 11), max_size=5)),  # a bulk insert, as a screening run
    st.tuples(st.just("delete"), st.lists(st.integers(0, 30), min_size=1, max_size=3)),
)


def live(region, user=None):
    """The figures counted from the cases (a period reads the cases; this one covers every run)."""
    return exit_figures(region=region, user=user, since=datetime.date(1900, 1, 1))


def assert_maintained_equal_live(users):
    for code in SCOPES:
        region = Region.objects.get(code=code)
        assert exit_figures(region=region) == live(region), code
        for user in users:
            assert exit_figures(region=region, user=user) == live(region, user), (code, user.username)
    before = set(ExitCaseCounts.objects.exclude(cases=0).values_list("region_id", "status", "cases"))
    assert not ExitCaseCounts.objects.filter(cases__lt=0).exists()
    triggers.rebuild_counts()
    assert set(ExitCaseCounts.objects.values_list("region_id", "status", "cases")) == before


def _with_open() -> set[int]:
    return set(ScreeningCase.objects.filter(status=CaseStatus.OPEN).values_list("organization_id", flat=True))


def _case_ids():
    return list(ScreeningCase.objects.order_by("pk").values_list("pk", flat=True))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(regions=st.lists(st.sampled_from(REGIONS), min_size=1, max_size=12),
       opened=st.lists(st.tuples(st.integers(0, 11), st.sampled_from(STATUSES)), max_size=20),
       later=st.lists(changes, max_size=10))
def test_maintained_figures_equal_a_live_count_through_any_change(regions, opened, later):
    with transaction.atomic():
        users = [make_user((Role.BUREAU_STAFF, "530100")),
                 make_user((Role.BUREAU_STAFF, "530103"), (Role.BUREAU_STAFF, "110000"))]
        orgs = [make_org(code) for code in regions]
        run = ScreeningRun.objects.create(region_id="100000", as_of=datetime.date(2026, 7, 1))
        cases, open_for = [], set()  # one open case per organization (a constraint)
        for i, status in opened:
            org = orgs[i % len(orgs)]
            if status == CaseStatus.OPEN:
                if org.pk in open_for:
                    continue
                open_for.add(org.pk)
            cases.append(ScreeningCase(run=run, organization=org, status=status))
        ScreeningCase.objects.bulk_create(cases)
        assert_maintained_equal_live(users)
        for change in later:
            ids = _case_ids()
            if change[0] == "status" and ids:
                chosen = {ids[i % len(ids)] for i in change[1]}
                if change[2] == CaseStatus.OPEN:  # one open case per organization (a constraint)
                    with_open, per_org = _with_open(), {}
                    for pk, org_id in ScreeningCase.objects.filter(pk__in=chosen).values_list("pk",
                                                                                            "organization_id"):
                        if org_id not in with_open:
                            per_org.setdefault(org_id, pk)
                    chosen = set(per_org.values())
                ScreeningCase.objects.filter(pk__in=chosen).update(status=change[2])
            elif change[0] == "move":
                SocialOrganization.objects.filter(pk__in=[orgs[i % len(orgs)].pk for i in change[1]]).update(
                    authority_region_id=change[2])
            elif change[0] == "move one":
                org = SocialOrganization.objects.get(pk=orgs[change[1] % len(orgs)].pk)
                org.authority_region_id = change[2]
                org.save()
            elif change[0] == "reassign" and ids:
                case = ScreeningCase.objects.get(pk=ids[change[1] % len(ids)])
                target = orgs[change[2] % len(orgs)]
                if case.status != CaseStatus.OPEN or not target.screening_cases.filter(
                        status=CaseStatus.OPEN).exists():
                    case.organization = target
                    case.save()
            elif change[0] == "open":
                fresh = {orgs[i % len(orgs)].pk for i in change[1]} - _with_open()
                ScreeningCase.objects.bulk_create([ScreeningCase(run=run, organization_id=pk) for pk in fresh])
            elif change[0] == "delete" and ids:
                ScreeningCase.objects.filter(pk__in=[ids[i % len(ids)] for i in change[1]]).delete()
        assert_maintained_equal_live(users)
        transaction.set_rollback(True)


def test_the_figures_count_what_a_user_may_see_of_the_region_asked_for():
    kunming, beijing = make_org("530102"), make_org("110101")
    run = ScreeningRun.objects.create(region_id="100000", as_of=datetime.date(2026, 7, 1))
    ScreeningCase.objects.create(run=run, organization=kunming)
    ScreeningCase.objects.create(run=run, organization=beijing, status=CaseStatus.DEREGISTERED)
    nation = Region.objects.get(code="100000")
    assert exit_figures(region=nation)["totals"] == {"found": 2, "open": 1, "rectified": 0, "deregistered": 1,
                                                     "revoked": 0}
    clerk = make_user((Role.BUREAU_STAFF, "530100"))
    figures = exit_figures(region=nation, user=clerk)
    assert figures["totals"]["found"] == 1 and figures["totals"]["open"] == 1
    assert [(r.code, direct) for r, direct, _counts in figures["rows"]] == [("530000", False)]
    SocialOrganization.objects.filter(pk=beijing.pk).update(authority_region_id="530103")  # moved into its scope
    assert exit_figures(region=nation, user=clerk)["totals"]["deregistered"] == 1
    assert exit_figures(region=Region.objects.get(code="110000"))["totals"]["found"] == 0
    # Registered by the national and a provincial authority: the nation's own level (本级) and the province's.
    ScreeningCase.objects.create(run=run, organization=make_org("100000"))
    ScreeningCase.objects.create(run=run, organization=make_org("530000"), status=CaseStatus.RECTIFIED)
    rows = [(r.code, direct, counts["found"], counts["rectified"])
            for r, direct, counts in exit_figures(region=nation)["rows"]]
    assert rows == [("100000", True, 1, 0), ("530000", False, 3, 1)]
    rows = [(r.code, direct, counts["found"]) for r, direct, counts in exit_figures(
        region=Region.objects.get(code="530000"))["rows"]]
    assert rows == [("530000", True, 1), ("530100", False, 2)]


def test_the_triggers_are_installed_after_migrate_and_reinstalled_when_missing():
    assert triggers.install_triggers() is False  # migrate installed them
    drop_trigger("exits_org_region", triggers.ORG_TABLE)
    assert triggers.install_triggers() is True
    assert triggers.install_triggers() is False
