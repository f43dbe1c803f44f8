from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("open/", views.report_open, name="open"),
    path("figures/orgs/", views.figure_orgs, name="figure-orgs"),
    path("sync/", views.sync_overview, name="sync-overview"),
    path("sync/<str:uscc>/", views.sync_checks, name="sync"),
    path("<str:uscc>/<int:year>/", views.report_detail, name="detail"),
    path("<str:uscc>/<int:year>/edit/", views.report_edit, name="edit"),
    path("<str:uscc>/<int:year>/submit/", views.report_submit, name="submit"),
    path("<str:uscc>/<int:year>/return/", views.report_return, name="return"),
    path("<str:uscc>/<int:year>/review/", views.report_review, name="review"),
]
