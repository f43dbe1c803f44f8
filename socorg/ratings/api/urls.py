from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("evaluation-rounds", views.EvaluationRoundViewSet, basename="evaluation-round")

RATING = "party-orgs/<int:party_org>/ratings/<int:cycle>/"
rating = views.PartyOrgRatingViewSet
urlpatterns = [
    *router.urls,
    path(RATING, rating.as_view({"get": "retrieve"}), name="party-org-rating"),
    path(RATING + "self-assessment/", rating.as_view({"post": "self_assess"}), name="party-org-rating-self-assess"),
    path(RATING + "review/", rating.as_view({"post": "review"}), name="party-org-rating-review"),
    path(RATING + "return/", rating.as_view({"post": "return_"}), name="party-org-rating-return"),
    path(RATING + "approve/", rating.as_view({"post": "approve"}), name="party-org-rating-approve"),
    path(RATING + "publish/", rating.as_view({"post": "publish"}), name="party-org-rating-publish"),
    path("orgs/<str:uscc>/evaluation-eligibility/", views.EligibilityViewSet.as_view({"get": "retrieve"}),
         name="org-evaluation-eligibility"),
    path("evaluations/", views.EvaluationViewSet.as_view({"get": "list", "post": "create"}), name="evaluation-list"),
]
