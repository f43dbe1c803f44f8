"""The account list (/accounts/users/ — one own account per organization makes it national-scale) and the audit
log (/audit/) page by cursor once they are long: following 下一页 to the end and 上一页 back reaches every row exactly
once, in the list's order, with the filters kept; a damaged page link shows the first page and says why; a short
list keeps its page numbers."""

import datetime
import re

import pytest
from django.utils import timezone

from socorg.accounts.models import User
from socorg.accounts.roles import Role
from socorg.core.models import AuditEntry
from socorg.core.testing import DAMAGED_CURSOR, client_as, make_user, walk_by_cursor

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts():
    User.objects.bulk_create(User(username=f"acct-{n:03d}", display_name=f"测试{n % 2}") for n in range(70))


def usernames(html: str) -> list[str]:
    return re.findall(r'href="/accounts/users/\d+/">(acct-\d{3})</a>', html)


def test_the_account_list_reaches_every_account_once_by_user_name(accounts, long_lists):
    admin = client_as(make_user((Role.SYSTEM_ADMIN, "100000"), username="zz-admin"))
    forward, backward = walk_by_cursor(admin, "/accounts/users/", {"q": "acct", "page_size": 20}, usernames)
    assert [len(page) for page in forward] == [20, 20, 20, 10]
    assert sum(forward, []) == [f"acct-{n:03d}" for n in range(70)]
    assert backward == forward
    response = admin.get("/accounts/users/", {"cursor": "garbage", "page_size": 20})
    assert response.status_code == 200 and DAMAGED_CURSOR in response.content.decode()


AT = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 30))


@pytest.fixture
def audit_entries():
    """70 entries at three shared times (ties by id)."""
    AuditEntry.objects.bulk_create(AuditEntry(action="test.bulk", actor_name="x", object_repr=f"对象{n:03d}",
                                              at=AT + datetime.timedelta(minutes=n % 3)) for n in range(70))


def entries_on(html: str) -> list[str]:
    return re.findall(r"<td>(对象\d{3})</td>", html)


def test_the_audit_log_reaches_every_entry_once_newest_first(audit_entries, long_lists):
    auditor = client_as(make_user((Role.AUDIT_ADMIN, "100000")))
    forward, backward = walk_by_cursor(auditor, "/audit/", {"action": "test.bulk", "page_size": 20}, entries_on)
    assert [len(page) for page in forward] == [20, 20, 20, 10]
    assert sum(forward, []) == list(AuditEntry.objects.filter(action="test.bulk").order_by("-at", "-id")
                                    .values_list("object_repr", flat=True))
    assert backward == forward
    response = auditor.get("/audit/", {"cursor": "garbage", "page_size": 20})
    assert response.status_code == 200 and DAMAGED_CURSOR in response.content.decode()


def test_short_lists_keep_page_numbers(accounts, audit_entries):
    auditor = client_as(make_user((Role.AUDIT_ADMIN, "100000")))
    html = auditor.get("/audit/", {"action": "test.bulk", "page_size": 20, "page": 2}).content.decode()
    assert "cursor=" not in html and 'id="page-jump"' in html and "2 / 4" in html and len(entries_on(html)) == 20
