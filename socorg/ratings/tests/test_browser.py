"""The star-rating cycle in the browser (zh-Hans, Chromium): the branch's account self-assesses (a missing reason is
refused beside its field), the committee reviews with an adjustment, another member approves and publishes."""

import pytest

from socorg.core.testing import make_user
from socorg.core.testing_browser import login
from socorg.ratings import services
from socorg.ratings.models import Rating

from .conftest import CYCLE

pytestmark = pytest.mark.browser
PASSWORD = "Browser-Test-1!"


def switch_user(page, live_server, user):
    page.context.clear_cookies()
    login(page, live_server, user.username, PASSWORD)


def test_self_assessment_review_and_publication(page, live_server, model):
    services.rate_cycle(cycle=CYCLE, region_prefix="530102")
    branch = model["branch"]
    account = make_user(("org_account", "530102"), password=PASSWORD, organization=model["org"])
    reviewer = make_user(("party_staff", "530102"), password=PASSWORD)
    approver = make_user(("party_staff", "530100"), password=PASSWORD)
    rating_url = f"{live_server.url}/ratings/{branch.pk}/{CYCLE}/"

    switch_user(page, live_server, account)
    page.goto(rating_url)
    assert page.locator("#rating-status").inner_text() == "已计算"
    assert "每季度召开支部党员大会" in page.content() and "4 个周期（季度）中 4 个达标" in page.content()
    page.fill("input[name=points_governance_role]", "4")
    page.fill("textarea[name=reason_governance_role]", "书记列席理事会")
    page.fill("input[name=points_highlights]", "5")
    page.fill("input[name=points_service]", "5")
    page.fill("textarea[name=reason_service]", "服务会员企业120家")
    page.click("#submit-self-assessment")
    assert "请说明给分理由。" in page.locator("#criteria").inner_text()
    assert Rating.objects.get(party_org=branch).status == "computed"
    page.fill("textarea[name=reason_highlights]", "“红色科普”品牌")
    page.fill("textarea[name=evidence_highlights]", "活动照片12张")
    page.click("#submit-self-assessment")
    page.wait_for_url(rating_url)
    assert page.locator("#rating-status").inner_text() == "已自评"

    switch_user(page, live_server, reviewer)
    page.goto(f"{live_server.url}/ratings/?cycle={CYCLE}")
    page.click(f"text={branch.name}")
    page.wait_for_url(rating_url)
    page.fill("input[name=points_service]", "3")
    page.click("#submit-review")
    assert "请说明调整分数的理由。" in page.content()
    page.fill("input[name=reason_service]", "服务台账不全")
    page.fill("textarea[name=comment]", "材料属实，同意评定")
    page.click("#submit-review")
    page.wait_for_url(rating_url)
    assert page.locator("#rating-status").inner_text() == "已审核"
    assert "党委审核： 3.0 · 服务台账不全" in page.locator("#criteria").inner_text()
    assert page.locator("#approve-form").count() == 1
    page.click("#approve-form button")
    page.wait_for_url(rating_url)
    assert "审核人不能同时审批" in page.content()

    switch_user(page, live_server, approver)
    page.goto(rating_url)
    page.click("#approve-form button")
    page.wait_for_url(rating_url)
    assert page.locator("#rating-status").inner_text() == "已审批"
    page.click("#publish-form button")
    page.wait_for_url(rating_url)
    assert page.locator("#rating-status").inner_text() == "已公布"
    assert "5星" in page.locator("#rating-stars").inner_text()
    rating = Rating.objects.get(party_org=branch)
    assert (rating.status, float(rating.total_points), rating.stars) == ("published", 98.0, 5)


def test_a_national_manager_saves_a_new_scorecard_version_in_the_browser(page, live_server, db):
    from socorg.ratings.models import Scorecard
    from socorg.ratings.queries import scorecard_for

    shipped = scorecard_for("star", CYCLE)
    manager = make_user(("party_staff", "100000"), password=PASSWORD)
    login(page, live_server, manager.username, PASSWORD)
    page.goto(f"{live_server.url}/ratings/scorecards/")
    page.locator("#scorecards tr", has_text="全国基本要求（默认）").locator("text=以此为基础制定新版本").click()
    page.wait_for_url(f"{live_server.url}/ratings/scorecards/{shipped.pk}/new-version/")
    assert "每季度召开支部党员大会" in page.content()
    page.fill("input[name=first_cycle]", str(CYCLE + 2))
    page.fill("input[name=name]", "云南省党组织评星标准")
    lecture = page.locator("#criteria tr", has_text="每季度上党课")
    lecture.locator("input[name$=-points]").fill("6")
    page.click("#scorecard-form button.btn-primary")
    assert "各项合计42分，与该部分的40分不符" in page.locator("#sections").inner_text()
    assert Scorecard.objects.filter(first_cycle=CYCLE + 2).count() == 0
    lecture = page.locator("#criteria tr", has_text="每季度上党课")
    lecture.locator("input[name$=-points]").fill("2")
    added = page.locator("#criteria tbody tr").last
    added.locator("select[name$=-section]").select_option(label="组织生活（三会一课）")
    added.locator("input[name$=-label]").fill("党员志愿服务")
    added.locator("select[name$=-kind]").select_option("judged")
    added.locator("input[name$=-points]").fill("2")
    page.click("#scorecard-form button.btn-primary")
    page.wait_for_url(f"{live_server.url}/ratings/scorecards/")
    assert f"自 {CYCLE + 2} 年起适用" in page.content()
    saved = Scorecard.objects.get(first_cycle=CYCLE + 2)
    labels = [c.get("label") for s in saved.definition["sections"] for c in s["criteria"]]
    assert "党员志愿服务" in labels and saved.name == "云南省党组织评星标准"
    page.goto(f"{live_server.url}/ratings/scorecards/{saved.pk}/new-version/")
    assert "党员志愿服务" in page.locator("#criteria").inner_html()
