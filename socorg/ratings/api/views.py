"""/api/v1/ratings/ (the scoped list), /api/v1/party-orgs/{id}/ratings/{cycle}/ (one rating and its workflow),
/api/v1/orgs/{uscc}/evaluation-eligibility/, /api/v1/evaluations/ and /api/v1/evaluation-rounds/.

ScopedViewSets (core.api.viewsets): a rating outside the caller's ratings.view scope answers 404; the workflow's
steps are POSTs whose services decide who may take them (the branch's own account self-assesses, the committee
reviews and approves): a rating one sees but may not act on answers 403."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from socorg.core.api.viewsets import READ, ScopedViewSet
from socorg.registry.models import SocialOrganization

from .. import queries, services
from ..filters import RatingFilter
from ..models import EvaluationGrade, EvaluationRound, Rating
from .serializers import (
    EligibilitySerializer,
    EvaluationGradeSerializer,
    EvaluationInputSerializer,
    EvaluationRoundInputSerializer,
    EvaluationRoundSerializer,
    RatingDetailSerializer,
    RatingSerializer,
    ReturnSerializer,
    ReviewSerializer,
    SelfAssessmentSerializer,
)


class CanSeeRatings(BasePermission):
    """Reads and the workflow's POSTs alike need ratings.view somewhere; which step one may take is the service's
    decision (ratings.self_assess, .review, .approve, .evaluate over the row)."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_capability("ratings.view"))


class RatingViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Star ratings in the caller's scope, filtered by cycle, region (subtree), stars and status."""

    queryset = Rating.objects
    serializer_class = RatingSerializer
    filterset_class = RatingFilter
    scope_domain = "ratings"

    def shape(self, queryset):
        return queryset.select_related("party_org").order_by("-cycle", "region_id", "-total_points", "party_org_id")


def _items(rows) -> dict:
    return {row["code"]: {"points": row.get("points", ""), "reason": row.get("reason", ""),
                          "evidence": row.get("evidence", "")} for row in rows}


class PartyOrgRatingViewSet(ScopedViewSet):
    """One party organization's rating of one cycle: GET it; POST self-assessment / review / return / approve /
    publish."""

    queryset = Rating.objects
    serializer_class = RatingDetailSerializer
    scope_domain = "ratings"
    # Every step finds the rating in the read scope; the services check the step's own capability (403).
    scope_actions = {name: READ for name in ("self_assess", "review", "return_", "approve", "publish")}
    permission_classes = [CanSeeRatings]

    def shape(self, queryset):
        return queryset.select_related("party_org", "scorecard")

    def get_object(self):
        rating = self.scoped_queryset(READ).filter(party_org_id=self.kwargs["party_org"],
                                                   cycle=self.kwargs["cycle"]).first()
        if rating is None:
            raise Http404
        return rating

    def retrieve(self, request, party_org=None, cycle=None):
        return self.respond(self.get_object(), reread=False)

    @extend_schema(request=SelfAssessmentSerializer, responses=RatingDetailSerializer)
    def self_assess(self, request, party_org=None, cycle=None):
        """The branch scores its judged criteria (points, reason, evidence for each)."""
        rating = self.get_object()
        data = self.parsed(SelfAssessmentSerializer)
        return self.respond(services.rating_self_assess(rating=rating, actor=request.user,
                                                        items=_items(data["criteria"])))

    @extend_schema(request=ReviewSerializer, responses=RatingDetailSerializer)
    def review(self, request, party_org=None, cycle=None):
        """The responsible committee reviews: adjustments with reasons, and a comment."""
        rating = self.get_object()
        data = self.parsed(ReviewSerializer)
        return self.respond(services.rating_review(rating=rating, actor=request.user, comment=data["comment"],
                                                   adjustments=_items(data["adjustments"])))

    @extend_schema(request=ReturnSerializer, responses=RatingDetailSerializer)
    def return_(self, request, party_org=None, cycle=None):
        """Send the self-assessment back to the branch, saying what to correct."""
        rating = self.get_object()
        data = self.parsed(ReturnSerializer)
        return self.respond(services.rating_return(rating=rating, actor=request.user, reasons=data["comment"]))

    @extend_schema(request=None, responses=RatingDetailSerializer)
    def approve(self, request, party_org=None, cycle=None):
        return self.respond(services.rating_approve(rating=self.get_object(), actor=request.user))

    @extend_schema(request=None, responses=RatingDetailSerializer)
    def publish(self, request, party_org=None, cycle=None):
        return self.respond(services.rating_publish(rating=self.get_object(), actor=request.user))


