"""The audit page: only the audit administrator reads it; filters and pagination work; nothing can change entries."""

import pytest
from django.conf import settings
from django.urls import get_resolver

from socorg.core.audit import SYSTEM, audit_write
from socorg.core.models import AuditEntry
from socorg.core.testing import client_as, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor():
    return make_user(("audit_admin", "100000"), username="auditor1")


@pytest.fixture
def entries():
    actor = make_user(("bureau_staff", "530000"), username="kmstaff")
    audit_write(action="registry.org.create", actor=actor, object_type="registry.socialorganization", object_id="1",
                object_repr="昆明市某协会", after={"name": "昆明市某协会"})
    audit_write(action="registry.org.update", actor=actor, object_type="registry.socialorganization", object_id="1",
                object_repr="昆明市某协会", before={"name": "a"}, after={"name": "b"})
    audit_write(action="accounts.grant.add", actor=SYSTEM, object_type="accounts.user", object_id="9")
    return actor


# The page names actions in words, never by their codes (core.audit_labels).
SHOWN_AS = {"registry.org.create": "社会组织登记", "registry.org.update": "修改社会组织信息",
            "accounts.grant.add": "授予角色"}


def rows(response) -> str:
    html = response.content.decode()
    table = html[html.index("<tbody>"):]
    assert not any(code in table for code in SHOWN_AS), "an action code is shown"
    return table


@pytest.mark.parametrize(("role", "status"), [
    ("audit_admin", 200), ("system_admin", 403), ("security_admin", 403), ("bureau_staff", 403), ("viewer", 403),
])
def test_only_the_audit_admin_reads_the_audit_log(role, status):
    assert client_as(make_user((role, "100000"))).get("/audit/").status_code == status


def test_anonymous_is_sent_to_login():
    assert client_as(None).get("/audit/").status_code == 302


def test_audit_page_lists_entries_newest_first(auditor, entries):
    html = rows(client_as(auditor).get("/audit/"))
    assert html.index(SHOWN_AS["registry.org.update"]) < html.index(SHOWN_AS["registry.org.create"])
    assert "审计记录只能追加" in client_as(auditor).get("/audit/").content.decode()
    assert "系统" in html  # the SYSTEM actor in words


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("action=registry.", ["registry.org.create", "registry.org.update"], ["accounts.grant.add"]),
    ("action=accounts.grant", ["accounts.grant.add"], ["registry.org.create"]),
    ("actor_name=kmstaff", ["registry.org.create"], ["accounts.grant.add"]),
    ("object_type=accounts.user&object_id=9", ["accounts.grant.add"], ["registry.org.update"]),
])
def test_audit_filters(query, shown, hidden, auditor, entries):
    html = rows(client_as(auditor).get(f"/audit/?{query}"))
    assert all(SHOWN_AS[action] in html for action in shown)
    assert not any(SHOWN_AS[action] in html for action in hidden)


def test_audit_date_filter(auditor, entries):
    today = AuditEntry.objects.first().at.astimezone().date().isoformat()
    assert SHOWN_AS["registry.org.create"] in rows(client_as(auditor).get(f"/audit/?at_from={today}&at_to={today}"))
    assert "没有符合条件的记录" in rows(client_as(auditor).get("/audit/?at_to=2000-01-01"))


def test_audit_page_paginates_with_filters_kept(auditor):
    AuditEntry.objects.bulk_create([AuditEntry(action="test.bulk", actor_name="x", object_id=str(n))
                                    for n in range(120)])
    html = rows(client_as(auditor).get("/audit/?action=test."))
    assert "1 / 3" in html and "共 120 条记录" in html and "action=test.&amp;page=2" in html
    assert "3 / 3" in rows(client_as(auditor).get("/audit/?action=test.&page=3"))


def test_audit_page_query_count_is_constant(auditor, entries, django_assert_max_num_queries):
    client = client_as(auditor)
    client.get("/audit/")
    with django_assert_max_num_queries(8):
        client.get("/audit/")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_audit_page_refuses_writes(method, auditor, entries):
    response = getattr(client_as(auditor), method)("/audit/")
    assert response.status_code == 405
    assert AuditEntry.objects.filter(action__startswith="registry.").count() == 2


def test_no_route_edits_or_deletes_audit_entries():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route

    audit_routes = [r for r in walk(get_resolver().url_patterns) if "audit" in r.lower()]
    assert audit_routes == ["audit/"]
    assert "django.contrib.admin" not in settings.INSTALLED_APPS


def test_reading_the_audit_log_is_not_itself_audited(auditor, entries):
    client = client_as(auditor)
    count = AuditEntry.objects.count()
    client.get("/audit/")
    assert AuditEntry.objects.count() == count
