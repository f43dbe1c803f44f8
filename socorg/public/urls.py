from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("orgs/", views.org_search, name="orgs"),
    path("orgs/<str:uscc>/", views.org_detail, name="org"),
    path("credit-lists/", views.credit_lists, name="credit-lists"),
    path("inspection-plans/", views.inspection_plans, name="inspection-plans"),
    path("inspection-plans/<int:pk>/", views.inspection_plan, name="inspection-plan"),
    path("inspection-plans/<int:pk>/proof.json", views.inspection_proof, name="inspection-proof"),
    path("grades/", views.evaluation_grades, name="grades"),
    path("projects/", views.projects, name="projects"),
    path("complaints/", views.complaint_form, name="complaint"),
    path("complaints/status/", views.complaint_status, name="complaint-status"),
]
