from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.index, name="index"),
    path("calls/new/", views.call_new, name="call-new"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/apply/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/assign/", views.assign, name="assign"),
    path("applications/<int:pk>/score/", views.review_submit, name="score"),
    path("applications/<int:pk>/conflict/", views.review_conflict, name="conflict"),
    path("applications/<int:pk>/award/", views.award, name="award"),
    path("applications/<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/", views.project_detail, name="project"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("<int:pk>/evaluations/", views.evaluation_add, name="evaluation-add"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/terminate/", views.terminate, name="terminate"),
    path("milestones/<int:pk>/report/", views.milestone_report, name="milestone-report"),
    path("milestones/<int:pk>/accept/", views.milestone_accept, name="milestone-accept"),
    path("milestones/<int:pk>/pay/", views.payment_add, name="pay"),
    path("experts/", views.experts, name="experts"),
    path("needs/", views.needs, name="needs"),
    path("needs/<int:pk>/", views.need_detail, name="need"),
    path("needs/<int:pk>/propose/", views.propose, name="propose"),
    path("offers/", views.offers, name="offers"),
    path("matches/<int:pk>/", views.match_detail, name="match"),
    path("matches/<int:pk>/<str:decision>/", views.match_decide, name="match-decide"),
    path("figures/", views.figures, name="figures"),
    path("figures/export.xlsx", views.figures_xlsx, name="figures-xlsx"),
]
