"""Term length by kind (中办《关于党的基层组织任期的意见》2018 一): a 党委 serves 5 years, a 总支 and a 支部 3 (5 where
approved). When the form, the API or the service call leaves it empty, the default follows the kind — so a 党委 no
longer gets a false 任期届满 after 3 years."""

import datetime

import pytest

from socorg.alerts.models import Alert
from socorg.alerts.scan import run_scan
from socorg.core.testing import api_as, client_as
from socorg.party import services
from socorg.party.models import PartyOrganization
from socorg.party.rules import default_term_years

from .factories import make_party_org

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("kind", "years"), [("committee", 5), ("general_branch", 3), ("branch", 3)])
def test_default_term_years_by_kind(kind, years):
    assert default_term_years(kind) == years


def test_service_defaults_follow_the_kind_and_an_explicit_length_is_kept(actor, orgs):
    committee = make_party_org(actor, kind="committee", formation="industry", region="530102")
    branch = make_party_org(actor, orgs=orgs[:2])
    approved = make_party_org(actor, orgs=orgs[2:3], term_years=5)
    assert (committee.term_years, branch.term_years, approved.term_years) == (5, 3, 5)


def test_update_with_an_empty_length_takes_the_new_kind(actor, orgs):
    general = make_party_org(actor, orgs=orgs[:2], kind="general_branch")
    updated = services.party_org_update(party_org=general, kind="committee", term_years=None, actor=actor)
    assert updated.term_years == 5


def test_form_left_empty_gives_a_committee_five_years(actor):
    response = client_as(actor).post("/party/new/", {
        "name": "五华区社会组织综合党委", "kind": "committee", "formation": "industry", "region": "530102",
        "term_years": ""})
    assert response.status_code == 302
    assert PartyOrganization.objects.get(name="五华区社会组织综合党委").term_years == 5


def test_api_without_term_years_defaults_by_kind(actor):
    response = api_as(actor).post("/api/v1/party-orgs/", {
        "name": "行业党委", "kind": "committee", "formation": "industry", "region": "530102"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["term_years"] == 5


def test_a_committee_elected_four_and_a_half_years_ago_is_not_overdue(actor):
    committee = make_party_org(actor, kind="committee", formation="industry", region="530102",
                               founded_on=datetime.date(2020, 1, 1), secretary_name="王书记",
                               term_started_on=datetime.date(2021, 1, 10))
    run_scan(as_of=datetime.date(2025, 7, 15))
    assert not Alert.objects.filter(rule="term_overdue", party_org=committee).exists()
    assert Alert.objects.filter(rule="term_due_soon", party_org=committee).exists()  # ends 2026-01-10


def test_ledger_left_empty_gives_the_kind_default_and_reads_party_groups(tmp_path):
    from socorg.ledger.importer import import_ledger
    from socorg.ledger.tests.helpers import ORG_HEADERS, PARTY_HEADERS, org_row, uscc, workbook

    path = workbook(tmp_path / "l.xlsx", {
        "社会组织": [ORG_HEADERS, org_row(1), org_row(2)],
        "党组织": [PARTY_HEADERS + ["任期年限", "设有党小组", "所属行政区划代码"],
                  ["测试联合支部", "党支部", "联合组建", f"{uscc(1)}；{uscc(2)}", "测试综合党委", "李四", "", "是", ""],
                  ["测试综合党委", "党委", "区域联建", "", "", "赵六", "", "", "530102"],
                  ["测试行业党委", "党委", "行业联建", "", "", "钱七", 3, "否", "530102"]]})
    run = import_ledger(path)
    assert not run.summary()["errors"], run.summary()["errors"]
    years = dict(PartyOrganization.objects.values_list("name", "term_years"))
    assert years == {"测试联合支部": 3, "测试综合党委": 5, "测试行业党委": 3}  # an explicit 3 is kept
    assert PartyOrganization.objects.get(name="测试联合支部").has_party_groups is True
    assert PartyOrganization.objects.get(name="测试综合党委").has_party_groups is False
