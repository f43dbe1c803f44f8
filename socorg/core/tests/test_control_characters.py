"""Issue #10 item 7: control characters in text fields are refused at every input — API, forms, ledger — with a
Chinese message at the field, and never break an export, not even when legacy rows already hold them (before the
fix one \u0001 in an instructor's name made every enclosing region's export answer 500)."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework import serializers

from socorg.accounts.roles import Role
from socorg.core.api.serializers import RefuseControlCharactersMixin
from socorg.core.forms import RefuseControlCharactersMixin as RefuseControlCharactersMixin_forms
from socorg.core.testing import api_as, client_as, make_user
from socorg.core.text import CONTROL_CHARACTERS
from socorg.ledger.importer import import_ledger
from socorg.ledger.tests.helpers import INSTRUCTOR_HEADERS, ORG_HEADERS, org_row, uscc, workbook
from socorg.party import services as party_services
from socorg.party.models import Instructor, PartyMember, PartyOrganization
from socorg.registry import services as registry_services
from socorg.registry.choices import OrgType
from socorg.registry.models import SocialOrganization
from socorg.registry.uscc import make_uscc

pytestmark = pytest.mark.django_db

BAD_NAME = "王\x01五"


@pytest.fixture
def staff():
    return make_user((Role.BUREAU_STAFF, "530000"), (Role.PARTY_STAFF, "530000"))


@pytest.fixture
def org(staff):
    return registry_services.org_register(actor=staff, uscc=make_uscc("530102", OrgType.SOCIAL_GROUP, "CC000001"),
                                          name="五华区控制字符测试协会", org_type=OrgType.SOCIAL_GROUP,
                                          authority_region="530102", registered_on=datetime.date(2020, 1, 15))


@pytest.fixture
def branch(staff, org):
    return party_services.party_org_create(name="五华区控制字符测试支部", kind="branch", formation="standalone",
                                           organizations=[org], actor=staff)


def assert_control_character_message(messages):
    assert messages and "控制字符" in messages[0], messages


# --- API -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\x01", "\x0b", "\x1f", "\x7f", "\x9b"])
def test_api_refuses_a_control_character_in_an_organization_name(staff, char):
    data = {"uscc": make_uscc("530102", OrgType.SOCIAL_GROUP, "CC000009"), "name": f"五华区{char}协会",
            "org_type": OrgType.SOCIAL_GROUP, "authority_region": "530102"}
    response = api_as(staff).post("/api/v1/orgs/", data, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert_control_character_message(response.json()["name"])
    assert not SocialOrganization.objects.filter(uscc=data["uscc"]).exists()


@pytest.mark.parametrize(("url", "field", "data"), [
    ("/api/v1/instructors/", "name", {"name": BAD_NAME, "region": "530102", "phone": "13800000000"}),
    ("/api/v1/instructors/", "unit_and_post", {"name": "王五", "region": "530102", "unit_and_post": "民政局\x02"}),
    ("/api/v1/party-orgs/", "name", {"name": "测试\x03支部", "kind": "committee", "formation": "area",
                                     "region": "530102"}),
    ("/api/v1/party-orgs/", "secretary_name", {"name": "测试党委", "kind": "committee", "formation": "area",
                                               "region": "530102", "secretary_name": BAD_NAME}),
])
def test_api_refuses_control_characters_in_party_text_fields(staff, url, field, data):
    response = api_as(staff).post(url, data, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert_control_character_message(response.json()[field])


def test_api_refuses_a_control_character_in_a_member_name(staff, branch):
    response = api_as(staff).post("/api/v1/members/", {"name": BAD_NAME, "party_org": branch.pk}, format="json",
                                  HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert_control_character_message(response.json()["name"])
    assert not PartyMember.objects.exists()


def test_api_refuses_a_control_character_in_an_update(staff, org):
    response = api_as(staff).patch(f"/api/v1/orgs/{org.uscc}/", {"legal_representative": "张\x00三"}, format="json",
                                   HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert_control_character_message(response.json()["legal_representative"])


def test_services_refuse_control_characters_whoever_calls_them(staff, org):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        party_services.instructor_create(name=BAD_NAME, region="530102", actor=staff)
    assert "name" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        registry_services.org_update(org=org, actor=staff, supervisor="文化馆\x1b")
    assert "supervisor" in caught.value.message_dict


# --- forms ---------------------------------------------------------------------------------------------------------

def test_the_instructor_form_refuses_a_control_character_next_to_the_field(staff):
    response = client_as(staff).post(reverse("party:instructor_create"), {
        "kind": "instructor", "name": BAD_NAME, "phone": "13800000000", "region": "530102"},
        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert_control_character_message(response.context["form"].errors["name"])
    assert not Instructor.objects.exists()


def test_the_organization_form_refuses_a_control_character_next_to_the_field(staff, org):
    response = client_as(staff).post(reverse("registry:edit", args=[org.uscc]), {
        "uscc": org.uscc, "name": "五华区\x1f协会", "org_type": org.org_type, "category": org.category,
        "authority_region": "530102", "declared_full_members": 0, "declared_probationary_members": 0},
        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert_control_character_message(response.context["form"].errors["name"])
    org.refresh_from_db()
    assert org.name == "五华区控制字符测试协会"


# --- ledger --------------------------------------------------------------------------------------------------------

def test_the_ledger_refuses_a_control_character_and_writes_nothing(tmp_path, staff):
    # Excel stores a control character as the escape _x0001_; the reader hands it over as the character itself.
    path = workbook(tmp_path / "ledger.xlsx", {
        "社会组织": [ORG_HEADERS, org_row(1), org_row(2, name="测试_x001F_协会")],
        "党建工作指导员": [INSTRUCTOR_HEADERS, ["王_x0001_五", "13900000000", uscc(1), "在岗"]],
    })
    run = import_ledger(path, user=staff)
    assert not run.ok
    bad = {(issue.sheet, issue.row, issue.column) for issue in run.errors}
    assert bad == {("社会组织", 3, "名称"), ("党建工作指导员", 2, "姓名")}
    assert all("控制字符" in issue.message or "control character" in issue.message for issue in run.errors)
    assert not SocialOrganization.objects.exists() and not Instructor.objects.exists()


# --- exports with legacy data ------------------------------------------------------------------------------------

@pytest.fixture
def legacy(staff, org, branch):
    """Rows written before input refused control characters (straight into the table, as an old version did)."""
    instructor = party_services.instructor_create(name="王五", region="530102", phone="13800000000", actor=staff)
    party_services.assignment_add(instructor=instructor, organization=org, actor=staff)
    Instructor.objects.filter(pk=instructor.pk).update(name="王\x01五", unit_and_post="民政局\x0b科员")
    SocialOrganization.objects.filter(pk=org.pk).update(name="五华区\x1f控制字符测试协会", supervisor="文化馆\x02")
    PartyOrganization.objects.filter(pk=branch.pk).update(secretary_name="李\x7f四")
    return instructor


def _texts(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
            if isinstance(cell, str)]


@pytest.mark.parametrize("region", ["530102", "530100", "530000", ""])
def test_the_ledger_export_of_every_enclosing_region_still_works_with_legacy_control_characters(staff, legacy,
                                                                                                 region):
    response = client_as(staff).get("/ledger/export/", {"region": region} if region else {})
    assert response.status_code == 200
    texts = _texts(b"".join(response.streaming_content) if response.streaming else response.content)
    assert not [text for text in texts if CONTROL_CHARACTERS.search(text)]
    assert any(text.startswith("王") and text.endswith("五") for text in texts)  # the person is still there


@pytest.mark.parametrize("url", ["/coverage/export/?region=530000&by=supervisor",
                                 "/api/v1/coverage/orgs/?region=530000&format=xlsx"])
def test_coverage_exports_still_work_with_legacy_control_characters(staff, legacy, url):
    response = client_as(staff).get(url)
    assert response.status_code == 200
    texts = _texts(response.content)
    assert not [text for text in texts if CONTROL_CHARACTERS.search(text)]


# --- every input path is covered -------------------------------------------------------------------------------------

def _project_classes(module_name: str, base: type):
    for config in apps.get_app_configs():
        if not config.name.startswith("socorg."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.{module_name}")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, base) and value.__module__ == module.__name__:
                yield value


def test_every_serializer_of_the_project_refuses_control_characters():
    found = list(_project_classes("api.serializers", serializers.Serializer))
    assert len(found) >= 30
    assert [s.__name__ for s in found if not issubclass(s, RefuseControlCharactersMixin)] == []


def test_every_form_of_the_domain_apps_refuses_control_characters():
    from django import forms

    found = [form for form in _project_classes("forms", forms.BaseForm) if not form.__module__.startswith(
        "socorg.accounts.")]  # sign-in and account forms: usernames and passwords have their own validators
    assert len(found) >= 10
    assert [f.__name__ for f in found if not issubclass(f, RefuseControlCharactersMixin_forms)] == []
