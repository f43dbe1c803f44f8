"""Demo complaints and the complaint pages."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.complaints import services
from socorg.complaints.models import Complaint
from socorg.complaints.queries import complaint_figures, complaints_behind
from socorg.core.testing import client_as, make_user
from socorg.party.tests.factories import make_org
from socorg.regions.models import Region

pytestmark = pytest.mark.django_db


def test_demo_complaints_are_deterministic_and_their_figures_match_the_lists(db):
    for n in range(60):
        make_org("530102" if n % 2 else "530103", name=f"演示协会{n}")
    call_command("demo_complaints", seed=7, per_thousand=500, verbosity=0)
    first = sorted(Complaint.objects.values_list("receipt_no", "status", "category"))
    assert len(first) > 10 and len({status for _no, status, _c in first}) >= 3
    call_command("demo_complaints", seed=7, per_thousand=500, replace=True, verbosity=0)
    assert sorted(Complaint.objects.values_list("receipt_no", "status", "category")) == first
    region = Region.objects.get(code="530100")
    figures = complaint_figures(region=region, year=None)
    for figure, count in figures.totals.items():
        assert complaints_behind(figure=figure, region=region, year=None).count() == count
    assert figures.totals["received"] == len(first)
    assert sum(counts["received"] for _r, _d, counts in figures.by_region) == len(first)


def test_the_list_page_filters_and_links_figures(org, clerk):
    services.complaint_receive(actor=clerk, channel="phone", category="finances", description="账目不公开",
                               organization_uscc=org.uscc, anonymous=True)
    response = client_as(clerk).get("/complaints/?category=finances")
    assert response.status_code == 200 and org.name in response.content.decode()
    assert "五华区家政服务协会" not in client_as(clerk).get("/complaints/?category=governance").content.decode()
    figures = client_as(clerk).get(f"/complaints/figures/?region=530100&year={timezone.localdate().year}")
    assert figures.status_code == 200 and "figure=received" in figures.content.decode()


def test_the_list_pages_panel_shows_the_figures_totals_of_the_users_scope(org, clerk):
    services.complaint_receive(actor=clerk, channel="phone", category="finances", description="账目不公开",
                               organization_uscc=org.uscc, anonymous=True)
    services.complaint_receive(actor=make_user((Role.BUREAU_STAFF, "100000")), channel="letter",
                               category="governance", description="换届未按章程",
                               organization_uscc=make_org("110101").uscc, anonymous=True)
    year = timezone.localdate().year
    panel = client_as(clerk).get("/complaints/").context["figures"]
    nation = Region.objects.get(code="100000")
    assert panel == complaint_figures(region=nation, year=year, user=clerk).totals
    assert panel["received"] == 1 and panel["awaiting"] == 1
    assert complaint_figures(region=nation, year=year).totals["received"] == 2


def test_intake_form_shows_field_errors_and_saves_nothing(org, clerk):
    response = client_as(clerk).post("/complaints/new/", {"channel": "phone", "category": "finances",
                                                          "description": "x", "organization_uscc": org.uscc})
    assert response.status_code == 200 and "complainant_name" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_another_county_gets_404_and_party_staff_cannot_act(org, clerk):
    complaint = services.complaint_receive(actor=clerk, channel="phone", category="finances", description="x",
                                           organization_uscc=org.uscc, anonymous=True)
    outsider = make_user((Role.BUREAU_STAFF, "530103"))
    assert client_as(outsider).get(f"/complaints/{complaint.pk}/").status_code == 404
    party = make_user((Role.PARTY_STAFF, "530102"))
    assert client_as(party).get(f"/complaints/{complaint.pk}/").context["accept_form"] is None
    assert client_as(party).post(f"/complaints/{complaint.pk}/accept/", {"decision": "accept"}).status_code == 403
    assert Complaint.objects.get().status == "received"


def test_the_home_page_lists_complaints_awaiting_acceptance_and_overdue(org, clerk):
    import datetime

    services.complaint_receive(actor=clerk, channel="phone", category="finances", description="x",
                               organization_uscc=org.uscc, anonymous=True,
                               received_on=timezone.localdate() - datetime.timedelta(days=40))
    body = client_as(clerk).get("/").content.decode()
    assert "待受理的投诉举报" in body and "/complaints/?overdue=true" in body
    viewer = make_user((Role.VIEWER, "530102"))
    assert "待受理的投诉举报" not in client_as(viewer).get("/").content.decode()


def test_the_complaint_list_api_runs_a_constant_number_of_queries(org, clerk, django_assert_max_num_queries):
    from socorg.core.testing import api_as

    for _n in range(3):
        services.complaint_receive(actor=clerk, channel="phone", category="finances", description="x",
                                   organization_uscc=org.uscc, anonymous=True)
    client = api_as(clerk)
    client.get("/api/v1/complaints/")  # warm caches (grants, content types)
    with django_assert_max_num_queries(8) as few:
        client.get("/api/v1/complaints/")
    for _n in range(10):
        services.complaint_receive(actor=clerk, channel="phone", category="finances", description="x",
                                   organization_uscc=org.uscc, anonymous=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/v1/complaints/")
