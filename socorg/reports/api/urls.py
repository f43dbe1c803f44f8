from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("annual-reports", views.AnnualReportViewSet, basename="annual-report")

ORG_REPORT = "orgs/<str:uscc>/annual-reports/<int:year>/"
urlpatterns = [
    *router.urls,
    path(ORG_REPORT, views.OrgReportView.as_view(), name="org-annual-report"),
    path(ORG_REPORT + "submit/", views.OrgReportSubmitView.as_view(), name="org-annual-report-submit"),
    path(ORG_REPORT + "return/", views.OrgReportReturnView.as_view(), name="org-annual-report-return"),
    path(ORG_REPORT + "review/", views.OrgReportReviewView.as_view(), name="org-annual-report-review"),
]
