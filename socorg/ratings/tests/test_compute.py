"""The computed criteria of the default scorecard, asserted one by one on a model branch and a weak one, and the
ranking and vetoes that follow."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from socorg.ratings.compute import compute_ratings
from socorg.ratings.scorecards import DEFAULT_STAR_DEFINITION

from .conftest import CYCLE, d

pytestmark = pytest.mark.django_db


def computed(branch):
    [result] = compute_ratings(CYCLE, "5301", DEFAULT_STAR_DEFINITION, party_org_ids=[branch.pk])
    return result, {c["code"]: c for c in result.criteria}


def test_the_model_branch_earns_every_computed_point_its_records_show(model):
    result, c = computed(model["branch"])

    assert c["member_assembly"]["points"] == 8.0
    assert c["member_assembly"]["evidence"]["periods_met"] == 4
    assert c["committee_meeting"]["points"] == 6.0 and c["committee_meeting"]["evidence"]["applies"] is False
    assert c["group_meeting"]["points"] == 4.0 and c["group_meeting"]["evidence"]["applies"] is False
    assert c["party_lecture"]["points"] == 4.0
    assert c["themed_party_day"]["points"] == 8.0 and c["themed_party_day"]["evidence"]["periods_met"] == 12
    assert c["life_meeting"]["points"] == 5.0
    assert c["member_appraisal"]["points"] == 5.0
    assert c["secretary_in_post"]["points"] == 6.0
    assert c["term_on_time"]["points"] == 6.0
    assert c["standalone_where_should_build"]["points"] == 6.0
    assert c["standalone_where_should_build"]["evidence"]["should_build"] == 1
    assert c["instructor_in_post"]["points"] == 4.0
    assert c["party_clause"]["points"] == 4.0
    assert c["annual_report_party_section"]["points"] == 4.0
    assert c["annual_report_party_section"]["evidence"] == {"report_year": CYCLE - 1, "due": 1, "complete": 1,
                                                            "missing": []}
    assert c["no_open_alerts"]["points"] == 6.0
    assert c["rectifications_on_time"]["points"] == 6.0
    assert c["rectifications_on_time"]["evidence"] == {"due": 1, "on_time": 1}
    assert c["sync_items"]["points"] == 4.0
    for judged in ("governance_role", "highlights", "service"):
        assert c[judged]["kind"] == "judged" and c[judged]["points"] is None
    assert result.computed_points == 86
    assert result.vetoes == []


def test_the_weak_branch_loses_the_points_its_records_show(weak):
    result, c = computed(weak["branch"])

    assert c["member_assembly"]["points"] == 4.0  # 2 of 4 quarters
    assert c["committee_meeting"]["points"] == 6.0  # no committee (fewer than 7 full members): not applicable
    assert c["group_meeting"]["points"] == 1.0  # party groups: 3 of 12 months
    assert c["party_lecture"]["points"] == 0.0
    assert c["themed_party_day"]["points"] == 4.0  # 6 of 12 months
    assert c["life_meeting"]["points"] == 0.0
    assert c["member_appraisal"]["points"] == 0.0
    assert c["secretary_in_post"]["points"] == 0.0
    assert c["secretary_in_post"]["evidence"]["vacant_since"] == d(3, 1).isoformat()
    assert c["term_on_time"]["points"] == 0.0
    assert c["standalone_where_should_build"]["points"] == 0.0
    assert c["standalone_where_should_build"]["evidence"]["missing"] == ["五华区薄弱商会"]
    assert c["instructor_in_post"]["points"] == 0.0
    assert c["party_clause"]["points"] == 0.0
    assert c["annual_report_party_section"]["points"] == 0.0
    assert c["annual_report_party_section"]["evidence"]["missing"] == ["五华区薄弱商会"]
    assert c["no_open_alerts"]["points"] == 1.0  # 6 − 2 (one open) − 3 (one overdue)
    assert c["no_open_alerts"]["evidence"] == {"open": 1, "overdue": 1}
    assert c["rectifications_on_time"]["points"] == 0.0
    assert c["sync_items"]["points"] == 2.0  # 1 of 2 done
    assert result.computed_points == 18
    assert [v["code"] for v in result.vetoes] == ["open_high_alert"]


def test_rate_ranks_the_model_above_the_weak_and_the_veto_caps_the_weak(model, weak):
    out = StringIO()
    call_command("rate", cycle=CYCLE, region="530102", format="json", stdout=out)
    data = json.loads(out.getvalue())

    assert set(data) == {"cycle", "rated", "by_stars", "ratings"}
    assert data["cycle"] == CYCLE and data["rated"] == 2
    by_id = {r["party_org"]: r for r in data["ratings"]}
    assert by_id[model["branch"].pk]["computed_points"] == 86.0
    assert by_id[weak["branch"].pk]["computed_points"] == 18.0
    assert set(by_id[model["branch"].pk]["criteria"][0]) == {"code", "points", "max", "evidence"}
    # Judged items are not computed: 86 computed points alone earn 4 stars; the weak one none.
    assert data["by_stars"] == {"5": 0, "4": 1, "3": 0, "2": 0, "1": 0, "0": 1}


def test_rate_without_region_prints_no_ratings_list(model):
    out = StringIO()
    call_command("rate", cycle=CYCLE, format="json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"cycle", "rated", "by_stars"} and data["rated"] == 1


def test_a_veto_caps_the_stars_whatever_the_points(weak):
    from socorg.ratings.rules import stars_for

    definition = DEFAULT_STAR_DEFINITION
    assert stars_for(95, definition["thresholds"]) == 5
    assert stars_for(95, definition["thresholds"], [2]) == 2
    assert stars_for(95, definition["thresholds"], [2, 0]) == 0


def test_a_branch_founded_mid_year_is_judged_on_the_periods_it_existed_for(staff):
    from socorg.party.tests.factories import make_org, make_party_org

    from .conftest import activities

    org = make_org("530102", registered_on=d(1, 1, CYCLE - 3))
    branch = make_party_org(staff, orgs=[org], founded_on=d(7, 1), coverage_start_on=d(7, 1))
    activities(branch, "member_assembly", [d(8, 1), d(11, 1)])
    _result, c = computed(branch)
    assert c["member_assembly"]["evidence"]["periods"] == 2
    assert c["member_assembly"]["points"] == 8.0


def test_a_dissolved_branch_is_not_rated(model, staff):
    from socorg.party.models import PartyOrganization

    PartyOrganization.objects.filter(pk=model["branch"].pk).update(status="dissolved", status_changed_on=d(6, 1))
    assert compute_ratings(CYCLE, "5301", DEFAULT_STAR_DEFINITION) == []


@pytest.mark.skipif(not __import__("django.apps", fromlist=["apps"]).apps.is_installed("socorg.credit"),
                    reason="socorg.credit is not installed")
def test_a_covered_organization_on_the_serious_list_vetoes_every_star(model):
    from .test_evaluation import listing

    listing(model["org"], "serious", d(11, 1))
    result, _c = computed(model["branch"])
    assert [v["code"] for v in result.vetoes] == ["serious_list"]
    assert result.vetoes[0]["cap"] == 0 and result.vetoes[0]["organizations"] == ["五华区模范科技协会"]
    assert result.computed_points == 86  # the points stand; the stars are capped


@pytest.mark.parametrize("options, message", [({"cycle": 99}, "不是有效的评定年度"),
                                              ({"cycle": CYCLE, "region": "999999"}, "不存在")])
def test_rate_refuses_a_bad_cycle_or_an_unknown_region(db, options, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("rate", format="json", stdout=StringIO(), **options)


def test_rate_suspensions_refuses_a_bad_date_and_reports_the_count(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不是日期"):
        call_command("rate-suspensions", as_of="2026-13-01")
    out = StringIO()
    call_command("rate-suspensions", stdout=out)
    assert out.getvalue().strip() == "已暂停 0 个星级。"


def test_rating_chunk_by_chunk_stores_exactly_what_one_chunk_stores(model, weak, staff):
    """The nation is rated in chunks of party organizations (bounded memory); the chunks must not change a figure:
    chunks of one branch each store the same rows as a single chunk, and compute the same criteria."""
    from socorg.party.tests.factories import make_org, make_party_org
    from socorg.ratings import services
    from socorg.ratings.models import Rating

    from .conftest import activities

    org = make_org("530102", registered_on=d(1, 1, CYCLE - 3))
    newcomer = make_party_org(staff, orgs=[org], founded_on=d(7, 1), coverage_start_on=d(7, 1))
    activities(newcomer, "member_assembly", [d(8, 1)])

    def stored():
        return list(Rating.objects.filter(cycle=CYCLE).order_by("party_org_id").values_list(
            "party_org_id", "criteria", "computed_points", "total_points", "stars", "vetoes", "as_of", "status"))

    result = services.rate_cycle(cycle=CYCLE, region_prefix="530102", chunk_size=1)
    assert result.rated == result.created == 3 and sum(result.by_stars.values()) == 3
    chunked = stored()
    Rating.objects.filter(cycle=CYCLE).delete()
    services.rate_cycle(cycle=CYCLE, region_prefix="530102")
    assert stored() == chunked
    assert {row[0] for row in chunked} == {model["branch"].pk, weak["branch"].pk, newcomer.pk}

    def computed_all(chunk_size):
        return [(r.party_org_id, r.criteria, r.computed_points, r.vetoes)
                for r in compute_ratings(CYCLE, "5301", DEFAULT_STAR_DEFINITION, chunk_size=chunk_size)]
    assert computed_all(1) == computed_all(2) == computed_all(None)
