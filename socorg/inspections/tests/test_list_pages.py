"""A drawn plan's selections (/inspections/<plan>/ and its public page) page by cursor once they are many: following
下一页 to the end and 上一页 back reaches every drawn organization exactly once, in the order of the draw; a damaged
page link shows the first page and says why; a short list keeps its page numbers. The plan lists page the same way."""

import pytest

from socorg.core.testing import DAMAGED_CURSOR, client_as, make_user, walk_by_cursor
from socorg.inspections import services
from socorg.inspections.models import Selection

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(clerk, orgs, plan_values):
    """30 of the county's 40 organizations drawn."""
    plan = services.plan_create(actor=clerk, **(plan_values | {"count": 30}))
    services.plan_commit(plan=plan, actor=clerk)
    return services.plan_draw(plan=plan, public_value="2026-11-28 公开摇号 0719", actor=clerk)


def in_order_of_appearance(orgs):
    usccs = [org.uscc for org in orgs]
    return lambda html: sorted((u for u in usccs if u in html), key=html.find)


@pytest.mark.parametrize("path", ["/inspections/{pk}/", "/inspections/published/{pk}/"])
def test_next_and_previous_reach_every_drawn_organization_once_in_the_order_of_the_draw(plan, orgs, clerk,
                                                                                        long_lists, path):
    forward, backward = walk_by_cursor(client_as(clerk), path.format(pk=plan.pk), {"page_size": 20},
                                       in_order_of_appearance(orgs))
    assert [len(page) for page in forward] == [20, 10]
    assert sum(forward, []) == list(Selection.objects.filter(plan=plan).order_by("position")
                                    .values_list("uscc", flat=True))
    assert backward == forward


def test_another_county_does_not_see_the_plan(plan):
    assert client_as(make_user(("bureau_staff", "530103"))).get(f"/inspections/{plan.pk}/").status_code == 404


def test_a_damaged_page_link_shows_the_first_page_and_says_why(plan, orgs, clerk, long_lists):
    response = client_as(clerk).get(f"/inspections/{plan.pk}/", {"cursor": "garbage", "page_size": 20})
    assert response.status_code == 200
    html = response.content.decode()
    assert DAMAGED_CURSOR in html and len(in_order_of_appearance(orgs)(html)) == 20


def test_a_short_list_keeps_page_numbers_and_page_addresses_work(plan, orgs, clerk):
    html = client_as(clerk).get(f"/inspections/{plan.pk}/", {"page_size": 20, "page": 2}).content.decode()
    assert "cursor=" not in html and 'id="page-jump"' in html and "2 / 2" in html
    assert in_order_of_appearance(orgs)(html) == list(Selection.objects.filter(plan=plan).order_by("position")
                                                      .values_list("uscc", flat=True))[20:]
