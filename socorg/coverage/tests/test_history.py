"""Figures as of a date read the dated history (issue 19, item 5; docs/history.md).

Member joins, leaves, transfers and 转正, party-organization changes and organization status changes are kept as
dated periods by database triggers, so a figure as of a past day — `coverage --as-of`, a half-year snapshot, the
annual report's "as of 31 December" — stays what it was when members move afterwards. Every write path keeps the
history: the services, bulk inserts (the demo's and the ledger's COPY / executemany), set-based UPDATEs, deletes."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.coverage.queries import orgs_behind, region_figures
from socorg.coverage.services import snapshot_take
from socorg.coverage.snapshots import Period
from socorg.coverage.state import refresh_coverage_flags, refresh_member_counts
from socorg.party import services as party
from socorg.party.choices import Formation, Membership
from socorg.party.history import MEMBER_HISTORY, PARTY_ORG_HISTORY
from socorg.party.models import MemberPeriod, PartyMember, PartyOrganization, PartyOrgPeriod
from socorg.registry import services as registry
from socorg.registry.choices import OrgType
from socorg.registry.history import ORG_HISTORY
from socorg.registry.models import OrgPeriod, SocialOrganization
from socorg.reports.party_building import party_building_as_of

from . import builders as b

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# The last annual report's "as of 31 December" and the last day of the second half-year census period.
DAY = datetime.date(TODAY.year - 1, 12, 31)
PERIOD = Period(TODAY.year - 1, 2)
JOINED = datetime.date(2015, 7, 1)


@pytest.fixture
def actor(db):
    return make_user((Role.BUREAU_STAFF, "530000"))


@pytest.fixture
def world(actor):
    """Two organizations in 五华区 and 盘龙区: A with a standalone branch and four members (three full, one
    probationary), B with a joint branch and no members; all in force since 2020."""
    a = b.register("530102", registered_on=datetime.date(2020, 1, 1))
    c = b.register("530103", registered_on=datetime.date(2020, 1, 1))
    branch_a = b.found([a], start_on=datetime.date(2020, 3, 1))
    branch_c = b.found([c], formation=Formation.JOINT, start_on=datetime.date(2020, 3, 1))
    members = [party.member_add(name=f"党员{i}", party_org=branch_a, employer=a, actor=actor, joined_on=JOINED,
                                membership=Membership.FULL if i < 3 else Membership.PROBATIONARY)
               for i in range(4)]
    return {"a": a, "c": c, "branch_a": branch_a, "branch_c": branch_c, "members": members}


def figures(region, on=None):
    return region_figures(region("530100"), on=on).totals


def by_county(region, on=None):
    rows = region_figures(region("530100"), on=on).children
    return {row["region"]["code"]: row["totals"] for row in rows}


# --- the done-when test: members move after the snapshot date, the figure as of that date does not ---------------


def test_members_moving_after_the_snapshot_date_leave_the_figure_as_of_that_date_unchanged(world, actor, region):
    before = figures(region, DAY)
    counties_before = by_county(region, DAY)
    assert before["full_members"] == 3 and before["should_build"] == 1 and before["should_build_built"] == 1

    m0, m1, m2, m3 = world["members"]
    party.member_update(member=m0, actor=actor, employer=world["c"], party_org=world["branch_c"])  # transfer
    party.member_leave(member=m1, actor=actor)                                                     # leaves today
    party.member_update(member=m3, actor=actor, membership=Membership.FULL)                       # 转正 today

    assert figures(region, DAY) == before
    assert by_county(region, DAY) == counties_before
    snapshot = snapshot_take(period=str(PERIOD))
    assert snapshot
    from socorg.coverage.models import CoverageSnapshot

    taken = CoverageSnapshot.objects.get(period=str(PERIOD), region_id="530100")
    assert taken.totals == before
    # Today's figures did change: A has two full members left (m2, m3), B one (m0).
    now = by_county(region)
    assert now["530102"]["full_members"] == 2 and now["530103"]["full_members"] == 1
    assert figures(region)["should_build"] == 0


def test_the_annual_report_as_of_31_december_keeps_the_members_of_that_day(world, actor):
    m0, m1, _, m3 = world["members"]
    party.member_update(member=m0, actor=actor, employer=world["c"], party_org=world["branch_c"])
    party.member_leave(member=m1, actor=actor)
    party.member_update(member=m3, actor=actor, membership=Membership.FULL)
    section = party_building_as_of(world["a"], DAY.year)
    assert (section["full_members"], section["probationary_members"]) == (3, 1)
    assert party_building_as_of(world["c"], DAY.year)["full_members"] == 0


# --- each kind of change ------------------------------------------------------------------------------------------


def test_a_join_counts_from_its_joining_date(world, actor, region):
    before = figures(region, DAY)["full_members"]
    party.member_add(name="新党员", party_org=world["branch_a"], employer=world["a"], actor=actor, joined_on=TODAY)
    party.member_add(name="老党员", party_org=world["branch_a"], employer=world["a"], actor=actor,
                     joined_on=datetime.date(2018, 1, 1))
    assert figures(region, DAY)["full_members"] == before + 1   # only the one who had joined by then
    assert figures(region)["full_members"] == before + 2


def test_a_leave_ends_the_period_on_its_date(world, actor, region):
    m0, m1 = world["members"][:2]
    party.member_leave(member=m0, actor=actor, left_on=TODAY)
    party.member_leave(member=m1, actor=actor, left_on=DAY - datetime.timedelta(days=10))
    assert figures(region, DAY)["full_members"] == 2               # m1 had left by then, m0 not yet
    assert figures(region, DAY - datetime.timedelta(days=11))["full_members"] == 3
    assert figures(region)["full_members"] == 1


def test_a_transfer_moves_the_member_from_the_day_it_is_recorded(world, actor, region):
    member = world["members"][0]
    party.member_update(member=member, actor=actor, employer=world["c"], party_org=world["branch_c"])
    periods = list(MemberPeriod.objects.filter(member=member).order_by("id")
                   .values_list("employer_id", "valid_from", "valid_to"))
    assert periods == [(world["a"].pk, JOINED, TODAY), (world["c"].pk, TODAY, None)]
    assert by_county(region, DAY)["530102"]["full_members"] == 3
    assert "530103" not in by_county(region, DAY) or by_county(region, DAY)["530103"]["full_members"] == 0
    assert by_county(region)["530103"]["full_members"] == 1


def test_two_changes_on_one_day_keep_the_last_state_of_the_day(world, actor):
    member = world["members"][3]
    party.member_update(member=member, actor=actor, membership=Membership.FULL)
    party.member_update(member=member, actor=actor, is_full_time_staff=True)
    periods = list(MemberPeriod.objects.filter(member=member).order_by("id")
                   .values_list("membership", "is_full_time_staff", "valid_from", "valid_to"))
    assert periods == [(Membership.PROBATIONARY, False, JOINED, TODAY), (Membership.FULL, True, TODAY, None)]


def test_a_party_organization_dissolved_after_the_day_still_covers_on_it(world, actor, region):
    branch = PartyOrganization.objects.get(pk=world["branch_a"].pk)
    party.party_org_dissolve(party_org=branch, dissolved_on=TODAY, actor=actor)
    assert figures(region, DAY)["org_covered"] == 2 and figures(region, DAY)["standalone"] == 1
    assert figures(region)["org_covered"] == 1 and figures(region)["standalone"] == 0


def test_a_party_organization_dissolved_before_the_day_does_not_cover_on_it(world, actor, region):
    branch = PartyOrganization.objects.get(pk=world["branch_a"].pk)
    party.party_org_dissolve(party_org=branch, dissolved_on=DAY - datetime.timedelta(days=1), actor=actor)
    assert figures(region, DAY)["org_covered"] == 1 and figures(region, DAY)["party_orgs"] == 1


def test_a_change_of_formation_or_function_counts_from_the_day_it_is_recorded(world, actor, region):
    branch = PartyOrganization.objects.get(pk=world["branch_a"].pk)
    party.party_org_update(party_org=branch, actor=actor, formation=Formation.JOINT)
    b.set_functional(PartyOrganization.objects.get(pk=world["branch_c"].pk), True)
    then, now = figures(region, DAY), figures(region)
    assert (then["standalone"], then["org_covered_formal"], then["party_orgs_functional"]) == (1, 2, 0)
    assert (now["standalone"], now["org_covered_formal"], now["party_orgs_functional"]) == (0, 1, 1)


def test_an_organization_status_change_counts_from_its_date(world, actor, region):
    registry.org_suspend(org=world["c"], actor=actor, date=TODAY, reason="限期停止活动")
    assert OrgPeriod.objects.filter(organization=world["c"]).count() == 2     # normal, then suspended
    assert figures(region, DAY)["orgs"] == 2 and figures(region)["orgs"] == 2  # suspended: still registered
    registry.org_deregister(org=SocialOrganization.objects.get(pk=world["c"].pk), actor=actor,
                            date=TODAY, reason="注销")
    assert figures(region, DAY)["orgs"] == 2 and figures(region)["orgs"] == 1
    registry.org_revoke(org=SocialOrganization.objects.get(pk=world["a"].pk), actor=actor,
                        date=DAY - datetime.timedelta(days=1), reason="撤销登记")
    assert figures(region, DAY)["orgs"] == 1


def test_declared_counts_are_kept_as_of_the_day(region):
    org = b.register("530102", full_members=5, registered_on=datetime.date(2020, 1, 1))
    b.set_members(org, 1)
    assert figures(region, DAY)["full_members"] == 5 and figures(region)["full_members"] == 1


# --- breakdowns as of a day: where and as what each organization was then ----------------------------------------


def test_an_organization_that_moved_after_the_day_counts_where_it_was_then(world, actor, region):
    """C moves from 盘龙区 to 曲靖市麒麟区 today: as of the day it still counts in 盘龙区 (its organizations, party
    organizations and the list behind the number); today in 麒麟区."""
    b.transfer(world["c"], "530302")
    then = by_county(region, DAY)
    assert (then["530103"]["orgs"], then["530103"]["org_covered"], then["530103"]["party_orgs"]) == (1, 1, 1)
    assert "530103" not in by_county(region) or by_county(region)["530103"]["orgs"] == 0
    province_then = {row["region"]["code"]: row["totals"] for row in region_figures(region("530000"), on=DAY).children}
    assert province_then["530100"]["orgs"] == 2 and province_then.get("530300", {"orgs": 0})["orgs"] == 0
    province_now = {row["region"]["code"]: row["totals"] for row in region_figures(region("530000")).children}
    assert province_now["530100"]["orgs"] == 1 and province_now["530300"]["orgs"] == 1
    assert set(orgs_behind(actor, region("530103"), "all", on=DAY)) == {world["c"]}
    assert not orgs_behind(actor, region("530103"), "all").exists()
    assert set(orgs_behind(actor, region("530300"), "org_covered")) == {world["c"]}
    assert not orgs_behind(actor, region("530300"), "org_covered", on=DAY).exists()


def test_an_organization_that_changed_type_after_the_day_counts_as_what_it_was_then(world, actor, region):
    SocialOrganization.objects.filter(pk=world["c"].pk).update(org_type=OrgType.FOUNDATION)

    def by_type(on=None):
        return {row["group"]["key"]: row["totals"] for row in
                region_figures(region("530100"), on=on, by="type").children}

    then, now = by_type(DAY), by_type()
    assert list(then) == [OrgType.SOCIAL_GROUP] and then[OrgType.SOCIAL_GROUP]["orgs"] == 2
    assert then[OrgType.SOCIAL_GROUP]["party_orgs"] == 2
    assert now[OrgType.SOCIAL_GROUP]["orgs"] == 1 and now[OrgType.FOUNDATION]["orgs"] == 1
    behind = orgs_behind(actor, region("530100"), "all", on=DAY, group=("type", OrgType.SOCIAL_GROUP))
    assert set(behind) == {world["a"], world["c"]}
    assert not orgs_behind(actor, region("530100"), "all", on=DAY, group=("type", OrgType.FOUNDATION)).exists()


# --- today's figures are the as-of figures for today -------------------------------------------------------------


def _history_today(model, key: str, values: tuple[str, ...]) -> dict:
    return {row[0]: row[1:] for row in model.objects.valid_on(TODAY).values_list(key, *values)}


def assert_history_equals_today():
    """The periods in force today are exactly the rows in force today, with today's values."""
    members = {m.pk: (m.employer_id, m.party_org_id, m.membership, m.is_full_time_staff)
               for m in PartyMember.objects.filter(is_active=True)}
    assert _history_today(MemberPeriod, "member_id", ("employer_id", "party_org_id", "membership",
                                                      "is_full_time_staff")) == members
    party_orgs = {p.pk: (p.kind, p.formation, p.is_functional, p.region_id)
                  for p in PartyOrganization.objects.active_on()}
    assert _history_today(PartyOrgPeriod, "party_org_id", ("kind", "formation", "is_functional",
                                                            "region_id")) == party_orgs
    orgs = {o.pk: (o.status, o.authority_region_id, o.declared_full_members)
            for o in SocialOrganization.objects.active_on()}
    assert _history_today(OrgPeriod, "organization_id", ("status", "authority_region_id",
                                                         "declared_full_members")) == orgs


