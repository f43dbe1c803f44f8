"""/api/v1/credit-lists/ and /api/v1/penalties/: the contract shapes, scope (404 outside, 403 seen but not
allowed), field errors with nothing saved, audit."""

import datetime

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.models import AuditEntry
from socorg.core.testing import api_as, make_user, scope_cases
from socorg.credit import services
from socorg.credit.models import CreditEntry, Penalty
from socorg.party.tests.factories import make_org

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
URL = "/api/v1/credit-lists/"


def payload(org, **kw):
    return {"uscc": org.uscc, "list": "abnormal", "reason": "unreachable", "decision_no": "五民异〔2026〕8号",
            "decided_on": "2026-09-30", "evidence": {"first_letter": "2026-06-01"}} | kw


def test_listing_answers_the_entry_with_its_due_day(org, clerk):
    response = api_as(clerk).post(URL, payload(org), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["uscc"] == org.uscc and data["list"] == "abnormal" and data["reason"] == "unreachable"
    assert data["decision_no"] == "五民异〔2026〕8号" and data["decided_on"] == "2026-09-30"
    assert data["entry_due_on"] == "2026-10-13" and data["entered_late"] is True and data["active"] is True
    assert data["evidence"] == {"first_letter": "2026-06-01"}
    assert "活动异常名录" in data["list_label"] and data["reason_label"] == "通过登记的住所无法取得联系"


def test_a_listing_without_number_or_date_or_with_an_unknown_reason_is_refused(org, clerk):
    response = api_as(clerk).post(URL, payload(org, decision_no="", decided_on=None, reason="nope"), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"decision_no", "decided_on", "reason"}
    assert "决定书文号" in response.json()["decision_no"][0]
    future = (TODAY + datetime.timedelta(days=3)).isoformat()
    response = api_as(clerk).post(URL, payload(org, decided_on=future), format="json")
    assert response.status_code == 400 and set(response.json()) == {"decided_on"}
    response = api_as(clerk).post(URL, payload(org, decided_on="2026-13-01"), format="json")
    assert response.status_code == 400 and set(response.json()) == {"decided_on"}
    assert not CreditEntry.objects.exists()


def test_out_of_scope_or_unknown_organization_is_404_and_readers_get_403(org):
    outsider = make_user((Role.BUREAU_STAFF, "110000"))
    assert api_as(outsider).post(URL, payload(org), format="json").status_code == 404
    assert api_as(outsider).post(URL, payload(org, uscc="51530102MJ00000000"), format="json").status_code == 404
    assert api_as(outsider).post(URL, payload(org, uscc="123"), format="json").status_code == 400
    party = make_user((Role.PARTY_STAFF, "530102"))
    assert api_as(party).post(URL, payload(org), format="json").status_code == 403
    assert not CreditEntry.objects.exists()


def test_list_filters_by_list_active_and_region(org, clerk):
    other = make_org("530102")
    services.entry_create(org=org, list="abnormal", reason="unreachable", decision_no="A", decided_on=TODAY,
                          actor=clerk)
    removed = services.entry_create(org=other, list="serious", reason="major_fine", decision_no="B",
                                    decided_on=datetime.date(2020, 1, 2), actor=clerk)
    services.expire(as_of=TODAY)
    client = api_as(clerk)
    assert [e["uscc"] for e in client.get(URL, {"list": "abnormal"}).json()["results"]] == [org.uscc]
    assert [e["id"] for e in client.get(URL, {"active": "false"}).json()["results"]] == [removed.pk]
    assert len(client.get(URL, {"active": "true", "region": "530100"}).json()["results"]) == 1
    assert client.get(URL, {"region": "110000"}).json()["results"] == []
    assert client.get(URL, {"list": "grey"}).status_code == 400
    assert client.get(URL, {"region": "abc"}).status_code == 400


@pytest.mark.parametrize("case", scope_cases(home="530102"), ids=str)
def test_list_and_detail_scope(case, org, clerk):
    entry = services.entry_create(org=org, list="abnormal", reason="unreachable", decision_no="A", decided_on=TODAY,
                                  actor=clerk)
    user = case.user()
    client = api_as(user)
    ids = [e["id"] for e in client.get(URL).json().get("results", [])]
    assert (entry.pk in ids) == case.sees
    # Outside the scope: 404; without the capability anywhere (administrators, no role): 403.
    expected = 200 if case.sees else (404 if user.has_capability("credit.view") else 403)
    assert client.get(f"{URL}{entry.pk}/").status_code == expected


def test_removal_through_the_api(org, clerk):
    entry = services.entry_create(org=org, list="serious", reason="major_fine", decision_no="A",
                                  decided_on=datetime.date(2023, 1, 10), actor=clerk)
    client = api_as(clerk)
    response = client.post(f"{URL}{entry.pk}/remove/", {"reason": "已缴纳", "decided_on": TODAY.isoformat()},
                           format="json")
    assert response.status_code == 400 and "2028-01-10" in response.json()["decided_on"][0]
    response = client.post(f"{URL}{entry.pk}/remove/", {"reason": "", "decided_on": None}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"reason", "decided_on"}
    minor = services.entry_create(org=org, list="abnormal", reason="unreachable", decision_no="B",
                                  decided_on=datetime.date(2026, 6, 1), actor=clerk)
    services.letter_answered(letter=services.letter_record(org=org, sent_on=datetime.date(2026, 7, 1),
                                                           tracking_no="EMS9", actor=clerk),
                             answered_on=datetime.date(2026, 7, 2), actor=clerk)
    response = client.post(f"{URL}{minor.pk}/remove/", {"reason": "已恢复联系", "decided_on": TODAY.isoformat()},
                           format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["active"] is False and data["removal_kind"] == "fulfilled" and data["removed_on"] == TODAY.isoformat()
    outsider = make_user((Role.BUREAU_STAFF, "110000"))
    assert api_as(outsider).post(f"{URL}{entry.pk}/remove/", {"reason": "x", "decided_on": TODAY.isoformat()},
                                 format="json").status_code == 404
    viewer = make_user((Role.VIEWER, "530102"))
    assert api_as(viewer).post(f"{URL}{entry.pk}/remove/", {"reason": "x", "decided_on": TODAY.isoformat()},
                               format="json").status_code == 403
    assert AuditEntry.objects.filter(action="credit.entry.remove", object_id=str(minor.pk)).exists()


def test_penalties_api_records_and_validates(org, clerk):
    client = api_as(clerk)
    body = {"uscc": org.uscc, "kind": "fine", "amount": None, "decision_no": "五民罚〔2026〕2号",
            "decided_on": "2026-08-01", "facts": "未按规定换届", "legal_basis": "《社会团体登记管理条例》第三十条",
            "issuing_authority": "五华区民政局"}
    response = client.post("/api/v1/penalties/", body, format="json")
    assert response.status_code == 400 and set(response.json()) == {"amount"}
    response = client.post("/api/v1/penalties/", body | {"amount": "-3"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"amount"}
    assert not Penalty.objects.exists()
    response = client.post("/api/v1/penalties/", body | {"amount": "20000"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["kind_label"] == "罚款" and response.json()["amount"] == "20000.00"
    assert [p["id"] for p in client.get("/api/v1/penalties/", {"kind": "fine"}).json()["results"]] == \
        [response.json()["id"]]
