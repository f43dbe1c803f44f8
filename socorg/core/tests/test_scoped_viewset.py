"""ScopedViewSet (core.api.viewsets): visible_to for every action — reads by the view capability, writes by the
change capability, named exceptions by theirs; 404 outside the scope, 403 for a row one may see but not change."""

import pytest
from django.urls import include, path
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.routers import SimpleRouter
from rest_framework.test import APIClient

from socorg.accounts.roles import Role
from socorg.core.api.viewsets import ScopedViewSet
from socorg.core.testing import _unrelated_organization, make_user
from socorg.registry.models import SocialOrganization

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


class NameSerializer(serializers.ModelSerializer):
    class Meta:
        model = SocialOrganization
        fields = ["uscc", "name"]


class RenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)


class OrgNames(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = SocialOrganization.objects
    serializer_class = NameSerializer
    filterset_class = None
    scope_actions = {"peek": "view"}

    def shape(self, queryset):
        return queryset.order_by("uscc")

    @action(detail=True, methods=["post"])
    def rename(self, request, pk=None):
        org = self.get_object()
        org.name = self.parsed(RenameSerializer)["name"]
        org.save(update_fields=["name"])
        return self.respond(org)

    @action(detail=True, methods=["post"])
    def peek(self, request, pk=None):
        return self.respond(self.get_object(), reread=False)


router = SimpleRouter()
router.register("names", OrgNames, basename="names")
urlpatterns = [path("", include(router.urls))]


@pytest.fixture
def orgs():
    return {"home": _unrelated_organization("530102"), "neighbour": _unrelated_organization("530103"),
            "elsewhere": _unrelated_organization("110101")}


def client(*grants):
    api = APIClient()
    api.force_authenticate(make_user(*grants))
    return api


def test_a_viewset_that_writes_its_own_get_queryset_is_refused_at_import():
    with pytest.raises(TypeError, match="get_queryset"):
        class Careless(ScopedViewSet):
            def get_queryset(self):
                return SocialOrganization.objects.all()


def test_list_and_retrieve_are_confined_to_the_view_scope(orgs):
    api = client((Role.VIEWER, "530100"))
    listed = {row["uscc"] for row in api.get("/names/").json()["results"]}
    assert listed == {orgs["home"].uscc, orgs["neighbour"].uscc}
    assert api.get(f"/names/{orgs['home'].pk}/").status_code == status.HTTP_200_OK
    assert api.get(f"/names/{orgs['elsewhere'].pk}/").status_code == status.HTTP_404_NOT_FOUND


def test_a_write_uses_the_change_scope_403_when_seen_and_404_when_hidden(orgs):
    # Staff over one county, a viewer over the whole prefecture: sees the neighbour, may change only home.
    api = client((Role.BUREAU_STAFF, "530102"), (Role.VIEWER, "530100"))
    answer = api.post(f"/names/{orgs['home'].pk}/rename/", {"name": "改名协会"}, format="json")
    assert answer.status_code == status.HTTP_200_OK and answer.json()["name"] == "改名协会"
    refused = api.post(f"/names/{orgs['neighbour'].pk}/rename/", {"name": "越权"}, format="json")
    assert refused.status_code == status.HTTP_403_FORBIDDEN
    hidden = api.post(f"/names/{orgs['elsewhere'].pk}/rename/", {"name": "越权"}, format="json")
    assert hidden.status_code == status.HTTP_404_NOT_FOUND
    names = set(SocialOrganization.objects.values_list("name", flat=True))
    assert "越权" not in names


def test_a_post_named_as_a_read_uses_the_view_scope(orgs):
    api = client((Role.BUREAU_STAFF, "530102"), (Role.VIEWER, "530100"))
    assert api.post(f"/names/{orgs['neighbour'].pk}/peek/").status_code == status.HTTP_200_OK
    assert api.post(f"/names/{orgs['elsewhere'].pk}/peek/").status_code == status.HTTP_404_NOT_FOUND


def test_input_is_parsed_by_the_input_serializer_with_field_errors(orgs):
    api = client((Role.BUREAU_STAFF, "530102"))
    answer = api.post(f"/names/{orgs['home'].pk}/rename/", {"name": "长" * 51}, format="json")
    assert answer.status_code == status.HTTP_400_BAD_REQUEST and set(answer.json()) == {"name"}
    assert SocialOrganization.objects.get(pk=orgs["home"].pk).name == orgs["home"].name


def test_an_action_that_would_hide_a_helper_is_refused_at_import():
    with pytest.raises(TypeError, match="respond"):
        class Hiding(ScopedViewSet):
            @action(detail=True, methods=["post"])
            def respond(self, request, pk=None):
                return None
