"""The public site: anonymous access to every page and answer, public fields only, bad input, limits, caching,
robots, the complaint form and its status page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver

from socorg.core.testing import client_as

from .conftest import ID_NUMBER, MEMBER_NAME, MEMBER_PHONE, PHONE

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def public_urls(org) -> list[str]:
    """Every GET URL of the public site and its API, with real arguments."""
    from socorg.inspections.models import InspectionPlan

    plan = InspectionPlan.objects.first()
    pages = ["/public/", "/public/orgs/?q=科技", f"/public/orgs/?q={org.uscc}", "/public/orgs/?q=whqkj",
             f"/public/orgs/{org.uscc}/", "/public/credit-lists/", "/public/credit-lists/?q=五华",
             "/public/inspection-plans/", "/public/grades/", "/public/projects/", "/public/complaints/",
             "/public/complaints/status/", "/robots.txt"]
    api = ["/api/v1/public/orgs/?q=科技", f"/api/v1/public/orgs/{org.uscc}/", "/api/v1/public/credit-lists/",
           "/api/v1/public/inspection-plans/", "/api/v1/public/grades/", "/api/v1/public/projects/",
           "/api/v1/public/project-calls/", "/api/v1/public/figures/"]
    if plan is not None:
        pages += [f"/public/inspection-plans/{plan.pk}/"]
        api += [f"/api/v1/public/inspection-plans/{plan.pk}/"]
    return pages + api


def test_every_public_route_is_in_the_walk_below():
    """A public URL added later must be added to public_urls(): every route under public/ is named here."""
    routes = set()
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) == "public/":
            routes |= {str(p.pattern) for p in pattern.url_patterns}
    assert routes == {"", "orgs/", "orgs/<str:uscc>/", "credit-lists/", "inspection-plans/",
                      "inspection-plans/<int:pk>/", "inspection-plans/<int:pk>/proof.json", "grades/", "projects/",
                      "complaints/", "complaints/status/"}


def test_no_public_page_or_answer_shows_a_phone_an_id_number_or_a_member(world):
    client = Client()
    seen = 0
    for url in public_urls(world["org"]):
        response = client.get(url, **ZH)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in (PHONE, MEMBER_PHONE, ID_NUMBER, ID_NUMBER[:14], MEMBER_NAME, "fernet:"):
            assert secret not in body, f"{secret} appears on {url}"
        assert "张法人" not in body, url  # the legal representative only where the deployment publishes it
        seen += 1
    assert seen >= 20
    detail = client.get(f"/public/orgs/{world['org'].uscc}/", **ZH).content.decode()
    assert "五华区科技创新协会" in detail and "4A" in detail and "昆民异〔2026〕3号" in detail


def test_the_legal_representative_is_shown_where_the_deployment_publishes_it(world, settings):
    settings.SOCORG_PUBLIC_LEGAL_REPRESENTATIVE = True
    answer = Client().get(f"/api/v1/public/orgs/{world['org'].uscc}/").json()
    assert answer["legal_representative"] == "张法人"
    assert PHONE not in str(answer)


def test_the_api_gives_the_public_record(world):
    answer = Client().get(f"/api/v1/public/orgs/{world['org'].uscc.lower()}/").json()
    assert answer["name"] == "五华区科技创新协会" and answer["evaluation_grade"]["grade"] == "4A"
    assert answer["credit_lists"][0]["decision_no"] == "昆民异〔2026〕3号"
    assert answer["legal_representative"] is None and "phone" not in answer
    found = Client().get("/api/v1/public/orgs/?q=whqkj").json()
    assert [r["uscc"] for r in found["results"]] == [world["org"].uscc]


def test_unknown_credit_codes_answer_404_in_chinese(world):
    page = Client().get("/public/orgs/51530102MJ9999999X/", **ZH)
    assert page.status_code == 404 and "没有统一社会信用代码为" in page.content.decode()
    api = Client().get("/api/v1/public/orgs/51530102MJ9999999X/", **ZH)
    assert api.status_code == 404 and "没有统一社会信用代码为" in api.json()["detail"]


@pytest.mark.parametrize("text", ["%", "_", "' OR 1=1 --", ".*", "[a-z]+", "\\", "科技%'; DROP TABLE x; --",
                                  "(?i)科技"])
def test_search_with_sql_and_regex_metacharacters_matches_literally(world, text):
    page = Client().get("/public/orgs/", {"q": text}, **ZH)
    assert page.status_code == 200 and "五华区科技创新协会" not in page.content.decode()
    api = Client().get("/api/v1/public/orgs/", {"q": text}, **ZH)
    assert api.status_code == 200 and api.json()["results"] == []


def test_a_ten_thousand_character_query_is_refused_with_a_chinese_message(world):
    page = Client().get("/public/orgs/", {"q": "科" * 10_000}, **ZH)
    assert page.status_code == 400 and "最多输入 100 个字符" in page.content.decode()
    api = Client().get("/api/v1/public/orgs/", {"q": "科" * 10_000}, **ZH)
    assert api.status_code == 400 and "最多输入 100 个字符" in api.json()["q"][0]


def test_pages_beyond_the_cap_are_refused(world):
    assert Client().get("/public/credit-lists/?page=51", **ZH).status_code == 404
    api = Client().get("/api/v1/public/credit-lists/?page=51", **ZH)
    assert api.status_code == 400 and "page" in api.json()
    assert Client().get("/api/v1/public/credit-lists/?page=abc", **ZH).status_code == 400


def test_a_burst_from_one_address_is_limited_while_others_are_served(world, settings, monkeypatch):
    settings.SOCORG_PUBLIC_RATE = "30/m"
    # The burst arrives within one minute's window, however long a loaded machine takes to send it.
    import time
    from types import SimpleNamespace

    import django_ratelimit.core

    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))
    client = Client(REMOTE_ADDR="203.0.113.9")
    codes = [client.get("/api/v1/public/orgs/?q=科技", REMOTE_ADDR="203.0.113.9", **ZH).status_code
             for _ in range(1000)]
    assert codes.count(200) == 30 and codes.count(429) == 970
    limited = client.get("/public/orgs/?q=科技", REMOTE_ADDR="203.0.113.9", **ZH)
    assert limited.status_code in (200, 429)
    api = client.get("/api/v1/public/orgs/?q=科技", REMOTE_ADDR="203.0.113.9", **ZH)
    assert api.status_code == 429 and "请求过于频繁" in api.json()["detail"] and api["Retry-After"] == "60"
    other = Client().get("/api/v1/public/orgs/?q=科技", REMOTE_ADDR="198.51.100.7", **ZH)
    assert other.status_code == 200


def test_pages_are_cached_and_a_change_shows_at_once(world):
    from socorg.registry import services as registry

    client = Client()
    url = f"/public/orgs/{world['org'].uscc}/"
    assert "五华区科技创新协会" in client.get(url, **ZH).content.decode()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url, **ZH)
    assert len(queries) == 0  # served from the cache
    registry.org_update(org=world["org"], actor=world["staff"], name="五华区科技创新促进会")
    assert "五华区科技创新促进会" in client.get(url, **ZH).content.decode()


def test_public_pages_never_touch_an_internal_session(world):
    client = client_as(world["staff"])
    before = client.session.session_key
    for url in ("/public/", f"/public/orgs/{world['org'].uscc}/", "/api/v1/public/orgs/?q=科技"):
        response = client.get(url, **ZH)
        assert response.status_code == 200
        assert "Cookie" not in response.get("Vary", ""), url
        assert "sessionid" not in response.cookies  # neither refreshed nor deleted
        assert "退出" not in response.content.decode()
    assert client.session.session_key == before


def test_robots_rules_follow_the_deployment(settings, db):
    assert "Allow: /public/" in Client().get("/robots.txt").content.decode()
    settings.SOCORG_PUBLIC_ROBOTS = "none"
    assert Client().get("/robots.txt").content.decode() == "User-agent: *\nDisallow: /\n"


def complaint(**values):
    """The form's fields with a fresh captcha and its right answer (the server's own sum)."""
    from captcha.models import CaptchaStore

    key = CaptchaStore.generate_key()
    data = {"category": "improper_fees", "organization_uscc": "", "organization_name": "", "region": "530102",
            "description": "强制入会并收取会费。", "complainant_name": "李投诉", "complainant_phone": "13700001111",
            "captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}
    return data | values


def test_a_complaint_gets_a_receipt_and_its_status_is_found_by_number_and_code(world):
    client = Client()
    response = client.post("/public/complaints/", complaint(organization_uscc=world["org"].uscc,
                                                            description="<script>alert(1)</script>乱收费"), **ZH)
    assert response.status_code == 200
    body = response.content.decode()
    from socorg.complaints.models import Complaint

    stored = Complaint.objects.get()
    assert stored.description == "<script>alert(1)</script>乱收费" and stored.channel == "online"
    assert stored.receipt_no in body and "13700001111" not in body
    code = response.context["code"]
    status = client.post("/public/complaints/status/", {"receipt_no": stored.receipt_no, "code": code}, **ZH)
    assert stored.receipt_no in status.content.decode() and "李投诉" not in status.content.decode()
    wrong = client.post("/public/complaints/status/", {"receipt_no": stored.receipt_no, "code": "WRONG1"}, **ZH)
    assert "没有与该受理编号和查询码相符的投诉" in wrong.content.decode()
    # Staff see the text escaped, never run.
    detail = client_as(world["staff"]).get(f"/complaints/{stored.pk}/", **ZH).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;乱收费" in detail and "<script>alert(1)" not in detail


def test_a_wrong_captcha_or_bad_fields_save_nothing(world, settings):
    from socorg.complaints.models import Complaint

    wrong = Client().post("/public/complaints/", complaint(captcha_1="WRONG"), **ZH)
    assert wrong.status_code == 400 and "验证码答案不正确" in wrong.content.decode()
    empty = Client().post("/public/complaints/", complaint(description="", category="nope"), **ZH)
    assert empty.status_code == 400
    assert not Complaint.objects.exists()


def test_an_oversized_attachment_is_refused(world, settings):
    from socorg.complaints.models import Complaint

    settings.SOCORG_ATTACHMENT_MAX_BYTES = 1000
    big = SimpleUploadedFile("证据.pdf", b"%PDF" + b"0" * 5000, content_type="application/pdf")
    response = Client().post("/public/complaints/", complaint(attachment=big), **ZH)
    assert response.status_code == 400 and "MB" in response.content.decode()
    assert not Complaint.objects.exists()


def test_complaints_from_one_address_are_limited(world, settings):
    settings.SOCORG_PUBLIC_COMPLAINT_RATE = "2/h"
    client = Client()
    codes = [client.post("/public/complaints/", complaint(organization_name="某未登记协会"),
                         REMOTE_ADDR="203.0.113.20").status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]


def test_public_pages_never_decrypt_personal_data(world, monkeypatch):
    """The public site does not even read the encrypted columns: with decryption refused, every page still works."""
    import socorg.core.crypto as crypto

    def refuse(token):
        raise AssertionError("the public site decrypted a personal field")

    monkeypatch.setattr(crypto, "decrypt", refuse)
    client = Client()
    for url in public_urls(world["org"]):
        if "complaints" not in url:
            assert client.get(url, **ZH).status_code == 200, url


def test_star_ratings_are_shown_only_where_the_deployment_publishes_them(world, settings):
    from socorg.ratings.models import Rating, Scorecard

    scorecard = Scorecard.objects.create(kind="star", code="test", version=1, name="测试评星标准", first_cycle=2025,
                                         definition={})
    Rating.objects.create(party_org=world["branch"], cycle=2025, region_id="530102", scorecard=scorecard,
                          as_of="2025-12-31", status="published", stars=4)
    Rating.objects.create(party_org=world["branch"], cycle=2026, region_id="530102", scorecard=scorecard,
                          as_of="2026-06-30", status="reviewed", stars=5)
    url = f"/api/v1/public/orgs/{world['org'].uscc}/"
    assert Client().get(url).json()["star_ratings"] is None
    settings.SOCORG_PUBLIC_STAR_RATINGS = True
    from django.core.cache import cache

    cache.clear()
    assert Client().get(url).json()["star_ratings"] == [
        {"party_org": "五华区科技创新协会党支部", "cycle": 2025, "stars": 4}]
