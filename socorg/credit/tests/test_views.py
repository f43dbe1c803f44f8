"""Credit pages: list with filters, search, pages and Excel; candidates → decision form; entry page with removal,
objections and statements; penalties; the organization's credit history on its page. Out of scope = 404."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from socorg.accounts.roles import Role
from socorg.core.testing import client_as, make_user
from socorg.credit import services
from socorg.credit.choices import FactKind, RemovalKind
from socorg.credit.models import CreditEntry, CreditFact, Penalty, RegisteredLetter, SupervisorStatement
from socorg.party.tests.factories import make_org

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
D = datetime.date


def listed(org, clerk, **kw):
    values = {"list": "abnormal", "reason": "unreachable", "decision_no": "五民异〔2026〕1号",
              "decided_on": D(2026, 9, 30)} | kw
    return services.entry_create(org=org, actor=clerk, **values)


def test_list_filters_searches_and_exports(org, clerk):
    other = make_org("530102", name="盘龙区书法家协会")
    listed(org, clerk)
    listed(other, clerk, list="serious", reason="major_fine", decision_no="B")
    client = client_as(clerk)
    page = client.get("/credit/").content.decode()
    assert org.name in page and other.name in page and "活动异常名录" in page and "逾期录入" in page
    page = client.get("/credit/", {"q": "书法"}).content.decode()
    assert other.name in page and org.name not in page
    page = client.get("/credit/", {"list": "abnormal"}).content.decode()
    assert org.name in page and other.name not in page
    assert "不是" in client.get("/credit/", {"region": "abc"}).content.decode() or \
        client.get("/credit/", {"region": "abc"}).status_code == 200
    response = client.get("/credit/", {"format": "xlsx", "list": "serious"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "统一社会信用代码" and [r[0] for r in rows[1:]] == [other.uscc]


def test_candidate_opens_the_prefilled_decision_form_and_listing_works(org, clerk):
    CreditFact.objects.create(organization=org, kind=FactKind.DISHONEST_DEBTOR, found_on=D(2026, 10, 1),
                              source_document="（2026）云0102执100号")
    client = client_as(clerk)
    page = client.get("/credit/candidates/", {"reason": "dishonest_debtor"}).content.decode()
    assert org.name in page and "被纳入失信被执行人名单" in page and "/credit/new/?uscc=" in page
    form = client.get("/credit/new/", {"uscc": org.uscc, "list": "serious", "reason": "dishonest_debtor"})
    assert org.uscc in form.content.decode()
    response = client.post("/credit/new/", {"uscc": org.uscc, "list": "serious", "reason": "dishonest_debtor",
                                            "decision_no": "", "decided_on": "", "evidence": ""})
    assert response.status_code == 200 and "请填写决定书文号" in response.content.decode()
    assert not CreditEntry.objects.exists()
    response = client.post("/credit/new/", {"uscc": org.uscc, "list": "serious", "reason": "dishonest_debtor",
                                            "decision_no": "五民严〔2026〕3号", "decided_on": TODAY.isoformat(),
                                            "evidence": '{"finding": 1}'})
    entry = CreditEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/credit/{entry.pk}/"
    assert entry.evidence == {"finding": 1} and not entry.entered_late


def test_entry_page_removes_records_objections_and_statements(org, clerk):
    entry = listed(org, clerk, reason="rectification_overdue")
    client = client_as(clerk)
    page = client.get(f"/credit/{entry.pk}/").content.decode()
    assert "2026-10-13" in page and "未按期完成整改" in page
    client.post(f"/credit/{entry.pk}/objections/", {"received_on": TODAY.isoformat(), "content": "已整改"})
    objection = entry.objections.get()
    client.post(f"/credit/objections/{objection.pk}/answer/", {"upheld": "0", "answer": "整改未完成",
                                                               "answered_on": TODAY.isoformat()})
    objection.refresh_from_db()
    assert objection.answer == "整改未完成"
    response = client.post(f"/credit/{entry.pk}/remove/", {"reason": "", "decided_on": ""}, follow=True)
    assert "请说明履行义务" in response.content.decode()
    client.post(f"/credit/orgs/{org.uscc}/statements/", {
        "reason": "rectification_overdue", "issued_by": "云南省科协", "document_no": "云科协函〔2026〕3号",
        "issued_on": TODAY.isoformat(), "note": "", "next": f"/credit/{entry.pk}/"})
    entry.refresh_from_db()
    assert entry.removal_kind == RemovalKind.STATEMENT and SupervisorStatement.objects.count() == 1


def test_penalty_form_and_org_credit_page(org, clerk):
    client = client_as(clerk)
    response = client.post("/credit/penalties/new/", {"uscc": org.uscc, "kind": "fine", "amount": "",
                                                      "decision_no": "罚1", "decided_on": "2026-09-01",
                                                      "facts": "x", "legal_basis": "y", "issuing_authority": "z"})
    assert "罚款须填写金额" in response.content.decode() and not Penalty.objects.exists()
    response = client.post("/credit/penalties/new/", {"uscc": org.uscc, "kind": "fine", "amount": "60000",
                                                      "decision_no": "罚1", "decided_on": "2026-09-01",
                                                      "facts": "x", "legal_basis": "y", "issuing_authority": "z"})
    assert response.status_code == 302 and Penalty.objects.count() == 1
    client.post(f"/credit/orgs/{org.uscc}/letters/", {"sent_on": "2026-06-01", "tracking_no": "EMS1"})
    letter = RegisteredLetter.objects.get()
    client.post(f"/credit/letters/{letter.pk}/answered/", {"answered_on": "2026-06-05"})
    letter.refresh_from_db()
    assert letter.answered_on == D(2026, 6, 5)
    page = client.get(f"/credit/orgs/{org.uscc}/").content.decode()
    assert "EMS1" in page and "60000" in page
    assert "罚款" in client.get("/credit/penalties/", {"kind": "fine"}).content.decode()


def test_organization_page_shows_its_credit_history(org, clerk):
    listed(org, clerk)
    page = client_as(clerk).get(f"/orgs/{org.uscc}/").content.decode()
    assert 'id="credit-history"' in page and "通过登记的住所无法取得联系" in page


def test_out_of_scope_is_404_and_readers_cannot_decide(org, clerk):
    entry = listed(org, clerk)
    outsider = client_as(make_user((Role.BUREAU_STAFF, "110000")))
    assert outsider.get(f"/credit/{entry.pk}/").status_code == 404
    assert outsider.get(f"/credit/orgs/{org.uscc}/").status_code == 404
    assert outsider.post(f"/credit/{entry.pk}/remove/", {"reason": "x", "decided_on": TODAY.isoformat()}
                         ).status_code == 404
    viewer = client_as(make_user((Role.VIEWER, "530102")))
    assert viewer.get(f"/credit/{entry.pk}/").status_code == 200
    assert viewer.post(f"/credit/{entry.pk}/remove/", {"reason": "x"}).status_code == 403
    assert viewer.get("/credit/candidates/").status_code == 403
    assert client_as(make_user((Role.AUDIT_ADMIN, "100000"))).get("/credit/").status_code == 403


def test_reasons_page_shows_citations_and_a_national_clerk_tunes_a_reason(org, clerk, national):
    page = client_as(clerk).get("/credit/reasons/").content.decode()
    assert "民政部《社会组织信用信息管理办法》" in page and "未按照有关规定设立党组织" in page
    assert client_as(clerk).get("/credit/reasons/no_party_org/").status_code == 403  # a county clerk
    client = client_as(national)
    response = client.post("/credit/reasons/no_party_org/", {"enabled": "on", "param_alert_age_days": "-3",
                                                             "citation": ""})
    assert response.status_code == 200 and "ReasonSetting" not in response.content.decode()
    from socorg.credit.config import reason_config

    assert reason_config("no_party_org").params == {"alert_age_days": 90}
    response = client.post("/credit/reasons/no_party_org/", {"enabled": "on", "param_alert_age_days": "30",
                                                             "citation": "某省实施细则第八条"})
    assert response.status_code == 302
    config = reason_config("no_party_org")
    assert config.params == {"alert_age_days": 30} and config.citation == "某省实施细则第八条"
    assert client.get("/credit/reasons/nope/").status_code == 404