def test_the_history_in_force_today_is_today(world, actor):
    m0, m1, _, m3 = world["members"]
    party.member_update(member=m0, actor=actor, employer=world["c"], party_org=world["branch_c"])
    party.member_leave(member=m1, actor=actor)
    party.member_update(member=m3, actor=actor, membership=Membership.FULL)
    registry.org_suspend(org=world["c"], actor=actor, date=TODAY, reason="限期停止活动")
    party.party_org_update(party_org=PartyOrganization.objects.get(pk=world["branch_c"].pk), actor=actor,
                           formation=Formation.STANDALONE)
    assert_history_equals_today()


def test_figures_as_of_yesterday_equal_todays_when_nothing_changed_since(world, region):
    yesterday = TODAY - datetime.timedelta(days=1)
    PartyMember.objects.update(joined_on=JOINED)
    assert region_figures(region("530000"), on=yesterday).totals == region_figures(region("530000")).totals


# --- every write path keeps the history --------------------------------------------------------------------------


def test_bulk_inserts_and_set_based_updates_keep_the_history(world):
    """The demo and the ledger write with COPY / executemany and set-based UPDATEs: the triggers see them."""
    a, c = world["a"], world["c"]
    branch = world["branch_a"]
    added = PartyMember.objects.bulk_create([
        PartyMember(name="批量一", party_org=branch, employer=a, joined_on=JOINED),
        PartyMember(name="批量二", party_org=branch, employer=a, joined_on=None),
        PartyMember(name="已离开", party_org=branch, employer=a, joined_on=JOINED, is_active=False,
                    left_on=datetime.date(2019, 1, 1)),
    ])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE party_partymember SET employer_id = %s WHERE name = %s", [c.pk, "批量一"])
    PartyMember.objects.filter(name="批量二").update(is_active=False, left_on=TODAY)
    periods = {m.name: list(MemberPeriod.objects.filter(member=m).order_by("id")
                            .values_list("employer_id", "valid_from", "valid_to")) for m in added}
    assert periods == {"批量一": [(a.pk, JOINED, TODAY), (c.pk, TODAY, None)],
                       "批量二": [(a.pk, None, TODAY)],
                       "已离开": [(a.pk, JOINED, datetime.date(2019, 1, 1))]}
    refresh_member_counts(None)
    refresh_coverage_flags(None)
    assert_history_equals_today()


