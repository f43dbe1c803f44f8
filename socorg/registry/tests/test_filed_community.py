"""备案 community social organizations (issue 11, item 8): filed with a street office or township, no USCC, keyed by
their 备案编号; counted separately in coverage, never mixed into the registered totals or rates; imported and
exported through the ledger sheet 「备案社区社会组织」, which round-trips."""

import datetime

import pytest
from python_calamine import CalamineWorkbook

from socorg.accounts.roles import Role
from socorg.core.testing import api_as, make_user
from socorg.coverage.queries import region_figures
from socorg.coverage.tests import builders as b
from socorg.ledger.importer import import_ledger
from socorg.ledger.tests.helpers import workbook
from socorg.ledger.writers import export_ledger
from socorg.regions.models import Region
from socorg.registry.choices import FilingStatus
from socorg.registry.models import FiledCommunityOrganization

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return lambda code: Region.objects.get(code=code)

SHEET = "备案社区社会组织"
HEADERS = ["备案编号", "名称", "备案街道乡镇", "所在县级行政区划代码", "备案日期", "备案状态", "状态变更日期"]
ROWS = [
    ["五华备字〔2024〕第001号", "华山街道夕阳红舞蹈队", "华山街道", "530102", "2024-03-01", "正常", None],
    ["五华备字〔2024〕第002号", "护国街道邻里互助会", "护国街道", "530102", "2023-05-10", "注销", "2025-06-30"],
    ["盘龙备字〔2022〕第017号", "拓东街道书画社", "拓东街道", "530103", None, "正常", None],
]


def filed_workbook(path, rows=ROWS):
    return workbook(path, {SHEET: [HEADERS, *rows]})


def sheet_rows(path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET).to_python()[1:]


def test_the_sheet_imports_filed_organizations_without_a_uscc(tmp_path):
    run = import_ledger(filed_workbook(tmp_path / "f.xlsx"))
    assert run.ok, [e.message for e in run.errors]
    assert run.counts["created"]["filed_community"] == 3
    first = FiledCommunityOrganization.objects.get(filing_number="五华备字〔2024〕第001号")
    assert (first.name, first.filing_township, first.filing_region_id, first.filed_on, first.status) == (
        "华山街道夕阳红舞蹈队", "华山街道", "530102", datetime.date(2024, 3, 1), FilingStatus.FILED)
    cancelled = FiledCommunityOrganization.objects.get(filing_number="五华备字〔2024〕第002号")
    assert (cancelled.status, cancelled.status_changed_on) == (FilingStatus.CANCELLED, datetime.date(2025, 6, 30))


def test_the_sheet_round_trips(tmp_path):
    assert import_ledger(filed_workbook(tmp_path / "f.xlsx")).ok
    first = tmp_path / "first.xlsx"
    export_ledger(first)
    FiledCommunityOrganization.objects.all().delete()
    run = import_ledger(first)
    assert run.ok, [e.message for e in run.errors]
    second = tmp_path / "second.xlsx"
    export_ledger(second)
    assert sheet_rows(first) == sheet_rows(second) and len(sheet_rows(first)) == 3
    again = import_ledger(second)
    assert again.counts["unchanged"]["filed_community"] == 3
    assert again.counts["created"]["filed_community"] == again.counts["updated"]["filed_community"] == 0


def test_a_changed_row_updates_the_filing(tmp_path):
    assert import_ledger(filed_workbook(tmp_path / "f.xlsx")).ok
    rows = [list(row) for row in ROWS]
    rows[0][5], rows[0][6] = "注销", "2025-01-02"
    run = import_ledger(filed_workbook(tmp_path / "g.xlsx", rows))
    assert run.ok and run.counts["updated"]["filed_community"] == 1
    assert FiledCommunityOrganization.objects.get(filing_number=ROWS[0][0]).status == FilingStatus.CANCELLED


@pytest.mark.parametrize(("row", "header", "words"), [
    (["五华备字〔2024〕第001号", "重复", "华山街道", "530102", None, "正常", None], "备案编号", "已在本表第"),
    (["X-1", "地级", "某街道", "530100", None, "正常", None], "所在县级行政区划代码", "不是县级行政区划代码"),
    (["X-2", "注销无日期", "某街道", "530102", None, "注销", None], "状态变更日期", "备案已注销"),
    (["X-3", "无街道", None, "530102", None, "正常", None], "备案街道乡镇", "必填"),
])
def test_bad_rows_name_the_cell_and_what_is_expected(tmp_path, row, header, words):
    run = import_ledger(filed_workbook(tmp_path / "f.xlsx", [ROWS[0], row]))
    assert not run.ok
    assert any(e.column == header and words in e.message for e in run.errors), [(e.column, e.message)
                                                                              for e in run.errors]
    assert not FiledCommunityOrganization.objects.exists()  # nothing half-written


def test_a_user_imports_only_filings_of_their_own_regions(tmp_path):
    user = make_user((Role.BUREAU_STAFF, "530103"))
    run = import_ledger(filed_workbook(tmp_path / "f.xlsx"), user=user)
    assert not run.ok
    assert [(e.row, e.column) for e in run.errors] == [(2, "所在县级行政区划代码"), (3, "所在县级行政区划代码")]
    assert all("不在您可修改的范围内" in e.message for e in run.errors)
    assert not FiledCommunityOrganization.objects.exists()


def test_coverage_counts_them_apart_from_registered_organizations(tmp_path, region):
    covered = b.register("530102")
    b.found([covered])
    assert import_ledger(filed_workbook(tmp_path / "f.xlsx")).ok
    kunming = region_figures(region("530100"))
    assert kunming.totals["orgs"] == 1 and kunming.totals["org_coverage_rate"] == 1.0  # not diluted
    assert kunming.totals["filed_community_orgs"] == 2  # 五华 1 in force (the other cancelled) + 盘龙 1
    by_child = {row["region"]["code"]: row["totals"]["filed_community_orgs"] for row in kunming.children}
    assert (by_child["530102"], by_child["530103"]) == (1, 1)
    assert region_figures(region("530100"), source="scratch").totals == kunming.totals
    # as of a past day: the cancelled filing was in force, the 2024 filing not yet
    past = region_figures(region("530102"), on=datetime.date(2024, 1, 1)).totals
    assert past["filed_community_orgs"] == 1 and past["orgs"] == 1
    api = api_as(make_user((Role.VIEWER, "530100"))).get("/api/v1/coverage/", {"region": "530100"}).json()
    assert api["totals"]["filed_community_orgs"] == 2 and api["totals"]["orgs"] == 1


def test_the_list_of_filed_organizations_is_scoped():
    for code, number in (("530102", "A"), ("530103", "B")):
        FiledCommunityOrganization.objects.create(filing_number=number, name=number, filing_region_id=code,
                                                  filing_township="某街道")
    visible = FiledCommunityOrganization.objects.visible_to(make_user((Role.VIEWER, "530102")))
    assert list(visible.values_list("filing_number", flat=True)) == ["A"]