class EligibilityViewSet(ScopedViewSet):
    """Whether an organization may take part in an evaluation now, rule by rule."""

    queryset = SocialOrganization.objects
    visible_domain = "ratings"
    scope_domain = "ratings"
    serializer_class = EligibilitySerializer
    lookup_field = "uscc"

    @extend_schema(responses=EligibilitySerializer)
    def retrieve(self, request, uscc=None):
        org = self.scoped_queryset(READ).filter(uscc=(uscc or "").upper()).first()
        if org is None:
            raise Http404
        return Response(EligibilitySerializer(queries.eligibility(org)).data)


class EvaluationViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Evaluation grades in the caller's scope; POST records a grade (the registration authority)."""

    queryset = EvaluationGrade.objects
    serializer_class = EvaluationGradeSerializer
    scope_domain = "ratings"
    scope_actions = {"create": READ}
    permission_classes = [CanSeeRatings]

    def shape(self, queryset):
        return queryset.select_related("organization").order_by("-valid_from", "organization_id")

    @extend_schema(request=EvaluationInputSerializer, responses={201: EvaluationGradeSerializer})
    def create(self, request):
        data = self.parsed(EvaluationInputSerializer)
        org = self.scoped_object(SocialOrganization.objects, action=READ, domain="ratings",
                                 uscc=data.pop("uscc").strip().upper())
        grade = services.evaluation_record(org=org, actor=request.user, grade=data["grade"].strip().upper(),
                                           valid_from=data["valid_from"], valid_to=data["valid_to"],
                                           decision_number=data["decision_number"],
                                           total_points=data["total_points"], scorecard_code=data["scorecard"])
        return self.respond(grade, status.HTTP_201_CREATED)


class EvaluationRoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Evaluation rounds of the registration authorities in the caller's scope, each with its participating
    organizations (eligibility and reasons as computed on entry, the grade recorded in the round); POST opens a
    round (ratings.evaluate over its region), entering the organizations named."""

    queryset = EvaluationRound.objects
    serializer_class = EvaluationRoundSerializer
    scope_domain = "ratings"
    scope_actions = {"create": READ}
    permission_classes = [CanSeeRatings]

    def shape(self, queryset):
        return (queryset.select_related("scorecard")
                .prefetch_related("entries__organization", "entries__grade").order_by("-year", "-opens_on", "-pk"))

    @extend_schema(request=EvaluationRoundInputSerializer, responses={201: EvaluationRoundSerializer})
    def create(self, request):
        data = self.parsed(EvaluationRoundInputSerializer)
        codes = [code.strip().upper() for code in data["organizations"]]
        orgs = list(SocialOrganization.objects.visible_to(request.user, READ, domain="ratings").filter(uscc__in=codes))
        unknown = sorted(set(codes) - {org.uscc for org in orgs})
        if unknown:
            from django.core.exceptions import ValidationError
            from django.utils.translation import gettext as _

            raise ValidationError({"organizations": _("No organization in your scope has the credit code "
                                                      "%(codes)s.") % {"codes": "、".join(unknown)}})
        evaluation_round = services.round_create(
            actor=request.user, year=data["year"], region_code=data["region"], authority=data["authority"],
            scorecard_code=data["scorecard"], opens_on=data["opens_on"], closes_on=data["closes_on"],
            organizations=orgs)
        return self.respond(evaluation_round, status.HTTP_201_CREATED)
