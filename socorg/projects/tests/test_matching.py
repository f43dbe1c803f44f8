"""Needs and offers (精准对接): posting with the vocabulary and division list, the ranking — a fixture where category,
area and credit each decide one pair — accept / decline, engagement with outcome."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from socorg.core.testing import make_user
from socorg.party.tests.factories import make_org
from socorg.projects import queries, services
from socorg.projects.models import Need, Offer, OfferKey

from .conftest import LONG_AGO, TODAY, grade, list_on_credit

pytestmark = pytest.mark.django_db
START, END = TODAY, TODAY + datetime.timedelta(days=90)


def errors_of(excinfo) -> dict:
    return {k: " ".join(v) for k, v in excinfo.value.message_dict.items()}


@pytest.fixture
def county(db):
    return make_user(("bureau_staff", "530102"))


def post_need(actor, **overrides):
    values = {"title": "翠湖社区独居老人助餐", "region": "530102", "category": "养老服务", "people": 120,
              "starts_on": START, "ends_on": END, "township": "华山街道"}
    values.update(overrides)
    return services.need_post(actor=actor, **values)


def post_offer(org, **overrides):
    actor = make_user(("org_account", org.authority_region_id), organization=org)
    values = {"title": f"{org.name}的服务", "categories": ["养老服务"], "regions": ["530102"], "capacity": 200,
              "starts_on": START, "ends_on": END}
    values.update(overrides)
    return services.offer_post(actor=actor, org=org, **values)


def test_a_need_is_posted_with_a_category_label_for_a_place_in_scope(county):
    need = post_need(county)
    assert (need.category, need.region_id, need.township, need.status) == ("养老服务", "530102", "华山街道", "open")


def test_a_need_with_a_place_outside_the_posters_scope_is_refused(county):
    with pytest.raises(ValidationError) as excinfo:
        post_need(county, region="530103")
    assert "不在您的管辖范围内" in errors_of(excinfo)["region"]
    assert not Need.objects.exists()


def test_a_need_with_an_unknown_category_reversed_dates_and_no_people_is_refused_at_once(county):
    with pytest.raises(ValidationError) as excinfo:
        post_need(county, category="elderly", starts_on=END, ends_on=START, people=0)
    assert set(errors_of(excinfo)) == {"category", "ends_on", "people"}
    assert "不是服务类别" in errors_of(excinfo)["category"]
    assert not Need.objects.exists()


def test_an_offer_area_outside_chinas_division_list_is_refused(db):
    org = make_org("530102")
    with pytest.raises(ValidationError) as excinfo:
        post_offer(org, regions=["530102", "999999"])
    assert "999999" in errors_of(excinfo)["regions"] and "行政区划代码" in errors_of(excinfo)["regions"]
    assert not Offer.objects.exists() and not OfferKey.objects.exists()


def test_an_offer_with_reversed_dates_is_refused(db):
    with pytest.raises(ValidationError) as excinfo:
        post_offer(make_org("530102"), starts_on=END, ends_on=START)
    assert set(errors_of(excinfo)) == {"ends_on"}


def test_an_offer_writes_one_matching_key_per_category_and_region(db):
    offer = post_offer(make_org("530102"), categories=["养老服务", "助残服务"], regions=["530102", "530103"])
    assert OfferKey.objects.filter(offer=offer).count() == 4
    services.offer_withdraw(actor=make_user(("bureau_staff", "530102")), offer=offer)
    assert not OfferKey.objects.filter(offer=offer).exists()


def test_ranking_category_area_and_credit_each_decide_a_pair(county):
    need = post_need(county)
    same_here = post_offer(make_org("530102", name="甲·同类本地"))
    same_far = post_offer(make_org("530102", name="乙·同类同市"), regions=["530103"])
    other_here = post_offer(make_org("530102", name="丙·异类本地"), categories=["助残服务"])
    listed = make_org("530102", name="丁·同类本地失信")
    listed_offer = post_offer(listed)
    list_on_credit(listed)
    ranked = [m["offer_id"] for m in queries.matches_for(need)]
    assert ranked == [same_here.pk, listed_offer.pk, same_far.pk, other_here.pk]
    # credit decides same_here over listed (equal otherwise), area decides listed over same_far,
    # category decides same_far over other_here.


def test_each_match_has_a_score_and_six_reasons_in_chinese(county):
    need = post_need(county)
    post_offer(make_org("530102", registered_on=LONG_AGO), capacity=100)
    (match,) = queries.matches_for(need)
    assert [r["factor"] for r in match["reasons"]] == ["category", "area", "capacity", "credit", "rating",
                                                        "track_record"]
    capacity = match["reasons"][2]
    assert capacity["detail"] == "可服务100人，少于需求涉及的120人。"
    assert match["score"] == pytest.approx(sum(r["weight"] for r in match["reasons"]), abs=0.05)


def test_offers_outside_the_province_expired_or_withdrawn_are_not_listed(county):
    need = post_need(county)
    post_offer(make_org("110101"), regions=["110101"])
    post_offer(make_org("530102"), starts_on=START - datetime.timedelta(days=100),
               ends_on=START - datetime.timedelta(days=1))
    gone = post_offer(make_org("530102"))
    services.offer_withdraw(actor=make_user(("bureau_staff", "530102")), offer=gone)
    national = post_offer(make_org("110101"), regions=["100000"])
    assert [m["offer_id"] for m in queries.matches_for(need)] == [national.pk]


def test_weights_are_configuration(county, settings):
    need = post_need(county)
    near_small = post_offer(make_org("530102"), capacity=10)
    far_big = post_offer(make_org("530102"), regions=["530103"], capacity=500)
    assert [m["offer_id"] for m in queries.matches_for(need)] == [near_small.pk, far_big.pk]
    settings.SOCORG_MATCH_WEIGHTS = {"capacity": 200}
    assert [m["offer_id"] for m in queries.matches_for(need)] == [far_big.pk, near_small.pk]


def test_propose_accept_and_complete_an_engagement(county):
    need = post_need(county)
    org = make_org("530102")
    offer = post_offer(org)
    match = services.match_propose(actor=county, need=need, offer=offer)
    assert match.status == "proposed" and match.reasons[0]["factor"] == "category"
    own = make_user(("org_account", "530102"), organization=org)
    services.match_accept(actor=own, match=match)
    need.refresh_from_db()
    assert need.status == "matched" and need.matched_at is not None
    with pytest.raises(ValidationError) as excinfo:
        services.match_complete(actor=own, match=match, people_served=-1, outcome="", completed_on=TODAY)
    assert set(errors_of(excinfo)) == {"people_served", "outcome"}
    services.match_complete(actor=own, match=match, people_served=118, outcome="每日助餐", completed_on=TODAY)
    need.refresh_from_db()
    assert need.status == "met" and need.met_at is not None


def test_decline_needs_a_reason_and_only_the_offering_side_decides(county):
    need = post_need(county)
    offer = post_offer(make_org("530102"))
    match = services.match_propose(actor=county, need=need, offer=offer)
    stranger = make_user(("org_account", "530102"), organization=make_org("530102"))
    with pytest.raises(PermissionDenied):
        services.match_accept(actor=stranger, match=match)
    with pytest.raises(ValidationError) as excinfo:
        services.match_decline(actor=county, match=match, reason=" ")
    assert "婉拒理由" in errors_of(excinfo)["reason"]
    declined = services.match_decline(actor=county, match=match, reason="人手不足")
    assert declined.status == "declined" and declined.decline_reason == "人手不足"
    with pytest.raises(ValidationError):
        services.match_propose(actor=county, need=need, offer=offer)


def test_rating_and_completed_projects_break_ties_and_reasons_say_so(county):
    need = post_need(county)
    plain = post_offer(make_org("530102", registered_on=LONG_AGO))
    rated_org = make_org("530102", registered_on=LONG_AGO)
    grade(rated_org, "4A")
    rated = post_offer(rated_org)
    listed = make_org("530102", registered_on=LONG_AGO)
    list_on_credit(listed)
    post_offer(listed)
    ranked = queries.matches_for(need)
    assert [m["offer_id"] for m in ranked][:2] == [rated.pk, plain.pk]
    assert ranked[0]["reasons"][4]["detail"] == "评估等级4A。"
    assert ranked[2]["reasons"][3]["detail"].endswith("起列入活动异常名录。")


# --- the ranked list is the one-pair score of every candidate, sorted ----------------------------------------------

PLACES = ("530102", "530103", "530100", "530000", "530302", "530300", "100000", "110101")
NEED_PLACES = ("530102", "530100", "530000")
CATEGORIES = ("养老服务", "助残服务", "儿童关爱")
offer_specs = st.fixed_dictionaries({
    "org": st.integers(0, 3),
    "categories": st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=2, unique=True),
    "regions": st.lists(st.sampled_from(PLACES), min_size=1, max_size=3, unique=True),
    "capacity": st.sampled_from([5, 60, 120, 400]),
    "expired": st.booleans(),
})


def is_candidate(need, offer) -> bool:
    """The offers the ranking considers: of the need's category anywhere in its province or serving a region
    above it; of another category only covering the place or, for a county or prefecture, within its
    prefecture; active, with a period overlapping the need's."""
    from socorg.projects import rules

    area, _where = rules.best_area(need.region_id, offer.regions)
    near = len(rules.prefix_of(need.region_id)) >= 4
    reaches = (need.category in offer.categories and area != rules.AREA_NONE) or area == rules.AREA_COVERS or (
        near and area >= rules.AREA_PREFECTURE)
    return reaches and offer.status == "active" and offer.ends_on >= max(need.starts_on, TODAY)


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.function_scoped_fixture])
@given(specs=st.lists(offer_specs, min_size=1, max_size=10), place=st.sampled_from(NEED_PLACES),
       category=st.sampled_from(CATEGORIES), people=st.sampled_from([50, 200]), limit=st.integers(1, 6),
       weights=st.sampled_from([{}, {"capacity": 150}, {"area": 10, "credit": 60, "rating": 30}]))
