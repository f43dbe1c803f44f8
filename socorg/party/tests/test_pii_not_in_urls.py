"""Personal data never in an address (issue #10 item 14): the pages look members up by ID number and instructors by
phone through a POST that redirects to the list filtered by the blind-index key; the number itself appears in no URL,
and a query string carrying one is refused."""

import datetime

import pytest

from socorg.core.testing import client_as
from socorg.party import services

from .factories import make_party_org, valid_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(actor, orgs):
    return make_party_org(actor, orgs=orgs[:1], founded_on=datetime.date(2015, 1, 1))


def test_find_a_member_by_id_number_without_it_in_any_url(actor, branch, orgs):
    number = valid_id_number()
    member = services.member_add(name="王党员", party_org=branch, employer=orgs[0], id_number=number,
                                 joined_on=datetime.date(2010, 7, 1), actor=actor)
    client = client_as(actor)
    response = client.post("/party/members/find/", {"id_number": number})
    assert response.status_code == 302
    location = response["Location"]
    assert number not in location and number.lower() not in location and "id_number_index=" in location
    page = client.get(location)
    assert page.status_code == 200 and f"/party/members/{member.pk}/" in page.content.decode()
    refused = client.get("/party/members/", {"id_number": number})
    assert "网址" in refused.content.decode()  # the refusal says why, and the list is not filtered by it


def test_find_an_instructor_by_phone_without_it_in_any_url(actor):
    instructor = services.instructor_create(name="李指导员", region="530102", phone="13700001111", actor=actor)
    response = client_as(actor).post("/party/instructors/find/", {"phone": "137-0000-1111"})
    assert "13700001111" not in response["Location"] and "phone_index=" in response["Location"]
    assert f"/party/instructors/{instructor.pk}/" in client_as(actor).get(response["Location"]).content.decode()
