from django.urls import path

from . import views

app_name = "exits"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("runs/", views.run_start, name="run"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/rectify/", views.case_rectify, name="rectify"),
    path("<int:pk>/deregister/", views.case_deregister, name="deregister"),
    path("<int:pk>/revoke/", views.case_revoke, name="revoke"),
]
