from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("project-calls", views.ProjectCallViewSet, basename="project-call")
router.register("project-experts", views.ExpertViewSet, basename="project-expert")
router.register("project-applications", views.ApplicationViewSet, basename="project-application")
router.register("project-reviews", views.ReviewViewSet, basename="project-review")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("project-milestones", views.MilestoneViewSet, basename="project-milestone")
router.register("needs", views.NeedViewSet, basename="need")
router.register("offers", views.OfferViewSet, basename="offer")
router.register("matches", views.MatchViewSet, basename="match")

urlpatterns = [
    path("project-figures/", views.FiguresView.as_view(), name="project-figures"),
    *router.urls,
]
