from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("candidates/", views.candidates, name="candidates"),
    path("reasons/", views.reason_list, name="reasons"),
    path("reasons/<str:code>/", views.reason_edit, name="reason-edit"),
    path("new/", views.entry_create, name="entry-create"),
    path("<int:pk>/", views.entry_detail, name="entry-detail"),
    path("<int:pk>/remove/", views.entry_remove, name="entry-remove"),
    path("<int:pk>/objections/", views.objection_record, name="objection-record"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection-answer"),
    path("penalties/", views.penalty_list, name="penalties"),
    path("penalties/new/", views.penalty_create, name="penalty-create"),
    path("orgs/<str:uscc>/", views.org_credit, name="org"),
    path("orgs/<str:uscc>/letters/", views.letter_record, name="letter-record"),
    path("letters/<int:pk>/answered/", views.letter_answered, name="letter-answered"),
    path("orgs/<str:uscc>/findings/", views.fact_record, name="fact-record"),
    path("orgs/<str:uscc>/statements/", views.statement_record, name="statement-record"),
]
