"""Beside a masked ID number only the birth year is shown: the mask (first 3 and last 4 digits, i.e. the check
digit) plus the full birth date would leave about a thousand candidates, and the check digit cuts them to ~90."""

import datetime

import pytest

from socorg.core.testing import api_as, client_as
from socorg.party import services

from .factories import make_party_org, valid_id_number

pytestmark = pytest.mark.django_db
BORN = datetime.date(1985, 6, 15)


@pytest.fixture
def member(actor, orgs):
    branch = make_party_org(actor, orgs=orgs[:2], name="五华区科技社团联合党支部", founded_on=datetime.date(2020, 1, 1))
    return services.member_add(name="王党员", party_org=branch, employer=orgs[0], id_number=valid_id_number(BORN),
                               phone="13812345678", joined_on=datetime.date(2010, 7, 1), actor=actor)


def test_member_api_shows_the_birth_year_not_the_date_beside_the_masked_id_number(actor, member):
    client = api_as(actor)
    for body in (client.get(f"/api/v1/members/{member.pk}/").json(),
                 client.get("/api/v1/members/").json()["results"][0]):
        assert body["birth_year"] == 1985 and "birth_date" not in body
        assert "1985-06-15" not in str(body) and "0615" not in str(body)


def test_the_full_birth_date_comes_with_the_revealed_id_number(actor, member):
    revealed = api_as(actor).post(f"/api/v1/members/{member.pk}/reveal/").json()
    assert (revealed["id_number"], revealed["birth_date"]) == (member.id_number, "1985-06-15")


def test_member_page_shows_the_birth_date_only_when_the_id_number_is_revealed(actor, member):
    client = client_as(actor)
    masked = client.get(f"/party/members/{member.pk}/").content.decode()
    assert "1985" in masked and "1985-06-15" not in masked
    revealed = client.post(f"/party/members/{member.pk}/reveal/").content.decode()
    assert "1985-06-15" in revealed and member.id_number in revealed
