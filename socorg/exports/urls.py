from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("jobs/<int:pk>/", views.export_detail, name="detail"),
    path("jobs/<int:pk>/status/", views.export_status, name="status"),
    path("jobs/<int:pk>/download/", views.export_download, name="download"),
    path("<slug:list_name>/", views.export_start, name="start"),
]
