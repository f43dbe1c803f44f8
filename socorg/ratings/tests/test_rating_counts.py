"""The maintained star-rating counts (ratings.triggers) give the same star figures as counting the ratings
themselves — for the nation, a province, a county and a user's scope, every cycle — whatever is inserted, changed
or deleted, by single rows or whole statements (the computation's INSERT … ON CONFLICT included), on SQLite (row
triggers) and PostgreSQL (statement triggers over transition tables)."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socorg.accounts.roles import Role
from socorg.core.testing import drop_trigger, make_user
from socorg.party.models import PartyOrganization
from socorg.party.tests.factories import make_org, make_party_org
from socorg.ratings import triggers
from socorg.ratings.choices import RatingStatus
from socorg.ratings.models import Rating, RatingCounts
from socorg.ratings.queries import scorecard_for, star_figures
from socorg.ratings.services import _Stage
from socorg.regions.models import Region

pytestmark = pytest.mark.django_db

REGIONS = ("530102", "530103", "530100", "510104", "110101")
SCOPES = ("100000", "530000", "530100", "530102", "510000")
CYCLES = (2024, 2025)
DAYS = (None, datetime.date(2025, 3, 1))

ratings = st.fixed_dictionaries({"branch": st.integers(0, 9), "cycle": st.sampled_from(CYCLES),
                                 "stars": st.integers(0, 5), "status": st.sampled_from(RatingStatus.values),
                                 "suspended_on": st.sampled_from(DAYS)})
changes = st.one_of(
    st.tuples(st.just("put"), ratings),  # Model.save() of a new or an existing rating
    st.tuples(st.just("update"), st.lists(st.integers(0, 30), min_size=1, max_size=4),  # one UPDATE statement
              st.fixed_dictionaries({}, optional={"stars": st.integers(0, 5),
                                                  "status": st.sampled_from(RatingStatus.values),
                                                  "suspended_on": st.sampled_from(DAYS),
                                                  "region_id": st.sampled_from(REGIONS),
                                                  "cycle": st.sampled_from(CYCLES)})),
    st.tuples(st.just("compute"), st.lists(st.tuples(st.integers(0, 9), st.integers(0, 5)), max_size=6)),
    st.tuples(st.just("delete"), st.lists(st.integers(0, 30), min_size=1, max_size=3)),
)


def _figures(figures) -> tuple:
    return (figures.rated, figures.by_stars, figures.published, figures.suspended, figures.rows)


def assert_maintained_equal_live(users):
    for cycle in CYCLES:
        for code in SCOPES:
            region = Region.objects.get(code=code)
            for published_only in (False, True):
                live = star_figures(cycle=cycle, region=region, published_only=published_only)
                assert _figures(star_figures(cycle=cycle, region=region, user=users[0],
                                             published_only=published_only)) == _figures(live), (cycle, code)
                for user in users[1:]:
                    assert _figures(star_figures(cycle=cycle, region=region, user=user,
                                                 published_only=published_only)) == _figures(
                        star_figures(cycle=cycle, region=region, queryset=Rating.objects.visible_to(user, "view"),
                                     published_only=published_only)), (cycle, code, user.username)
    before = set(RatingCounts.objects.exclude(ratings=0).values_list(*triggers.KEYS, "ratings"))
    assert not RatingCounts.objects.filter(ratings__lt=0).exists()
    triggers.rebuild_counts()
    assert set(RatingCounts.objects.values_list(*triggers.KEYS, "ratings")) == before


def _put(branch, spec, scorecard):
    Rating.objects.update_or_create(party_org=branch, cycle=spec["cycle"], defaults={
        "region_id": branch.region_id, "scorecard": scorecard, "as_of": datetime.date(spec["cycle"], 12, 31),
        "stars": spec["stars"], "status": spec["status"], "suspended_on": spec["suspended_on"]})


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(regions=st.lists(st.sampled_from(REGIONS), min_size=1, max_size=10), initial=st.lists(ratings, max_size=15),
       later=st.lists(changes, max_size=10))
def test_maintained_star_figures_equal_a_live_count_through_any_change(regions, initial, later):
    with transaction.atomic():
        users = [make_user((Role.BUREAU_STAFF, "100000")), make_user((Role.BUREAU_STAFF, "530100")),
                 make_user((Role.BUREAU_STAFF, "530103"), (Role.BUREAU_STAFF, "510000"))]
        scorecard = scorecard_for("star", CYCLES[-1])
        branches = [PartyOrganization.objects.create(name=f"测试党支部{n}", kind="branch", formation="standalone",
                                                     region_id=code, founded_on=datetime.date(2020, 1, 1))
                    for n, code in enumerate(regions)]
        for spec in initial:
            _put(branches[spec["branch"] % len(branches)], spec, scorecard)
        assert_maintained_equal_live(users)
        for change in later:
            ids = list(Rating.objects.order_by("pk").values_list("pk", flat=True))
            if change[0] == "put":
                _put(branches[change[1]["branch"] % len(branches)], change[1], scorecard)
            elif change[0] == "update" and ids and change[2]:
                chosen = {ids[i % len(ids)] for i in change[1]}
                if "cycle" in change[2]:  # one rating per party organization and cycle
                    taken = set(Rating.objects.filter(cycle=change[2]["cycle"]).values_list("party_org_id",
                                                                                           flat=True))
                    per_branch = {}
                    for pk, branch in Rating.objects.filter(pk__in=chosen).values_list("pk", "party_org_id"):
                        if branch not in taken:
                            per_branch.setdefault(branch, pk)
                    chosen = set(per_branch.values())
                Rating.objects.filter(pk__in=chosen).update(**change[2])
            elif change[0] == "compute":  # the computation's staged INSERT … ON CONFLICT DO UPDATE
                stage = _Stage(cycle=CYCLES[-1], scorecard_id=scorecard.pk)
                rows = {}
                for index, stars in change[1]:
                    branch = branches[index % len(branches)]
                    rows[branch.pk] = (branch.pk, branch.region_id, datetime.date(CYCLES[-1], 12, 31), "[]", 0, 0,
                                       stars, "[]")
                stage.apply(list(rows.values()))
                stage.drop()
            elif change[0] == "delete" and ids:
                Rating.objects.filter(pk__in=[ids[i % len(ids)] for i in change[1]]).delete()
        assert_maintained_equal_live(users)
        transaction.set_rollback(True)


def test_an_organizations_own_account_is_counted_from_its_ratings():
    staff = make_user((Role.PARTY_STAFF, "530102"))
    org, other = make_org("530102"), make_org("530102")
    scorecard = scorecard_for("star", CYCLES[-1])
    for n, owner in enumerate((org, other)):
        branch = make_party_org(staff, orgs=[owner], formation="standalone")
        Rating.objects.create(party_org=branch, cycle=CYCLES[-1], region_id="530102", scorecard=scorecard,
                              as_of=datetime.date(CYCLES[-1], 12, 31), stars=n + 3)
    own = make_user((Role.ORG_ACCOUNT, "530102"), organization=org)
    county = Region.objects.get(code="530102")
    assert star_figures(cycle=CYCLES[-1], region=county, user=own).by_stars["3"] == 1
    assert star_figures(cycle=CYCLES[-1], region=county, user=own).rated == 1
    assert star_figures(cycle=CYCLES[-1], region=county, user=staff).rated == 2


def test_the_triggers_are_installed_after_migrate_and_reinstalled_when_missing():
    assert triggers.install_triggers() is False  # migrate installed them
    drop_trigger("ratings_rating_upd", triggers.RATING_TABLE)
    assert triggers.install_triggers() is True
    assert triggers.install_triggers() is False
