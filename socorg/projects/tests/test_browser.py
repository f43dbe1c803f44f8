"""The main workflow in Chromium, zh-Hans (issue #17, Done when): the bureau issues a call with its conditions, the
organization sees its eligibility and applies, two experts score (hidden from each other until both are in), the
bureau awards and records the mid-term evaluation."""

import datetime

import pytest
from django.utils import timezone

from socorg.core.testing import make_user
from socorg.core.testing_browser import login
from socorg.party.tests.factories import make_org
from socorg.projects.models import Application, Evaluation, Project, ProjectCall, Review

pytestmark = pytest.mark.browser
PASSWORD = "Browser-Test-1!"
SCORES = ("18", "25", "20", "12", "8")


def switch_user(page, live_server, user):
    page.context.clear_cookies()
    login(page, live_server, user.username, PASSWORD)


def test_call_application_review_award_and_midterm_evaluation(page, live_server):
    today = timezone.localdate()
    org = make_org("530102", name="五华区夕阳红养老服务中心", registered_on=datetime.date(2015, 3, 1),
                   org_covered=True, work_covered=True)
    clerk = make_user(("bureau_staff", "530000"), password=PASSWORD)
    filer = make_user(("org_account", "530102"), password=PASSWORD, organization=org)
    experts = [make_user(("viewer", "530000"), password=PASSWORD) for _ in range(2)]

    # The bureau issues the call and puts two experts on the pool.
    switch_user(page, live_server, clerk)
    page.goto(f"{live_server.url}/projects/")
    page.click("text=发布项目申报")
    page.fill("input[name=name]", "2026年云南省公益创投")
    page.select_option("select[name=kind]", "venture")
    page.fill("input[name=region]", "530000")
    page.fill("input[name=budget]", "600000")
    page.fill("input[name=max_per_project]", "200000")
    page.fill("input[name=opens_on]", str(today - datetime.timedelta(days=1)))
    page.fill("input[name=closes_on]", str(today + datetime.timedelta(days=30)))
    page.check("input[name=categories][value=养老服务]")
    page.fill("input[name=registered_years]", "2")
    page.select_option("select[name=party_coverage]", "work")
    page.click("#call-form button[type=submit]")
    call = ProjectCall.objects.get()
    page.wait_for_url(f"{live_server.url}/projects/calls/{call.pk}/")
    assert "成立年限：不少于2年" in page.locator("#call-rules").inner_text()
    for user, name in zip(experts, ("张教授", "李主任"), strict=True):
        page.goto(f"{live_server.url}/projects/experts/")
        page.fill("#expert-form input[name=username]", user.username)
        page.fill("#expert-form input[name=name]", name)
        page.fill("#expert-form input[name=region]", "530000")
        page.click("#expert-form button")
        page.wait_for_url(f"{live_server.url}/projects/experts/")
    assert "李主任" in page.locator("#experts").inner_text()

    # The organization sees every condition with its reason and applies; a budget that does not add up is refused.
    switch_user(page, live_server, filer)
    page.goto(f"{live_server.url}/projects/calls/{call.pk}/")
    assert "符合全部申报条件" in page.locator("#own-eligibility").inner_text()
    assert "2015-03-01登记成立" in page.content()
    page.fill("#apply-form input[name=title]", "社区长者助餐")
    page.select_option("#apply-form select[name=category]", "养老服务")
    page.fill("#apply-form textarea[name=plan]", "为独居老人提供助餐服务")
    page.fill("#apply-form textarea[name=budget_lines]", "餐费补贴 80000\n人员费用 20000")
    page.fill("#apply-form input[name=amount_requested]", "120000")
    page.fill("#apply-form input[name=people_served]", "300")
    page.click("#apply-form button[type=submit]")
    assert "不一致" in page.content()
    assert not Application.objects.exists()
    page.fill("#apply-form input[name=amount_requested]", "100000")
    page.click("#apply-form button[type=submit]")
    application = Application.objects.get()
    page.wait_for_url(f"{live_server.url}/projects/applications/{application.pk}/")
    assert page.locator("#application-status").inner_text() == "已申报"

    # The bureau assigns both experts.
    switch_user(page, live_server, clerk)
    page.goto(f"{live_server.url}/projects/applications/{application.pk}/")
    page.check("#assign-form input[name=experts] >> nth=0")
    page.check("#assign-form input[name=experts] >> nth=1")
    page.click("#assign-form button")
    page.wait_for_url(f"{live_server.url}/projects/applications/{application.pk}/")
    assert page.locator("#application-status").inner_text() == "专家评审中"

    # Each expert scores; the first one's scores stay hidden from the second until both are in.
    for number, user in enumerate(experts):
        switch_user(page, live_server, user)
        page.goto(f"{live_server.url}/projects/applications/{application.pk}/")
        if number == 1:
            assert "暂不公开" in page.locator("#reviews").inner_text()
        for index, score in enumerate(SCORES):
            page.fill(f"#score-form input[name=score_{index}]", score)
        page.click("#score-form button")
        page.wait_for_url(f"{live_server.url}/projects/applications/{application.pk}/")
    assert Review.objects.filter(status="submitted").count() == 2
    assert "83.00" in page.locator("#average-score").inner_text()

    # The bureau awards and records the mid-term evaluation.
    switch_user(page, live_server, clerk)
    page.goto(f"{live_server.url}/projects/applications/{application.pk}/")
    page.fill("#award-form input[name=amount]", "90000")
    page.click("#award-form button")
    page.wait_for_url(f"{live_server.url}/projects/applications/{application.pk}/")
    assert page.locator("#application-status").inner_text() == "已立项"
    page.click("#project-link")
    project = Project.objects.get()
    page.wait_for_url(f"{live_server.url}/projects/{project.pk}/")
    page.select_option("#evaluation-form select[name=stage]", "midterm")
    page.fill("#evaluation-form input[name=score]", "55")
    page.select_option("#evaluation-form select[name=conclusion]", "fail")
    page.fill("#evaluation-form textarea[name=findings]", "进度滞后，台账不全")
    page.click("#evaluation-form button")
    assert "评估不合格，请填写整改要求" in page.content()
    assert not Evaluation.objects.exists()
    page.select_option("#evaluation-form select[name=conclusion]", "good")
    page.fill("#evaluation-form input[name=score]", "82.5")
    page.fill("#evaluation-form input[name=site_visit_on]", str(today))
    page.fill("#evaluation-form textarea[name=findings]", "按计划推进，实地查看服务点2个")
    page.click("#evaluation-form button")
    page.wait_for_url(f"{live_server.url}/projects/{project.pk}/")
    assert "中期评估" in page.locator("#evaluations").inner_text()
    assert page.locator(".evaluation-conclusion").inner_text() == "良好"
    evaluation = Evaluation.objects.get()
    assert (evaluation.stage, evaluation.conclusion, evaluation.site_visit_on) == ("midterm", "good", today)
