"""Scorecards as configuration: the shipped ones are valid, and every kind of broken scorecard is refused with the
reason."""

import copy
import datetime

import pytest

from socorg.ratings import rules
from socorg.ratings.scorecards import DEFAULT_STAR_DEFINITION, EVALUATION_PRESETS


def broken(**changes):
    definition = copy.deepcopy(DEFAULT_STAR_DEFINITION)
    for key, value in changes.items():
        definition[key] = value
    return definition


def test_the_shipped_scorecards_are_valid():
    assert rules.scorecard_problems(DEFAULT_STAR_DEFINITION) == {}
    for preset in EVALUATION_PRESETS.values():
        assert rules.scorecard_problems(preset["definition"], kind="evaluation") == {}


def test_the_evaluation_presets_weigh_party_building_10_of_100_and_100_of_200():
    weights = {code: (next(s["points"] for s in p["definition"]["sections"] if s.get("party_building")),
                      p["definition"]["total"]) for code, p in EVALUATION_PRESETS.items()}
    assert weights == {"evaluation-10-of-100": (10, 100), "evaluation-100-of-200": (100, 200)}


def test_sections_that_do_not_add_up_to_the_declared_total_are_refused():
    problems = rules.scorecard_problems(broken(total=120))
    assert problems["total"] == ["各部分合计100分，与声明的总分120分不符。"]


def test_criteria_that_do_not_add_up_to_their_section_are_refused():
    definition = broken()
    definition["sections"][0]["criteria"][0]["points"] = 9
    problems = rules.scorecard_problems(definition)
    assert any("合计41分" in message for message in problems["sections"])


def test_unknown_measures_parameters_and_duplicate_codes_are_refused():
    definition = broken()
    definition["sections"][0]["criteria"][0]["measure"] = "guesswork"
    definition["sections"][0]["criteria"][1]["params"] = {"type": "committee_meeting", "period": "fortnight"}
    definition["sections"][1]["criteria"][0]["code"] = "term_on_time"
    messages = " ".join(rules.scorecard_problems(definition)["sections"])
    assert "guesswork" in messages and "fortnight" not in messages and "period" in messages
    assert "term_on_time" in messages


def test_thresholds_must_fall_with_the_stars_and_vetoes_must_be_known():
    problems = rules.scorecard_problems(broken(thresholds={"5": 80, "4": 85}, vetoes=[{"code": "rumour", "cap": 1},
                                                                                      {"code": "serious_list",
                                                                                       "cap": 7}]))
    assert len(problems["thresholds"]) == 1
    assert len(problems["vetoes"]) == 2


def test_a_judged_criterion_of_a_deployment_needs_a_label():
    definition = broken()
    definition["sections"][3]["criteria"][0]["code"] = "own_item"
    assert any("own_item" in m for m in rules.scorecard_problems(definition)["sections"])
    definition["sections"][3]["criteria"][0]["label"] = "特色品牌"
    assert rules.scorecard_problems(definition) == {}


def test_an_evaluation_scorecard_needs_one_party_building_section():
    definition = copy.deepcopy(EVALUATION_PRESETS["evaluation-10-of-100"]["definition"])
    definition["sections"][0]["party_building"] = False
    assert "sections" in rules.scorecard_problems(definition, kind="evaluation")


@pytest.mark.parametrize("value, expected", [(0, None), (3.5, None), (6, None), (-1, "0"), (6.5, "0"), ("x", "数"),
                                             (1.25, "一位小数")])
def test_points_entered_lie_between_zero_and_the_maximum(value, expected):
    problem = rules.points_problem(value, 6)
    assert (problem is None) if expected is None else (expected in problem)


def test_a_grade_is_valid_five_years_and_not_longer():
    start = datetime.date(2024, 3, 1)
    assert rules.default_valid_to(start) == datetime.date(2029, 2, 28)
    assert rules.grade_problems("4A", start, datetime.date(2029, 2, 28), "民社评〔2024〕3号") == {}
    assert "valid_to" in rules.grade_problems("4A", start, datetime.date(2029, 3, 1), "民社评〔2024〕3号")
    assert "grade" in rules.grade_problems("6A", start, None, "x")
    assert "grade" in rules.grade_problems("AAAAA", start, None, "x")
    assert "decision_number" in rules.grade_problems("5A", start, None, " ")
