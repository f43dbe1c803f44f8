from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("", views.rating_list, name="list"),
    path("model-branches/", views.model_branch_list, name="model-branches"),
    path("scorecards/", views.scorecard_list, name="scorecards"),
    path("scorecards/<int:pk>/new-version/", views.scorecard_new_version, name="scorecard-new-version"),
    path("evaluations/", views.evaluation_list, name="evaluations"),
    path("evaluations/open/", views.evaluation_open, name="evaluation-open"),
    path("evaluations/round/", views.evaluation_round, name="evaluation-round"),
    path("evaluations/<str:uscc>/", views.eligibility, name="eligibility"),
    path("<int:party_org>/<int:cycle>/", views.rating_detail, name="detail"),
    path("<int:party_org>/<int:cycle>/self-assessment/", views.rating_self_assess, name="self-assess"),
    path("<int:party_org>/<int:cycle>/review/", views.rating_review, name="review"),
    path("<int:party_org>/<int:cycle>/approve/", views.rating_approve, name="approve"),
    path("<int:party_org>/<int:cycle>/publish/", views.rating_publish, name="publish"),
    path("<int:party_org>/<int:cycle>/reinstate/", views.rating_reinstate, name="reinstate"),
    path("<int:party_org>/<int:cycle>/model-branch/", views.model_branch_designate, name="designate"),
]
