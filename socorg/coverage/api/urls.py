from django.urls import path

from . import views

urlpatterns = [
    path("coverage/", views.CoverageFiguresView.as_view(), name="coverage-figures"),
    path("coverage/orgs/", views.CoverageOrgsViewSet.as_view({"get": "list"}), name="coverage-orgs"),
    path("coverage/snapshots/", views.CoverageSnapshotsView.as_view(), name="coverage-snapshots"),
]
