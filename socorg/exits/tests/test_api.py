"""/api/v1/screening-runs/ and /api/v1/screening-cases/: run, worklist, close, figures, scope."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import api_as, make_user, scope_cases
from socorg.exits.models import ScreeningCase
from socorg.party.tests.factories import make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(clerk):
    make_org("530102", name="五华区停摆协会", registered_on=datetime.date(2015, 1, 1))
    assert api_as(clerk).post("/api/v1/screening-runs/", {"region": "530100"}, format="json").status_code == 201
    return ScreeningCase.objects.get()


def test_run_list_and_deregister_over_the_api(case, clerk):
    rows = api_as(clerk).get("/api/v1/screening-cases/?criterion=missed_reports").json()
    assert [r["organization_name"] for r in rows["results"]] == ["五华区停摆协会"]
    url = f"/api/v1/screening-cases/{case.pk}/deregister/"
    bad = api_as(clerk).post(url, {"closed_on": timezone.localdate().isoformat(), "liquidation_done": False,
                                   "certificate_returned": True}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"liquidation_done", "documents"}
    done = api_as(clerk).post(url, {"closed_on": timezone.localdate().isoformat(), "liquidation_done": True,
                                    "certificate_returned": True,
                                    "documents": [SimpleUploadedFile("清算报告.pdf", b"%PDF-1.4 x")]},
                              format="multipart")
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["organization_status"]) == ("deregistered", "deregistered")
    figures = api_as(clerk).get("/api/v1/screening-cases/figures/?region=530100").json()
    assert (figures["found"], figures["deregistered"]) == (1, 1)
    assert [(r["region"], r["deregistered"]) for r in figures["by_region"]] == [("530102", 1)]


def test_an_unknown_region_and_a_future_day_answer_400(clerk):
    assert "region" in api_as(clerk).post("/api/v1/screening-runs/", {"region": "999999"}, format="json").json()
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = api_as(clerk).post("/api/v1/screening-runs/", {"region": "530100", "as_of": future}, format="json")
    assert response.status_code == 400 and "as_of" in response.json()


@pytest.mark.parametrize("case_", scope_cases(home="530102", view_roles={Role.BUREAU_STAFF, Role.PARTY_STAFF},
                                              change_roles={Role.BUREAU_STAFF}), ids=str)
def test_case_scope(case_, case):
    user = case_.user()
    response = api_as(user).get(f"/api/v1/screening-cases/{case.pk}/")
    assert (response.status_code == 200) is case_.sees
    rectify = api_as(user).post(f"/api/v1/screening-cases/{case.pk}/rectify/", {"note": "恢复活动"}, format="json")
    assert (rectify.status_code == 200) is case_.changes
    if not case_.changes:
        assert ScreeningCase.objects.get().status == "open"


def test_a_party_staff_member_cannot_start_a_run(db):
    party = make_user((Role.PARTY_STAFF, "530102"))
    assert api_as(party).post("/api/v1/screening-runs/", {"region": "530102"}, format="json").status_code == 403
