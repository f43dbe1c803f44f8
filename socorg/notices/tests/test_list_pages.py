"""A notice's completion table (/notices/<pk>/) pages by cursor once it is long — a notice to a whole province has
hundreds of thousands of recipients: following 下一页 to the end and 上一页 back reaches every receipt exactly once,
read ones first (by time read), then the unread ones (ties by id); only staff of the notice's region see it; a
damaged page link shows the first page and says why; a short table keeps its page numbers."""

import datetime
import re

import pytest
from django.db.models import F
from django.utils import timezone

from socorg.accounts.models import User
from socorg.core.testing import DAMAGED_CURSOR, client_as, make_user, walk_by_cursor
from socorg.notices import services
from socorg.notices.models import NoticeReceipt

from .conftest import draft

pytestmark = pytest.mark.django_db

READ = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 30))


@pytest.fixture
def notice(sender, orgs):
    """A published notice with 90 receipts: 40 read at two shared times, 50 unread."""
    notice = services.notice_publish(notice=draft(sender), actor=sender)
    NoticeReceipt.objects.filter(notice=notice).delete()
    users = User.objects.bulk_create(User(username=f"recv-{n:03d}") for n in range(90))
    NoticeReceipt.objects.bulk_create(
        NoticeReceipt(notice=notice, recipient=user,
                      read_at=READ + datetime.timedelta(hours=n % 2) if n % 9 < 4 else None)
        for n, user in enumerate(users))
    return notice


def rows_of(html: str) -> list[str]:
    return re.findall(r"<tr><td>(recv-\d{3})</td>", html)


def expected(notice) -> list[str]:
    return list(NoticeReceipt.objects.filter(notice=notice).order_by(F("read_at").asc(nulls_last=True), "id")
                .values_list("recipient__username", flat=True))


def test_next_and_previous_reach_every_receipt_once_read_first_then_unread(notice, sender, long_lists):
    forward, backward = walk_by_cursor(client_as(sender), f"/notices/{notice.pk}/", {"page_size": 20}, rows_of)
    assert [len(page) for page in forward] == [20, 20, 20, 20, 10]
    assert sum(forward, []) == expected(notice)
    assert backward == forward


def test_staff_of_another_region_do_not_see_the_table(notice):
    assert client_as(make_user(("bureau_staff", "510000"))).get(f"/notices/{notice.pk}/").status_code == 404


def test_a_damaged_page_link_shows_the_first_page_and_says_why(notice, sender, long_lists):
    response = client_as(sender).get(f"/notices/{notice.pk}/", {"cursor": "garbage", "page_size": 20})
    assert response.status_code == 200
    html = response.content.decode()
    assert DAMAGED_CURSOR in html and rows_of(html) == expected(notice)[:20]


def test_a_short_table_keeps_page_numbers_and_page_addresses_work(notice, sender):
    html = client_as(sender).get(f"/notices/{notice.pk}/", {"page_size": 20, "page": 2}).content.decode()
    assert "cursor=" not in html and 'id="page-jump"' in html and "2 / 5" in html
    assert rows_of(html) == expected(notice)[20:40]
