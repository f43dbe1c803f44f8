"""The screening pages: run a screening, the worklist and its figures, close a case by deregistration."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import client_as, make_user
from socorg.exits.models import ScreeningCase
from socorg.party.tests.factories import make_org

pytestmark = pytest.mark.django_db


def test_a_clerk_runs_a_screening_and_deregisters_an_organization(clerk):
    org = make_org("530102", name="五华区僵尸协会", registered_on=datetime.date(2015, 1, 1))
    client = client_as(clerk)
    assert client.post("/exits/runs/", {"region": "530100"}).status_code == 302
    case = ScreeningCase.objects.get()
    page = client.get("/exits/?region=530100").content.decode()
    assert org.name in page and "连续未参加年度检查" in page
    bad = client.post(f"/exits/{case.pk}/deregister/", {"closed_on": timezone.localdate().isoformat()})
    assert bad.status_code == 200 and set(bad.context["deregister_form"].errors) >= {
        "liquidation_done", "certificate_returned", "documents"}
    done = client.post(f"/exits/{case.pk}/deregister/", {
        "closed_on": timezone.localdate().isoformat(), "liquidation_done": "on", "certificate_returned": "on",
        "documents": SimpleUploadedFile("清算报告.pdf", b"%PDF-1.4 x")})
    assert done.status_code == 302
    org.refresh_from_db()
    assert org.status == "deregistered" and ScreeningCase.objects.get().status == "deregistered"
    figures = client.get("/exits/?region=530100")
    assert figures.context["figures"]["totals"]["deregistered"] == 1


def test_party_staff_read_but_cannot_run_or_close_and_another_county_gets_404(clerk):
    make_org("530102", registered_on=datetime.date(2015, 1, 1))
    client_as(clerk).post("/exits/runs/", {"region": "530100"})
    case = ScreeningCase.objects.get()
    party = make_user((Role.PARTY_STAFF, "530102"))
    assert client_as(party).get(f"/exits/{case.pk}/").context["can_close"] is False
    assert client_as(party).post("/exits/runs/", {"region": "530102"}).status_code == 403
    assert client_as(party).post(f"/exits/{case.pk}/rectify/", {"note": "x"}).status_code == 403
    assert client_as(make_user((Role.BUREAU_STAFF, "530103"))).get(f"/exits/{case.pk}/").status_code == 404


def test_the_command_prints_the_runs_counts_per_region(capsys, db):
    from django.core.management import call_command

    make_org("530102", registered_on=datetime.date(2015, 1, 1))
    make_org("530103", registered_on=datetime.date(2015, 1, 1))
    call_command("zombie_screen", region="530100")
    import json

    body = json.loads(capsys.readouterr().out)
    assert body["opened"] == 2 and body["per_region"] == {"530102": 1, "530103": 1}


def test_demo_screening_closes_cases_through_the_services_and_the_registry_follows(db):
    from django.core.management import call_command

    from socorg.registry.models import SocialOrganization

    make_user((Role.BUREAU_STAFF, "100000"), username="staff")
    for _ in range(30):
        make_org("530102", registered_on=datetime.date(2015, 1, 1))
    call_command("demo_exits", seed=3, region="530100", close=12, verbosity=0)
    closed = ScreeningCase.objects.exclude(status="open")
    assert closed.count() == 12 and ScreeningCase.objects.filter(status="open").count() == 18
    ended = SocialOrganization.objects.exclude(status="active").count()
    assert ended == closed.exclude(status="rectified").count() > 0
