from django.urls import path

from . import views

app_name = "coverage"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.export_table, name="export"),
    path("snapshot/", views.snapshot_take, name="snapshot_take"),
    path("orgs/", views.org_list, name="orgs"),
    path("party-orgs/", views.party_org_list, name="party_orgs"),
]
