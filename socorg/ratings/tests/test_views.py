"""The ratings pages: figures by region and stars with the party organizations behind each number, Excel, the
rating page's forms (errors beside the fields, nothing saved), evaluation grades and eligibility."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from socorg.accounts.roles import Role
from socorg.core.testing import client_as, make_user
from socorg.ratings import services
from socorg.ratings.models import EvaluationGrade, Rating

from .conftest import CYCLE, submitted_report
from .test_services import CLAIMS, own_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(model, weak):
    services.rate_cycle(cycle=CYCLE, region_prefix="530102")
    return {"model": model, "weak": weak}


def test_the_figures_count_stars_by_region_and_link_the_branches_behind_them(rated):
    client = client_as(make_user((Role.VIEWER, "530000")))
    page = client.get("/ratings/", {"cycle": CYCLE, "region": "530000"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "昆明市" in html and f"?cycle={CYCLE}&region=530100&stars=4" in html
    behind = client.get("/ratings/", {"cycle": CYCLE, "region": "530100", "stars": "4"}).content.decode()
    assert "五华区模范科技协会党支部" in behind and "五华区薄弱商会联合党支部" not in behind
    drill = client.get("/ratings/", {"cycle": CYCLE, "region": "530100"}).content.decode()
    assert "五华区" in drill


def test_the_excel_holds_the_figures_and_the_ratings(rated):
    response = client_as(make_user((Role.VIEWER, "530000"))).get("/ratings/", {"cycle": CYCLE, "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    figures, ratings = book.worksheets
    assert figures["B3"].value == 2 and figures["C2"].value == "5星"
    names = {row[0] for row in ratings.iter_rows(min_row=2, values_only=True)}
    assert names == {"五华区模范科技协会党支部", "五华区薄弱商会联合党支部"}


def test_the_rating_page_shows_evidence_in_chinese_and_no_codes(rated):
    html = client_as(make_user((Role.VIEWER, "530102"))).get(
        f"/ratings/{rated['weak']['branch'].pk}/{CYCLE}/").content.decode()
    assert "年末无未处理或逾期的预警" in html and "1 个未处理、1 个逾期" in html
    assert "存在未处理的高风险预警" in html
    assert "no_open_alerts" not in html and "open_high_alert" not in html


def test_a_self_assessment_without_reason_shows_the_error_beside_the_field_and_saves_nothing(rated):
    branch = rated["model"]["branch"]
    client = client_as(own_account(rated["model"]["org"]))
    data = {f"points_{c}": v["points"] for c, v in CLAIMS.items()} | {
        f"reason_{c}": v["reason"] for c, v in CLAIMS.items()}
    data["reason_highlights"] = ""
    response = client.post(f"/ratings/{branch.pk}/{CYCLE}/self-assessment/", data)
    assert response.status_code == 400
    assert "请说明给分理由。" in response.content.decode()
    assert Rating.objects.get(party_org=branch).status == "computed"
    data["reason_highlights"] = "品牌活动"
    response = client.post(f"/ratings/{branch.pk}/{CYCLE}/self-assessment/", data)
    assert response.status_code == 302
    assert Rating.objects.get(party_org=branch).status == "self_assessed"


def test_the_committee_reviews_returns_and_cannot_reach_other_regions(rated):
    branch = rated["model"]["branch"]
    rating = Rating.objects.get(party_org=branch)
    services.rating_self_assess(rating=rating, actor=own_account(rated["model"]["org"]), items=CLAIMS)
    outsider = client_as(make_user((Role.PARTY_STAFF, "110000")))
    assert outsider.post(f"/ratings/{branch.pk}/{CYCLE}/review/", {"comment": "x"}).status_code == 404
    committee = client_as(make_user((Role.PARTY_STAFF, "530102")))
    response = committee.post(f"/ratings/{branch.pk}/{CYCLE}/review/", {"comment": "", "points_highlights": "3"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请说明调整分数的理由。" in html and "请填写审核意见。" in html
    response = committee.post(f"/ratings/{branch.pk}/{CYCLE}/review/", {"comment": "证据不足", "decision": "return"})
    assert response.status_code == 302
    assert Rating.objects.get(party_org=branch).status == "computed"


def test_the_eligibility_page_lists_the_reasons_and_refuses_a_bad_grade(model):
    submitted_report(model["org"], timezone.localdate().year - 1, timezone.now())
    client = client_as(make_user((Role.BUREAU_STAFF, "530102")))
    page = client.get(f"/ratings/evaluations/{model['org'].uscc}/")
    html = page.content.decode()
    assert "登记满两年" in html and "近一年内未受行政处罚" in html
    response = client.post(f"/ratings/evaluations/{model['org'].uscc}/", {
        "grade": "5A", "valid_from": timezone.localdate().isoformat(), "valid_to": "2000-01-01",
        "decision_number": "五民评〔2026〕9号"})
    assert response.status_code == 400 and "有效期止早于有效期起" in response.content.decode()
    assert EvaluationGrade.objects.count() == 0
    response = client.post(f"/ratings/evaluations/{model['org'].uscc}/", {
        "grade": "5A", "valid_from": timezone.localdate().isoformat(), "decision_number": "五民评〔2026〕9号"})
    assert response.status_code == 302 and EvaluationGrade.objects.get().grade == "5A"
    grades = client.get("/ratings/evaluations/").content.decode()
    assert "五华区模范科技协会" in grades


def test_the_home_page_shows_the_ratings_cards_and_todos(rated):
    account = own_account(rated["model"]["org"])
    html = client_as(account).get("/").content.decode()
    assert "待自评的星级评定" in html
    rating = Rating.objects.get(party_org=rated["model"]["branch"])
    services.rating_self_assess(rating=rating, actor=account, items=CLAIMS)
    html = client_as(make_user((Role.PARTY_STAFF, "530102"))).get("/").content.decode()
    assert "待审核的自评" in html and "即将到期的评估等级" in html


def test_the_evaluation_round_lists_each_organization_with_the_reasons_it_fails(model, weak):
    submitted_report(model["org"], timezone.localdate().year - 1, timezone.now())
    html = client_as(make_user((Role.BUREAU_STAFF, "530102"))).get("/ratings/evaluations/round/",
                                                                   {"region": "530102"}).content.decode()
    assert "五华区模范科技协会" in html and "五华区薄弱商会" in html
    assert html.count("符合参评条件") >= 1 and "年度工作报告未提交" in html
