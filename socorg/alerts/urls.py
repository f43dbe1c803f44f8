from django.urls import path

from . import views

app_name = "alerts"
urlpatterns = [
    path("", views.board, name="board"),
    path("list/", views.alert_list, name="list"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<slug:code>/", views.rule_edit, name="rule-edit"),
    path("<int:pk>/", views.alert_detail, name="detail"),
    path("<int:pk>/assign/", views.alert_assign, name="assign"),
    path("<int:pk>/submit/", views.alert_submit, name="submit"),
    path("<int:pk>/review/", views.alert_review, name="review"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
