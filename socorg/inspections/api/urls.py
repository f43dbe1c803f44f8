from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("inspection-plans", views.InspectionPlanViewSet, basename="inspection-plan")
urlpatterns = [
    *router.urls,
    path("inspection-plans/<int:pk>/proof/", views.PlanProofView.as_view(), name="inspection-plan-proof"),
    path("inspection-plans/<int:pk>/results/", views.PlanResultsView.as_view(), name="inspection-plan-results"),
]