def test_changes_of_untracked_columns_add_no_period(world):
    """Key rotation re-encrypts the phone and ID number of every member: no new period."""
    count = MemberPeriod.objects.count()
    PartyMember.objects.update(phone="13800000000", name="改名")
    SocialOrganization.objects.update(phone="13800000000", org_covered=True)
    assert MemberPeriod.objects.count() == count
    assert OrgPeriod.objects.filter(valid_to__isnull=False).count() == 0


def test_a_deleted_record_takes_its_history_with_it(world):
    member = PartyMember.objects.create(name="误录", party_org=world["branch_a"], employer=world["a"])
    assert MemberPeriod.objects.filter(member_id=member.pk).exists()
    member.delete()
    assert not MemberPeriod.objects.filter(member_id=member.pk).exists()


def test_a_corrected_joining_date_moves_the_start_of_the_history(world, actor):
    member = world["members"][0]
    party.member_update(member=member, actor=actor, joined_on=datetime.date(2012, 7, 1))
    assert list(MemberPeriod.objects.filter(member=member).values_list("valid_from", "valid_to")) == [
        (datetime.date(2012, 7, 1), None)]


def test_the_backfill_builds_what_the_triggers_build_for_existing_rows(world, actor):
    """The migration's set-based backfill (existing data, e.g. the national set) gives each row the period an
    INSERT gives it."""
    party.member_leave(member=world["members"][1], actor=actor, left_on=datetime.date(2024, 5, 1))
    registry.org_deregister(org=world["c"], actor=actor, date=datetime.date(2024, 5, 1), reason="注销")
    specs = ((MEMBER_HISTORY, MemberPeriod), (PARTY_ORG_HISTORY, PartyOrgPeriod), (ORG_HISTORY, OrgPeriod))
    kept = {model: sorted(model.objects.values_list(spec.key, "valid_from", "valid_to")) for spec, model in specs}
    for spec, model in specs:
        model.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(spec.backfill_sql())
        assert sorted(model.objects.values_list(spec.key, "valid_from", "valid_to")) == kept[model]


