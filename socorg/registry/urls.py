from django.urls import path, register_converter

from . import views


class USCCConverter:
    regex = "[0-9A-Za-z]{18}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value


register_converter(USCCConverter, "org_uscc")

app_name = "registry"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("new/", views.org_create, name="create"),
    path("<org_uscc:uscc>/", views.org_detail, name="detail"),
    path("<org_uscc:uscc>/edit/", views.org_edit, name="edit"),
    path("<org_uscc:uscc>/deregister/", views.org_deregister, name="deregister"),
    path("<org_uscc:uscc>/revoke/", views.org_revoke, name="revoke"),
    path("<org_uscc:uscc>/revoke-certificate/", views.org_revoke_certificate, name="revoke-certificate"),
    path("<org_uscc:uscc>/suspend/", views.org_suspend, name="suspend"),
    path("<org_uscc:uscc>/resume/", views.org_resume, name="resume"),
    path("<org_uscc:uscc>/delete/", views.org_delete, name="delete"),
]
