import datetime

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from socorg.accounts.roles import Role
from socorg.activities.models import Activity
from socorg.core.testing import client_as, make_user
from socorg.ledger.importer import import_ledger
from socorg.ledger.writers import export_ledger
from socorg.party.models import Instructor, InstructorAssignment, PartyCoverage, PartyOrganization
from socorg.registry.models import SocialOrganization
from socorg.reports.models import AnnualReport

from .helpers import ORG_HEADERS, org_row, standard, workbook

pytestmark = pytest.mark.django_db


def contents(path) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def wipe():
    Activity.objects.all().delete()
    AnnualReport.objects.all().delete()
    PartyCoverage.objects.all().delete()
    InstructorAssignment.objects.all().delete()
    PartyOrganization.objects.update(parent=None)
    PartyOrganization.objects.all().delete()
    Instructor.objects.all().delete()
    SocialOrganization.objects.all().delete()


def test_export_then_import_into_an_empty_database_then_export_gives_the_same_content(tmp_path):
    rows = [org_row(1, name="=HYPERLINK(\"http://x\")"), org_row(2), org_row(3)]
    rows[1][4] = 0
    path = standard(tmp_path / "l.xlsx")
    book = load_workbook(path)
    sheet = book["社会组织"]
    for index, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            sheet.cell(row=index, column=col, value=value)
    sheet.cell(row=2, column=2).data_type = "s"  # typed text, not a formula
    activities = book.create_sheet("组织生活")  # handled by the activities app's sheet handler
    activities.append(["党组织名称", "类型", "日期", "主题", "应到人数", "实到人数"])
    activities.append(["五华区测试联合支部", "支部党员大会", "2024-03-28", "学习党章", 12, 11])
    reports = book.create_sheet("年度报告")  # handled by the reports app's sheet handler
    reports.append(["统一社会信用代码", "年度", "提交日期", "结论", "审核理由"])
    reports.append([rows[0][0], 2023, "2024-05-20", "基本合格", "未按期换届"])
    book.save(path)
    assert import_ledger(path).ok
    first = tmp_path / "first.xlsx"
    export_ledger(first, reveal=True)  # a full copy: phones in clear, as they were imported
    wipe()
    run = import_ledger(first)
    assert run.ok, [e.message for e in run.errors]
    second = tmp_path / "second.xlsx"
    export_ledger(second, reveal=True)
    assert contents(first) == contents(second)
    assert set(contents(first)) == {"社会组织", "备案社区社会组织", "党组织", "党建工作指导员", "组织生活", "党费缴纳",
                                    "年度报告"}
    assert contents(first)["年度报告"][1][1:] == [2023, datetime.date(2024, 5, 20), "基本合格", "未按期换届"]
    assert contents(first)["组织生活"][1][:2] == ["五华区测试联合支部", "支部党员大会"]
    assert SocialOrganization.objects.filter(name__startswith="=HYPERLINK").exists()


def test_text_starting_with_formula_characters_is_neutralised_in_the_export(tmp_path):
    import_ledger(workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS, org_row(1, name="@危险名称")]}))
    export_ledger(tmp_path / "e.xlsx")
    cell = load_workbook(tmp_path / "e.xlsx")["社会组织"]["B2"]
    assert cell.value == "'@危险名称" and cell.data_type == "s"


def test_export_by_region_contains_only_that_subtree(tmp_path):
    import_ledger(workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS, org_row(1), org_row(2, region="110101")]}))
    call_command("export_ledger", str(tmp_path / "e.xlsx"), "--region", "530000")
    orgs = contents(tmp_path / "e.xlsx")["社会组织"]
    assert len(orgs) == 2 and orgs[1][4] == "530102"


def test_the_template_has_drop_downs_an_example_row_and_notes_and_imports_cleanly(tmp_path):
    call_command("ledger_template", str(tmp_path / "t.xlsx"))
    book = load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["社会组织", "备案社区社会组织", "党组织", "党建工作指导员", "组织生活", "党费缴纳",
                               "年度报告", "填写说明"]
    orgs = book["社会组织"]
    assert orgs["A1"].value == "统一社会信用代码" and orgs["A2"].value
    lists = [v.formula1 for v in orgs.data_validations.dataValidation]
    assert any("社会团体" in f for f in lists)
    run = import_ledger(tmp_path / "t.xlsx", dry_run=True)
    assert run.ok, [e.message for e in run.errors]
    # The template's own instructions sheet is part of it: no "not a ledger sheet" warning on every upload.
    assert [w.message for w in run.warnings if "填写说明" in w.message or w.sheet == "填写说明"] == []


def test_the_export_view_is_scoped_to_the_users_regions(tmp_path):
    import_ledger(workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS, org_row(1), org_row(2, region="110101")]}))
    client = client_as(make_user((Role.BUREAU_STAFF, "530102")))
    response = client.get("/ledger/export/?region=530102")
    assert response.status_code == 200
    out = tmp_path / "e.xlsx"
    out.write_bytes(response.content)
    assert [r[0] for r in contents(out)["社会组织"][1:]] == [org_row(1)[0]]
    assert client.get("/ledger/export/?region=110101").status_code == 404
    everything = client.get("/ledger/export/")
    out.write_bytes(everything.content)
    assert len(contents(out)["社会组织"]) == 2  # still only what the user may see
    assert client_as(make_user((Role.VIEWER, "530102"))).get("/ledger/export/").status_code == 403
