from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("inspectors/", views.roster, name="roster"),
    path("published/", views.published_list, name="published"),
    path("published/<int:pk>/", views.published_detail, name="published-detail"),
    path("published/<int:pk>/proof.json", views.published_proof, name="published-proof"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/commit/", views.plan_commit, name="commit"),
    path("<int:pk>/draw/", views.plan_draw, name="draw"),
    path("<int:pk>/cancel/", views.plan_cancel, name="cancel"),
    path("<int:pk>/close/", views.plan_close, name="close"),
    path("<int:pk>/conflicts/", views.conflict_declare, name="conflict"),
    path("<int:pk>/orgs/<str:uscc>/", views.inspection_record, name="inspection"),
    path("<int:pk>/orgs/<str:uscc>/rectified/", views.inspection_rectified, name="rectified"),
]
