"""The rating cycle through its services: computed → self-assessed by the branch's account → reviewed by the
committee → approved by another person → published; suspension on a veto event; model branches; scorecards."""

import copy
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from socorg.accounts.roles import Role
from socorg.alerts.choices import Severity
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user
from socorg.ratings import services
from socorg.ratings.choices import RatingStatus
from socorg.ratings.models import ModelBranch, Rating, Scorecard
from socorg.ratings.scorecards import DEFAULT_STAR_DEFINITION

from .conftest import CYCLE, alert, d

pytestmark = pytest.mark.django_db

CLAIMS = {"governance_role": {"points": 4, "reason": "党支部书记列席理事会", "evidence": "理事会纪要3份"},
          "highlights": {"points": 5, "reason": "“红色科普”品牌", "evidence": "活动照片"},
          "service": {"points": 5, "reason": "服务会员企业120家", "evidence": "服务台账"}}


def rated(branch) -> Rating:
    services.rate_cycle(cycle=CYCLE, region_prefix="530102", actor=None)
    return Rating.objects.get(party_org=branch, cycle=CYCLE)


def own_account(org):
    return make_user((Role.ORG_ACCOUNT, org.authority_region_id), organization=org)


def reviewer():
    return make_user((Role.PARTY_STAFF, "530102"))


def test_the_full_cycle_ends_in_a_published_five_star_rating(model):
    rating = rated(model["branch"])
    assert rating.status == RatingStatus.COMPUTED and rating.stars == 4

    rating = services.rating_self_assess(rating=rating, actor=own_account(model["org"]), items=CLAIMS)
    assert rating.status == RatingStatus.SELF_ASSESSED and rating.total_points == 100 and rating.stars == 5
    committee = reviewer()
    rating = services.rating_review(rating=rating, actor=committee, comment="材料齐全",
                                    adjustments={"highlights": {"points": 4, "reason": "品牌尚在培育"}})
    assert rating.status == RatingStatus.REVIEWED and rating.total_points == 99 and rating.stars == 5
    highlights = next(c for c in rating.criteria if c["code"] == "highlights")
    assert highlights["claimed_points"] == 5 and highlights["reviewed_points"] == 4
    rating = services.rating_approve(rating=rating, actor=reviewer())
    rating = services.rating_publish(rating=rating, actor=committee)
    assert rating.status == RatingStatus.PUBLISHED and rating.shown_stars == 5
    entries = AuditEntry.objects.filter(object_type="ratings.rating").order_by("seq")
    actions = list(entries.values_list("action", flat=True))
    assert actions == ["ratings.rating.self_assess", "ratings.rating.review", "ratings.rating.approve",
                       "ratings.rating.publish"]


def test_a_judged_criterion_without_reason_or_points_is_refused_and_nothing_is_saved(model):
    rating = rated(model["branch"])
    claims = copy.deepcopy(CLAIMS)
    claims["highlights"]["reason"] = "  "
    claims["service"]["points"] = 7
    del claims["governance_role"]
    with pytest.raises(ValidationError) as error:
        services.rating_self_assess(rating=rating, actor=own_account(model["org"]), items=claims)
    assert set(error.value.message_dict) == {"reason_highlights", "points_service", "points_governance_role",
                                           "reason_governance_role"}
    assert error.value.message_dict["reason_highlights"] == ["请说明给分理由。"]
    rating.refresh_from_db()
    assert rating.status == RatingStatus.COMPUTED
    assert "claimed_points" not in next(c for c in rating.criteria if c["code"] == "highlights")


def test_only_the_account_of_a_covered_organization_self_assesses(model, weak):
    rating = rated(model["branch"])
    for outsider in (own_account(weak["org"]), reviewer()):
        with pytest.raises(PermissionDenied):
            services.rating_self_assess(rating=rating, actor=outsider, items=CLAIMS)


