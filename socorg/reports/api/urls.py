from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("annual-reports", views.AnnualReportViewSet, basename="annual-report")

ORG_REPORT = "orgs/<str:uscc>/annual-reports/<int:year>/"
report = views.OrgReportViewSet.as_view
urlpatterns = [
    *router.urls,
    path(ORG_REPORT, report({"get": "retrieve", "put": "update"}), name="org-annual-report"),
    path(ORG_REPORT + "submit/", report({"post": "submit"}), name="org-annual-report-submit"),
    path(ORG_REPORT + "return/", report({"post": "return_"}), name="org-annual-report-return"),
    path(ORG_REPORT + "review/", report({"post": "review"}), name="org-annual-report-review"),
]
