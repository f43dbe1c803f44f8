"""The ratings demo: what it writes obeys the rules (published stars from the thresholds and vetoes, grades valid 5
years), and it refuses to run over real ratings."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from socorg.ratings import rules
from socorg.ratings.demo import RatingsDemo
from socorg.ratings.models import EvaluationGrade, Rating

from .conftest import CYCLE

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_ratings_by_the_rules_and_grades_for_five_years(model, weak, monkeypatch):
    monkeypatch.setattr(RatingsDemo, "published_share", 1.0)
    monkeypatch.setattr(RatingsDemo, "graded_share", 1.0)
    call_command("demo_ratings", seed=1, cycle=CYCLE, region="530102", stdout=StringIO())
    ratings = list(Rating.objects.filter(cycle=CYCLE).select_related("scorecard"))
    assert len(ratings) == 2 and {r.status for r in ratings} == {"published"}
    for rating in ratings:
        total = rules.tenth(sum(rules.effective_float(c) for c in rating.criteria))
        assert float(rating.total_points) == total
        assert rating.stars == rules.stars_for(total, rating.scorecard.definition["thresholds"],
                                               [v["cap"] for v in rating.vetoes])
    weak_rating = next(r for r in ratings if r.party_org_id == weak["branch"].pk)
    assert weak_rating.stars <= 2  # the open high-severity alert caps it whatever the judged points
    grades = list(EvaluationGrade.objects.all())
    assert {g.organization_id for g in grades} == {model["org"].pk, weak["org"].pk}
    assert all(g.valid_to == rules.default_valid_to(g.valid_from) for g in grades)
    with pytest.raises(CommandError):
        call_command("demo_ratings", seed=1, cycle=CYCLE, region="530102", stdout=StringIO())