def test_a_ledger_import_keeps_the_history(tmp_path):
    """The ledger writes organizations with COPY / executemany and updates them set-based on a re-import."""
    from socorg.ledger.importer import import_ledger
    from socorg.ledger.tests.helpers import ORG_HEADERS, org_row, standard, uscc, workbook

    assert import_ledger(standard(tmp_path / "1.xlsx")).ok
    org = SocialOrganization.objects.get(uscc=uscc(1))
    assert list(OrgPeriod.objects.filter(organization=org).values_list("declared_full_members", "valid_from",
                                                                        "valid_to")) == [
        (3, datetime.date(2020, 1, 5), None)]
    assert import_ledger(workbook(tmp_path / "2.xlsx", {"社会组织": [ORG_HEADERS, org_row(1, members=7)]})).ok
    assert list(OrgPeriod.objects.filter(organization=org).order_by("id").values_list(
        "declared_full_members", "valid_from", "valid_to")) == [(3, datetime.date(2020, 1, 5), TODAY), (7, TODAY, None)]
    assert_history_equals_today()


def test_the_demo_generator_writes_its_history():
    """`socorg demo` loads with COPY (PostgreSQL) or executemany (SQLite): every row gets its dated history."""
    from socorg.demo.generator import DemoGenerator, Options

    DemoGenerator(Options(scale="county", seed=7, as_of=datetime.date(2025, 6, 30), orgs=60)).run()
    assert PartyMember.objects.exists() and MemberPeriod.objects.exists()
    assert_history_equals_today()
    assert set(OrgPeriod.objects.values_list("organization_id", flat=True)) >= set(
        SocialOrganization.objects.active_on().values_list("pk", flat=True))


def test_key_rotation_adds_no_period(settings, world):
    """`socorg rotate-field-key` rewrites every encrypted column; the history keeps values, not ciphertexts."""
    from django.core.management import call_command

    from socorg.core.crypto import forget_keys, under_current_key

    PartyMember.objects.filter(pk=world["members"][0].pk).update(phone="13900000000")
    counts = (MemberPeriod.objects.count(), OrgPeriod.objects.count(), PartyOrgPeriod.objects.count())
    settings.SOCORG_FIELD_KEYS_OLD = [settings.SOCORG_FIELD_KEY]
    settings.SOCORG_FIELD_KEY = "a-new-field-key-for-the-history-test-0123456789"
    forget_keys()
    try:
        call_command("rotate_field_key")
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM party_partymember WHERE id = %s", [world["members"][0].pk])
            assert under_current_key(cursor.fetchone()[0])  # the member row was rewritten
    finally:
        forget_keys()
    assert (MemberPeriod.objects.count(), OrgPeriod.objects.count(), PartyOrgPeriod.objects.count()) == counts