def test_a_review_out_of_scope_is_refused(model):
    rating = services.rating_self_assess(rating=rated(model["branch"]), actor=own_account(model["org"]),
                                         items=CLAIMS)
    for outsider in (make_user((Role.PARTY_STAFF, "110000")), make_user((Role.VIEWER, "530102")),
                     make_user((Role.BUREAU_STAFF, "530102"))):
        with pytest.raises(PermissionDenied):
            services.rating_review(rating=rating, actor=outsider, comment="越权")
    rating.refresh_from_db()
    assert rating.status == RatingStatus.SELF_ASSESSED


def test_an_adjustment_needs_a_reason_and_the_review_a_comment(model):
    rating = services.rating_self_assess(rating=rated(model["branch"]), actor=own_account(model["org"]),
                                         items=CLAIMS)
    with pytest.raises(ValidationError) as error:
        services.rating_review(rating=rating, actor=reviewer(), comment="",
                               adjustments={"term_on_time": {"points": 3}, "member_assembly": {"points": 99,
                                                                                                "reason": "x"}})
    assert set(error.value.message_dict) == {"reason_term_on_time", "points_member_assembly", "comment"}


def test_the_reviewer_cannot_approve_and_steps_follow_in_order(model):
    rating = rated(model["branch"])
    committee = reviewer()
    with pytest.raises(ValidationError):
        services.rating_review(rating=rating, actor=committee, comment="尚未自评")
    rating = services.rating_self_assess(rating=rating, actor=own_account(model["org"]), items=CLAIMS)
    with pytest.raises(ValidationError):
        services.rating_publish(rating=rating, actor=committee)
    rating = services.rating_review(rating=rating, actor=committee, comment="同意")
    with pytest.raises(ValidationError) as error:
        services.rating_approve(rating=rating, actor=committee)
    assert "status" in error.value.message_dict


def test_returned_self_assessment_can_be_assessed_again(model):
    account = own_account(model["org"])
    rating = services.rating_self_assess(rating=rated(model["branch"]), actor=account, items=CLAIMS)
    rating = services.rating_return(rating=rating, actor=reviewer(), reasons="证据不足")
    assert rating.status == RatingStatus.COMPUTED
    rating = services.rating_self_assess(rating=rating, actor=account, items=CLAIMS)
    assert rating.status == RatingStatus.SELF_ASSESSED


def test_recomputing_keeps_the_self_assessment_and_leaves_reviewed_ratings_alone(model):
    rating = services.rating_self_assess(rating=rated(model["branch"]), actor=own_account(model["org"]),
                                         items=CLAIMS)
    services.rate_cycle(cycle=CYCLE, region_prefix="530102")
    rating.refresh_from_db()
    assert rating.status == RatingStatus.SELF_ASSESSED and rating.total_points == 100
    rating = services.rating_review(rating=rating, actor=reviewer(), comment="同意",
                                    adjustments={"highlights": {"points": 0, "reason": "无"}})
    result = services.rate_cycle(cycle=CYCLE, region_prefix="530102")
    assert result.frozen == 1
    rating.refresh_from_db()
    assert rating.total_points == 95


def test_a_veto_event_after_publication_suspends_the_star_with_a_notice(model):
    committee = reviewer()
    rating = services.rating_self_assess(rating=rated(model["branch"]), actor=own_account(model["org"]),
                                         items=CLAIMS)
    rating = services.rating_review(rating=rating, actor=committee, comment="同意")
    rating = services.rating_publish(rating=services.rating_approve(rating=rating, actor=reviewer()),
                                     actor=committee)
    assert services.suspend_on_vetoes() == 0
    alert(model["branch"], "term_overdue", severity=Severity.HIGH, opened_on=datetime.date.today())
    assert services.suspend_on_vetoes() == 1
    rating.refresh_from_db()
    assert rating.is_suspended and rating.shown_stars == 0 and "term_overdue" in rating.suspension_notice
    assert services.suspend_on_vetoes() == 0
    with pytest.raises(ValidationError):
        services.rating_reinstate(rating=rating, actor=committee, reason="")
    rating = services.rating_reinstate(rating=rating, actor=committee, reason="已按期换届")
    assert rating.shown_stars == 5


