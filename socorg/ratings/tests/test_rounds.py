"""Evaluation rounds stored: a round of a registration authority with its scorecard (party building weighed 10 of
100 or 100 of 200), its participating organizations with the eligibility and reasons computed on entry (the rules
of the eligibility API), and the grades recorded in the round through evaluation_record."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.party.tests.factories import make_org
from socorg.ratings import queries, services
from socorg.ratings.models import EvaluationGrade, RoundEntry

from .conftest import submitted_report

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def clerk(db):
    return make_user((Role.BUREAU_STAFF, "530102"))


@pytest.fixture
def orgs(db):
    good = make_org("530102", name="五华区合格协会", registered_on=datetime.date(2015, 1, 1))
    submitted_report(good, TODAY.year - 1, timezone.now())
    young = make_org("530102", name="五华区新成立协会", registered_on=TODAY - datetime.timedelta(days=300))
    return {"good": good, "young": young}


def new_round(clerk, **changes):
    values = {"actor": clerk, "year": TODAY.year, "region_code": "530102", "authority": "五华区民政局",
              "opens_on": TODAY, "closes_on": TODAY + datetime.timedelta(days=60),
              "scorecard_code": "evaluation-100-of-200"} | changes
    return services.round_create(**values)


def test_a_round_keeps_its_participants_with_the_eligibility_and_reasons_of_the_day_they_entered(clerk, orgs):
    evaluation_round = new_round(clerk, organizations=[orgs["good"], orgs["young"]])
    party = next(s for s in evaluation_round.scorecard.definition["sections"] if s.get("party_building"))
    assert (party["points"], evaluation_round.scorecard.total) == (100, 200)
    entries = {e.organization_id: e for e in RoundEntry.objects.filter(round=evaluation_round)}
    good, young = entries[orgs["good"].pk], entries[orgs["young"].pk]
    assert good.eligible is True and good.entered_on == TODAY
    assert good.reasons == queries.eligibility(orgs["good"], TODAY)["reasons"]
    assert young.eligible is False
    failed = [r for r in young.reasons if not r["passed"]]
    assert [r["rule"] for r in failed] == ["registered_two_years", "last_annual_report"]


def test_a_grade_recorded_in_the_round_goes_through_the_evaluation_rules_and_is_linked(clerk, orgs):
    evaluation_round = new_round(clerk, organizations=[orgs["good"], orgs["young"]])
    good = RoundEntry.objects.get(round=evaluation_round, organization=orgs["good"])
    grade = services.round_grade(entry=good, actor=clerk, grade="4A", valid_from=TODAY,
                                 decision_number="五民评〔2026〕3号", total_points=168)
    good.refresh_from_db()
    assert good.grade == grade and grade.scorecard == evaluation_round.scorecard
    assert grade.party_building["max"] == 100  # the round's scorecard: party building 100 of 200
    with pytest.raises(ValidationError) as again:
        services.round_grade(entry=good, actor=clerk, grade="5A", valid_from=TODAY, decision_number="x")
    assert "grade" in again.value.message_dict
    young = RoundEntry.objects.get(round=evaluation_round, organization=orgs["young"])
    with pytest.raises(ValidationError) as refused:
        services.round_grade(entry=young, actor=clerk, grade="3A", valid_from=TODAY, decision_number="五民评4号")
    assert any("两年" in m for m in refused.value.message_dict["eligibility"])
    assert EvaluationGrade.objects.count() == 1 and young.grade is None


def test_bad_rounds_and_entries_are_refused_with_every_reason_and_nothing_saved(clerk, orgs):
    with pytest.raises(ValidationError) as error:
        new_round(clerk, authority=" ", closes_on=TODAY - datetime.timedelta(days=1), scorecard_code="guesswork")
    assert set(error.value.message_dict) == {"authority", "closes_on", "scorecard"}
    evaluation_round = new_round(clerk, organizations=[orgs["good"]])
    outside = make_org("530103", name="盘龙区协会", registered_on=datetime.date(2015, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.round_enter(evaluation_round=evaluation_round, actor=clerk,
                             organizations=[orgs["good"], outside, orgs["young"]])
    messages = " ".join(error.value.message_dict["organizations"])
    assert "五华区合格协会" in messages and "盘龙区协会" in messages
    assert RoundEntry.objects.filter(round=evaluation_round).count() == 1
    with pytest.raises(ValidationError, match="closed|结束"):
        services.round_enter(evaluation_round=evaluation_round, actor=clerk, organizations=[orgs["young"]],
                             on=evaluation_round.closes_on + datetime.timedelta(days=1))


def test_only_the_registration_authority_of_the_region_runs_a_round(orgs):
    with pytest.raises(PermissionDenied):
        new_round(make_user((Role.PARTY_STAFF, "530102")))
    with pytest.raises(PermissionDenied):
        new_round(make_user((Role.BUREAU_STAFF, "530103")))
