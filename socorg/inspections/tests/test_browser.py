"""双随机、一公开 in the browser (zh-Hans, Chromium): a clerk plans, commits the pool, draws with a public value,
records an inspection result with a rectification order, closes the plan; the public page shows the results and the
proof it links to verifies."""

import json

import pytest

from socorg.core.testing import make_user
from socorg.core.testing_browser import login
from socorg.inspections.models import Inspection, InspectionPlan
from socorg.inspections.verify import verify_proof

pytestmark = pytest.mark.browser
PASSWORD = "Browser-Test-1!"


def test_plan_commit_draw_inspection_result_and_publication(page, live_server, orgs):
    clerk = make_user(("bureau_staff", "530102"), password=PASSWORD)
    login(page, live_server, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/inspections/")
    page.click("text=新建抽查计划")
    page.fill("input[name=name]", "2026年度县本级社会组织双随机抽查")
    page.fill("input[name=region]", "530102")
    page.fill("input[name=count]", "1")  # 40 organizations: below the county minimum of 3 %
    page.fill("textarea[name=experts]", "张检查，县民政局\n李检查，县民政局\n王专家，云南大学")
    page.click("#plan-form button[type=submit]")
    assert "本层级每年抽查比例不得低于登记社会组织的3%" in page.content()
    assert not InspectionPlan.objects.exists()
    page.fill("input[name=count]", "2")
    page.click("#plan-form button[type=submit]")
    plan = InspectionPlan.objects.get()
    page.wait_for_url(f"{live_server.url}/inspections/{plan.pk}/")
    assert page.locator("#plan-status").inner_text() == "草稿"

    page.click("#commit-button")
    page.wait_for_url(f"{live_server.url}/inspections/{plan.pk}/")
    plan.refresh_from_db()
    assert page.locator("#pool-sha256").inner_text() == plan.pool_sha256  # the commitment, shown before the draw
    assert page.locator("#plan-status").inner_text() == "名录已锁定"
    page.fill("input[name=public_value]", "双色球2026138期 03 11 19 24 30 07")
    page.click("#draw-button")
    page.wait_for_url(f"{live_server.url}/inspections/{plan.pk}/")
    assert page.locator("#plan-status").inner_text() == "已抽取"
    assert page.locator("#public-value").inner_text() == "双色球2026138期 03 11 19 24 30 07"
    selections = list(plan.selections.order_by("position"))
    assert page.locator("#selections tbody tr").count() == 2

    for index, selection in enumerate(selections):
        page.goto(f"{live_server.url}/inspections/{plan.pk}/orgs/{selection.uscc}/")
        for code in plan.items:
            state = "problem" if index == 0 and code == "party_standalone_branch" else "conforms"
            page.check(f"input[name=item_{code}][value={state}]")
        for code in selection.inspector_codes:
            page.check(f"input[name=inspectors_present][value={code}]")
        if index == 0:
            page.select_option("select[name=result]", "rectify")
            page.fill("textarea[name=findings]", "正式党员3名，未单独建立党支部")
            page.fill("textarea[name=rectification_order]", "60日内单独建立党支部")
            page.fill("input[name=rectification_deadline]", "2099-06-30")
        else:
            page.select_option("select[name=result]", "qualified")
        page.click("#save-inspection")
        page.wait_for_url(f"{live_server.url}/inspections/{plan.pk}/orgs/{selection.uscc}/")
        assert "检查结果已保存" in page.content()
    assert page.locator("#recorded-result").inner_text().startswith("已录入的检查结果：")
    assert Inspection.objects.get(selection=selections[0]).result == "rectify"

    page.goto(f"{live_server.url}/inspections/{plan.pk}/")
    page.click("#close-button")
    page.wait_for_url(f"{live_server.url}/inspections/{plan.pk}/")
    assert page.locator("#plan-status").inner_text() == "已办结并公开"

    page.context.clear_cookies()  # the public, signed out
    page.goto(f"{live_server.url}/inspections/published/")
    page.click(f"text={plan.name}")
    page.wait_for_url(f"{live_server.url}/inspections/published/{plan.pk}/")
    results = page.locator("#public-results").inner_text()
    assert "责令整改" in results and "正式党员3名，未单独建立党支部" in results and "合格" in results
    with page.expect_download() as download:
        page.click("text=下载抽取证明（JSON）")
    proof = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert verify_proof(proof, expected_pool_sha256=plan.pool_sha256) == 2
