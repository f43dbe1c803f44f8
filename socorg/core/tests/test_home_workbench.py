"""The home page is a workbench: a to-do panel for the role (alerts assigned to me, rectifications to review,
imports waiting for confirmation) and figures that agree with the coverage page or say why they differ."""

import re

import pytest

from socorg.accounts.roles import Role
from socorg.alerts.choices import AlertStatus
from socorg.alerts.models import Alert
from socorg.alerts.scan import run_scan
from socorg.alerts.tests.factories import AS_OF, healthy_branch
from socorg.core.testing import api_as, client_as, make_user
from socorg.ledger.models import ImportStatus, LedgerImport
from socorg.party.tests.factories import make_org, make_party_org

pytestmark = pytest.mark.django_db


def _todos(html: str) -> dict[str, tuple[str, str]]:
    panel = re.search(r'<section class="card shadow-sm mb-3" id="todo-panel".*?</section>', html, re.S).group(0)
    rows = re.findall(r'<a class="list-group-item[^"]*" href="([^"]+)">\s*<span class="me-auto">([^<]+).*?'
                      r'<span class="badge[^"]*">([^<]+)</span>', panel, re.S)
    return {title.strip(): (count, url.replace("&amp;", "&")) for url, title, count in rows}


@pytest.fixture
def vacant_branches():
    for _ in range(2):
        party_org, _org = healthy_branch("530102")
        party_org.secretary_name = ""
        party_org.save()
    run_scan(as_of=AS_OF)
    return Alert.objects.filter(rule="secretary_vacant").order_by("pk")


def test_an_instructor_sees_the_alerts_assigned_to_them(vacant_branches):
    instructor = make_user((Role.INSTRUCTOR, "530102"))
    vacant_branches.filter(pk=vacant_branches[0].pk).update(assignee=instructor, status=AlertStatus.ASSIGNED)
    todos = _todos(client_as(instructor).get("/").content.decode())
    assert todos["分配给我的预警"] == ("1", "/alerts/list/?mine=true&status=assigned")
    assert todos["待审核的整改"][0] == "0"  # nothing submitted yet
    viewer_todos = _todos(client_as(make_user((Role.VIEWER, "530102"))).get("/").content.decode())
    assert "待审核的整改" not in viewer_todos and "待确认的导入" not in viewer_todos  # a reader reviews nothing
    listed = client_as(instructor).get("/alerts/list/?mine=true&status=assigned").content.decode()
    assert "共 1 条记录" in listed


def test_a_reviewer_sees_the_rectifications_submitted_to_them(vacant_branches):
    reviewer = make_user((Role.BUREAU_STAFF, "530100"))
    vacant_branches.update(status=AlertStatus.SUBMITTED)
    todos = _todos(client_as(reviewer).get("/").content.decode())
    assert todos["待审核的整改"] == ("2", "/alerts/list/?status=submitted")
    assert todos["分配给我的预警"][0] == "0"


def test_an_importer_sees_the_checked_workbooks_waiting_for_confirmation():
    clerk = make_user((Role.BUREAU_STAFF, "530102"))
    waiting = LedgerImport.objects.create(uploaded_by=clerk, original_name="a.xlsx", status=ImportStatus.VALIDATED)
    LedgerImport.objects.create(uploaded_by=clerk, original_name="b.xlsx", status=ImportStatus.DONE)
    LedgerImport.objects.create(uploaded_by=make_user((Role.BUREAU_STAFF, "530102")), original_name="c.xlsx",
                                status=ImportStatus.VALIDATED)
    todos = _todos(client_as(clerk).get("/").content.decode())
    assert todos["待确认的导入"] == ("1", f"/ledger/imports/{waiting.pk}/")


def test_home_figures_agree_with_the_coverage_page_or_say_why_not():
    county = make_user((Role.BUREAU_STAFF, "530102"), (Role.PARTY_STAFF, "530102"))
    orgs = [make_org("530102") for _ in range(2)]
    make_party_org(county, orgs=orgs, name="五华区联合党支部")
    make_party_org(county, name="五华区社会组织综合党委", kind="committee", formation="area", region="530102")
    html = client_as(county).get("/").content.decode()
    figures = api_as(county).get("/api/v1/coverage/", {"region": "530102"}).json()["totals"]
    active_orgs = re.search(r'社会组织</div>\s*<div class="fs-3 fw-semibold"><a [^>]*>([\d,]+)</a>', html).group(1)
    assert int(active_orgs.replace(",", "")) == figures["orgs"] == 2
    party_orgs = re.search(r'党组织</div>\s*<div class="fs-3 fw-semibold"><a [^>]*>([\d,]+)</a>\s*</div>\s*'
                           r'<div class="small text-muted">([^<]+)</div>', html)
    assert int(party_orgs.group(1)) == figures["party_orgs"] + 1 == 2
    assert party_orgs.group(2) == "其中 1 个不覆盖社会组织（如综合党委），覆盖页不计入"