def _published(model, stars_claims=CLAIMS):
    committee = reviewer()
    rating = services.rating_self_assess(rating=rated(model["branch"]), actor=own_account(model["org"]),
                                         items=stars_claims)
    rating = services.rating_review(rating=rating, actor=committee, comment="同意")
    return services.rating_publish(rating=services.rating_approve(rating=rating, actor=reviewer()), actor=committee)


def test_a_model_branch_needs_a_published_rating_and_no_overlapping_period(model, weak):
    committee = reviewer()
    values = {"title": "标准化规范化示范党支部", "basis": "五星级党组织，组织生活规范",
              "decision_number": "五组字〔2026〕5号", "valid_from": d(1, 1, CYCLE + 1),
              "valid_to": d(12, 31, CYCLE + 2)}
    with pytest.raises(ValidationError) as error:
        services.model_branch_designate(party_org=model["branch"], actor=committee, **values)
    assert set(error.value.message_dict) == {"party_org"}
    _published(model)
    designation = services.model_branch_designate(party_org=model["branch"], actor=committee, **values)
    assert designation.pk
    with pytest.raises(ValidationError) as error:
        services.model_branch_designate(party_org=model["branch"], actor=committee,
                                        **(values | {"valid_from": d(6, 1, CYCLE + 2),
                                                     "valid_to": d(5, 31, CYCLE + 4)}))
    assert "valid_from" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.model_branch_designate(party_org=weak["branch"], actor=committee,
                                        **(values | {"title": "", "valid_to": d(1, 1, CYCLE)}))
    assert {"title", "valid_to"} <= set(error.value.message_dict)
    assert ModelBranch.objects.count() == 1


def test_a_scorecard_version_is_validated_and_numbered(db):
    national = make_user((Role.PARTY_STAFF, "100000"))
    definition = copy.deepcopy(DEFAULT_STAR_DEFINITION)
    definition["total"] = 110
    with pytest.raises(ValidationError) as error:
        services.scorecard_create(kind="star", code="yunnan", name="云南省评星标准", first_cycle=2026,
                                  definition=definition, actor=national)
    assert "definition" in error.value.message_dict
    definition["total"] = 100
    first = services.scorecard_create(kind="star", code="yunnan", name="云南省评星标准", first_cycle=2026,
                                      definition=definition, actor=national)
    second = services.scorecard_create(kind="star", code="yunnan", name="云南省评星标准", first_cycle=2027,
                                       definition=definition, actor=national)
    assert (first.version, second.version) == (1, 2)
    with pytest.raises(PermissionDenied):
        services.scorecard_create(kind="star", code="x", name="x", first_cycle=2026, definition=definition,
                                  actor=make_user((Role.PARTY_STAFF, "530000")))
    from socorg.ratings.queries import scorecard_for

    assert scorecard_for("star", 2026) == first and scorecard_for("star", 2028) == second
    assert scorecard_for("star", 2025).code == "national-default"
    assert Scorecard.objects.count() == 3


def test_the_console_adds_a_scorecard_version_and_refuses_a_broken_one(db, tmp_path):
    import json
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    good = tmp_path / "yunnan.json"
    good.write_text(json.dumps(DEFAULT_STAR_DEFINITION), encoding="utf-8")
    out = StringIO()
    call_command("scorecard-add", str(good), kind="star", code="yunnan", name="云南省评星标准", first_cycle=2026,
                 stdout=out)
    assert "版本 1" in out.getvalue()
    broken = copy.deepcopy(DEFAULT_STAR_DEFINITION)
    broken["thresholds"] = {"5": 120}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(CommandError, match="分数线"):
        call_command("scorecard-add", str(bad), kind="star", code="yunnan", name="云南省评星标准", first_cycle=2027)
    assert Scorecard.objects.filter(code="yunnan").count() == 1
    shown = StringIO()
    call_command("scorecard-add", show_default="evaluation-10-of-100", stdout=shown)
    assert json.loads(shown.getvalue())["total"] == 100
