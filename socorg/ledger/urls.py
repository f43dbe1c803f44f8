from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.index, name="index"),
    path("template/", views.template, name="template"),
    path("export/", views.export, name="export"),
    path("imports/<int:pk>/", views.detail, name="detail"),
    path("imports/<int:pk>/status/", views.status_fragment, name="status"),
    path("imports/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("imports/<int:pk>/report/", views.report, name="report"),
]
