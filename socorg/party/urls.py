from django.urls import path

from . import views

app_name = "party"
urlpatterns = [
    path("", views.party_org_list, name="party_org_list"),
    path("pick/", views.party_org_pick, name="party_org_pick"),
    path("new/", views.party_org_create, name="party_org_create"),
    path("<int:pk>/", views.party_org_detail, name="party_org_detail"),
    path("<int:pk>/edit/", views.party_org_edit, name="party_org_edit"),
    path("<int:pk>/dissolve/", views.party_org_dissolve, name="party_org_dissolve"),
    path("<int:pk>/coverages/", views.party_coverage_add, name="party_coverage_add"),
    path("<int:pk>/coverages/<int:coverage_id>/end/", views.party_coverage_end, name="party_coverage_end"),
    path("members/", views.member_list, name="member_list"),
    path("members/find/", views.person_find, {"kind": "member"}, name="member_find"),
    path("instructors/find/", views.person_find, {"kind": "instructor"}, name="instructor_find"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("members/<int:pk>/reveal/", views.member_reveal, name="member_reveal"),
    path("instructors/", views.instructor_list, name="instructor_list"),
    path("instructors/new/", views.instructor_create, name="instructor_create"),
    path("instructors/<int:pk>/", views.instructor_detail, name="instructor_detail"),
    path("instructors/<int:pk>/edit/", views.instructor_edit, name="instructor_edit"),
    path("instructors/<int:pk>/leave/", views.instructor_leave, name="instructor_leave"),
    path("instructors/<int:pk>/assignments/", views.assignment_add, name="assignment_add"),
    path("instructors/<int:pk>/assignments/<int:assignment_id>/end/", views.assignment_end, name="assignment_end"),
]
