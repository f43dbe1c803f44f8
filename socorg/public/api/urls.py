from django.urls import path

from . import views

urlpatterns = [
    path("public/orgs/", views.OrgSearchView.as_view(), name="public-orgs"),
    path("public/orgs/<str:uscc>/", views.OrgDetailView.as_view(), name="public-org"),
    path("public/credit-lists/", views.CreditListView.as_view(), name="public-credit-lists"),
    path("public/inspection-plans/", views.InspectionPlanListView.as_view(), name="public-inspection-plans"),
    path("public/inspection-plans/<int:pk>/", views.InspectionPlanDetailView.as_view(),
         name="public-inspection-plan"),
    path("public/grades/", views.GradeListView.as_view(), name="public-grades"),
    path("public/projects/", views.ProjectListView.as_view(), name="public-projects"),
    path("public/project-calls/", views.ProjectCallListView.as_view(), name="public-project-calls"),
    path("public/figures/", views.FiguresView.as_view(), name="public-figures"),
]