@example(  # capacity outweighs area: a big offer in the province beats a small one covering the place
    specs=[{"org": 0, "categories": ["养老服务"], "regions": ["530102"], "capacity": 5, "expired": False},
           {"org": 1, "categories": ["养老服务"], "regions": ["530302"], "capacity": 400, "expired": False}],
    place="530102", category="养老服务", people=200, limit=1, weights={"capacity": 150})
def test_the_ranking_is_every_candidates_own_score_best_first(db, specs, place, category, people, limit, weights):
    with transaction.atomic(), override_settings(SOCORG_MATCH_WEIGHTS=weights):
        nation = make_user(("bureau_staff", "100000"))
        orgs = [make_org("530102", registered_on=LONG_AGO), make_org("530302", registered_on=LONG_AGO),
                make_org("110101", registered_on=LONG_AGO), make_org("530102", registered_on=LONG_AGO)]
        list_on_credit(orgs[1])
        grade(orgs[2], "5A")
        grade(orgs[3], "3A")
        for spec in specs:
            ends = START - datetime.timedelta(days=1) if spec["expired"] else END
            services.offer_post(actor=nation, org=orgs[spec["org"]], title="服务", categories=spec["categories"],
                                regions=spec["regions"], capacity=spec["capacity"],
                                starts_on=START - datetime.timedelta(days=30), ends_on=ends)
        need = services.need_post(actor=nation, title="需求", region=place, category=category, people=people,
                                  starts_on=START, ends_on=END)
        expected = sorted(((services.score_of(need, offer), offer.pk) for offer in Offer.objects.all()
                           if is_candidate(need, offer)), key=lambda row: (-row[0][0], row[1]))[:limit]
        ranked = queries.matches_for(need, limit=limit)
        assert [(m["offer_id"], m["score"], m["reasons"]) for m in ranked] == [
            (pk, score, reasons) for (score, reasons), pk in expected]
        transaction.set_rollback(True)
