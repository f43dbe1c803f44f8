import pytest

from socorg.accounts.models import User
from socorg.accounts.roles import Role
from socorg.core.testing import api_as, make_user
from socorg.notices.models import Notice

from .conftest import in_days

pytestmark = pytest.mark.django_db


def test_staff_write_publish_and_follow_a_notice_through_the_api(sender, orgs):
    api = api_as(sender)
    bad = api.post("/api/v1/notices/", {"title": "", "body": "x", "region": "530100", "organizations": ["NOPE"]},
                   format="json")
    assert bad.status_code == 400 and "title" in bad.json()
    bad = api.post("/api/v1/notices/", {"title": "通知", "body": "x", "region": "530100",
                                        "organizations": ["91110000000000000X"]}, format="json")
    assert bad.status_code == 400 and "organizations" in bad.json()
    created = api.post("/api/v1/notices/", {"title": "报送计划", "body": "<p>请回复</p>", "region": "530100",
                                            "response_kind": "reply", "response_due_on": in_days(3).isoformat(),
                                            "organizations": [orgs["tech"].uscc]}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["completion"] is None
    published = api.post(f"/api/v1/notices/{pk}/publish/")
    assert published.status_code == 200 and published.json()["completion"]["recipients"] == 1
    account = api_as(User.objects.get(username="acct-tech"))
    inbox = account.get("/api/v1/my-notices/").json()["results"]
    assert [n["title"] for n in inbox] == ["报送计划"] and inbox[0]["read_at"] is None
    assert account.get(f"/api/v1/my-notices/{inbox[0]['id']}/").json()["read_at"] is not None
    assert account.post(f"/api/v1/my-notices/{inbox[0]['id']}/respond/", {"reply": ""}).status_code == 400
    assert account.post(f"/api/v1/my-notices/{inbox[0]['id']}/respond/", {"reply": "已收到"}).status_code == 200
    rows = api.get(f"/api/v1/notices/{pk}/receipts/").json()["results"]
    assert rows[0]["reply"] == "已收到" and rows[0]["organization"] == orgs["tech"].uscc


def test_the_api_scope_of_notices(sender, orgs):
    api_as(sender).post("/api/v1/notices/", {"title": "通知", "body": "x", "region": "530100"}, format="json")
    pk = Notice.objects.get().pk
    assert api_as(make_user((Role.BUREAU_STAFF, "110000"))).get(f"/api/v1/notices/{pk}/").status_code == 404
    assert api_as(make_user((Role.VIEWER, "530100"))).get("/api/v1/notices/").status_code == 403
    other = api_as(User.objects.get(username="acct-charity"))
    assert other.post("/api/v1/notices/", {"title": "通知", "body": "x", "region": "530100"},
                      format="json").status_code == 403
