"""`socorg demo` brings funded projects and matching: calls of every kind, applications of eligible organizations,
reviews, projects in every state with consistent money, needs, offers and matches from the real ranking —
deterministic for a seed."""

import pytest
from django.core.management import call_command
from django.db.models import Sum

from socorg.projects import rules, services
from socorg.projects.choices import CallKind, MatchStatus, MilestoneStatus, NeedStatus, ProjectStatus
from socorg.projects.models import Application, Match, Milestone, Need, Offer, OfferKey, Project, ProjectCall, Review

pytestmark = pytest.mark.django_db


def fingerprint():
    return (list(Application.objects.order_by("pk").values_list("call__name", "organization__uscc", "title",
                                                                 "amount_requested", "status")),
            list(Project.objects.order_by("pk").values_list("amount", "status")),
            list(Match.objects.order_by("pk").values_list("need__title", "offer__title", "score", "status")))


def test_demo_projects_fills_every_state_consistently_and_is_deterministic():
    call_command("demo", scale="county", region="530102", orgs=400, activities_per_org=0, verbosity=0)
    assert set(ProjectCall.objects.values_list("kind", flat=True)) == set(CallKind.values)
    assert all(a.eligibility["eligible"] for a in Application.objects.all())
    assert set(Project.objects.values_list("status", flat=True)) == set(ProjectStatus.values)
    assert set(Milestone.objects.values_list("status", flat=True)) == set(MilestoneStatus.values)
    for project in Project.objects.all():
        tranches = project.milestones.aggregate(s=Sum("tranche"))["s"]
        paid = project.payments.aggregate(s=Sum("amount"))["s"] or 0
        assert tranches <= project.amount and paid <= tranches
        assert not project.payments.exclude(milestone__status=MilestoneStatus.ACCEPTED).exists()
        cancelled = project.milestones.filter(status=MilestoneStatus.CANCELLED).exists()
        assert cancelled == (project.status == ProjectStatus.TERMINATED)
        if project.status == ProjectStatus.COMPLETED:
            assert project.evaluations.filter(stage="final").exists()
    for review in Review.objects.filter(status="submitted").select_related("application__call"):
        criteria = rules.criteria_of(review.application.call.criteria)
        assert not rules.score_problems(review.scores, criteria)
    assert OfferKey.objects.count() == sum(len(o.categories) * len(o.regions) for o in Offer.objects.all())
    for match in Match.objects.select_related("need", "offer")[:20]:
        assert float(match.score) == services.score_of(match.need, match.offer)[0]
    assert set(Match.objects.values_list("status", flat=True)) == set(MatchStatus.values)
    assert set(Need.objects.values_list("status", flat=True)) == {NeedStatus.OPEN, NeedStatus.MATCHED, NeedStatus.MET}
    for need in Need.objects.filter(status=NeedStatus.MET):
        assert need.matches.filter(status=MatchStatus.COMPLETED).exists()
    before = fingerprint()
    call_command("demo_projects", region="530102", replace=True, verbosity=0)
    assert fingerprint() == before
