"""Concurrent writers: the same record twice in parallel → 400, never a duplicate or a 500; stale copies refused
(API: ETag / If-Match → 412; UI: a version in the edit form → a clear message) and nothing overwritten."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from rest_framework.test import APIClient

from socorg.accounts.roles import Role
from socorg.activities import services as activity_services
from socorg.activities.models import Activity
from socorg.core.concurrency import version_of
from socorg.core.testing import api_as, client_as, make_user
from socorg.party.models import PartyOrganization
from socorg.party.services import party_orgs

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 5, 10)


@pytest.fixture
def branch():
    return PartyOrganization.objects.create(name="五华区测试协会党支部", kind="branch", formation="standalone",
                                            region_id="530102", founded_on=datetime.date(2020, 1, 1))


@pytest.fixture
def staff():
    return make_user((Role.PARTY_STAFF, "530102"))


def record(branch, actor, **overrides) -> Activity:
    values = {"party_org": branch, "type": "member_assembly", "date": DAY, "topic": "学习党章",
              "expected_attendance": 10, "actual_attendance": 9} | overrides
    return activity_services.activity_create(actor=actor, **values)


# -- the natural key and unique names hold when the "does it exist yet?" check is passed by both requests ----------

def test_an_activity_stored_by_a_parallel_request_is_refused_by_the_database(branch, staff, monkeypatch):
    record(branch, staff)
    # The parallel request passed its duplicate check before the first one committed:
    monkeypatch.setattr(activity_services, "_is_duplicate", lambda values, instance, calls=[]: calls.append(1) or
                        len(calls) > 1)
    with pytest.raises(ValidationError) as refused:
        record(branch, staff)
    assert "已有" in refused.value.message_dict["topic"][0]
    assert Activity.objects.count() == 1


def test_a_party_organization_name_taken_by_a_parallel_request_is_a_validation_error(staff, monkeypatch):
    party_orgs.party_org_create(name="甲协会党支部", kind="branch", formation="area", is_functional=True,
                                region="530102", actor=staff)
    check = party_orgs._check_basics
    monkeypatch.setattr(party_orgs, "_check_basics",  # the name was still free when the parallel request checked it
                        lambda errors, values, instance: check(errors, {**values, "name": "未占用的名称"}, instance))
    with pytest.raises(ValidationError) as refused:
        party_orgs.party_org_create(name="甲协会党支部", kind="branch", formation="area", is_functional=True,
                                    region="530102", actor=staff)
    assert "甲协会党支部" in refused.value.message_dict["name"][0]
    assert PartyOrganization.objects.filter(name="甲协会党支部").count() == 1


# -- ETag / If-Match on API updates ------------------------------------------------------------------------------

def test_api_detail_carries_an_etag_that_changes_with_the_record(branch, staff):
    activity = record(branch, staff)
    client = api_as(staff)
    first = client.get(f"/api/v1/activities/{activity.pk}/")["ETag"]
    response = client.patch(f"/api/v1/activities/{activity.pk}/", {"topic": "学习党史"}, format="json",
                            HTTP_IF_MATCH=first)
    assert response.status_code == 200, response.content
    assert response["ETag"] != first and response["ETag"] == client.get(f"/api/v1/activities/{activity.pk}/")["ETag"]


def test_api_update_from_a_stale_copy_answers_412_and_changes_nothing(branch, staff):
    activity = record(branch, staff)
    client = api_as(staff)
    stale = client.get(f"/api/v1/activities/{activity.pk}/")["ETag"]
    assert client.patch(f"/api/v1/activities/{activity.pk}/", {"topic": "学习党史"}, format="json",
                        HTTP_IF_MATCH=stale).status_code == 200
    response = client.patch(f"/api/v1/activities/{activity.pk}/", {"topic": "覆盖别人的修改"}, format="json",
                            HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert "ETag" in response.json()["detail"]
    activity.refresh_from_db()
    assert activity.topic == "学习党史"


@pytest.mark.parametrize("path", ["party-orgs", "orgs"])
def test_every_updatable_api_object_honours_if_match(path, staff):
    bureau = make_user((Role.BUREAU_STAFF, "530102"), (Role.PARTY_STAFF, "530102"))
    if path == "party-orgs":
        functional = party_orgs.party_org_create(name="乙功能型党支部", kind="branch", formation="area",
                                                 is_functional=True, region="530102", actor=staff)
        url, change = f"/api/v1/party-orgs/{functional.pk}/", {"secretary_name": "新书记"}
    else:
        from socorg.party.tests.factories import make_org

        org = make_org("530102")
        url, change = f"/api/v1/orgs/{org.uscc}/", {"phone": "0871-64100000"}
    client = api_as(bureau)
    assert client.get(url)["ETag"]
    assert client.patch(url, change, format="json", HTTP_IF_MATCH='"0000"').status_code == 412
    assert client.patch(url, change, format="json", HTTP_IF_MATCH=client.get(url)["ETag"]).status_code == 200


# -- the version check of UI edit forms --------------------------------------------------------------------------

def test_ui_edit_from_a_stale_copy_is_refused_with_a_clear_message(branch, staff):
    activity = record(branch, staff)
    client = client_as(staff)
    page = client.get(f"/activities/{activity.pk}/edit/").content.decode()
    opened = version_of(activity)
    assert f'name="version" value="{opened}"' in page
    activity_services.activity_update(activity=activity, actor=staff, topic="学习党史")  # someone else, meanwhile
    form = {"party_org": branch.pk, "type": "member_assembly", "date": "2025-05-10", "topic": "我的修改",
            "expected_attendance": 10, "actual_attendance": 9, "notes": "", "version": opened}
    response = client.post(f"/activities/{activity.pk}/edit/", form)
    assert response.status_code == 200
    assert "其他人" in response.content.decode()
    activity.refresh_from_db()
    assert activity.topic == "学习党史"
    form["version"] = version_of(activity)  # reopened: saved
    assert client.post(f"/activities/{activity.pk}/edit/", form).status_code == 302
    activity.refresh_from_db()
    assert activity.topic == "我的修改"


# -- real parallelism (PostgreSQL: writers really run at the same time) ------------------------------------------

def _in_parallel(count: int, request) -> list[int]:
    barrier, statuses, lock = threading.Barrier(count), [], threading.Lock()

    def work():
        try:
            barrier.wait()
            status = request().status_code
            with lock:
                statuses.append(status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_requests_store_one_activity(branch, staff):
    body = {"party_org": branch.pk, "type": "member_assembly", "date": "2025-05-10", "topic": "学习党章"}
    statuses = _in_parallel(20, lambda: _api(staff).post("/api/v1/activities/", body, format="json"))
    assert statuses == [201] + [400] * 19
    assert Activity.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_party_organizations_with_one_name_give_one_201_and_400s(staff):
    body = {"name": "并发测试党支部", "kind": "branch", "formation": "area", "is_functional": True, "region": "530102"}
    statuses = _in_parallel(10, lambda: _api(staff).post("/api/v1/party-orgs/", body, format="json"))
    assert statuses == [201] + [400] * 9
    assert PartyOrganization.objects.filter(name="并发测试党支部").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_updates_from_one_copy_let_exactly_one_through(branch, staff):
    activity = record(branch, staff)
    etag = _api(staff).get(f"/api/v1/activities/{activity.pk}/")["ETag"]
    counter = iter(range(100))
    statuses = _in_parallel(8, lambda: _api(staff).patch(f"/api/v1/activities/{activity.pk}/",
                                                         {"topic": f"修改{next(counter)}"}, format="json",
                                                         HTTP_IF_MATCH=etag))
    assert statuses == [200] + [412] * 7
