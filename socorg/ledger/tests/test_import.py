import json
import zipfile

import pytest
from django.core.management import call_command
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from socorg.accounts.roles import Role
from socorg.activities.models import Activity
from socorg.core.crypto import blind_index
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user
from socorg.ledger.importer import import_ledger
from socorg.ledger.sheets.base import kinds
from socorg.party.models import Instructor, InstructorAssignment, PartyCoverage, PartyOrganization
from socorg.registry.models import SocialOrganization

from .helpers import ORG_HEADERS, PARTY_HEADERS, org_row, standard, uscc, workbook

pytestmark = pytest.mark.django_db


def only(**counts) -> dict:
    """Summary counts: the given ones, every other registered sheet's kind 0."""
    return {**dict.fromkeys(kinds(), 0), **counts}


def nothing_written():
    return (SocialOrganization.objects.count(), PartyOrganization.objects.count(), Instructor.objects.count()) == (
        0, 0, 0)


def messages(run):
    return " | ".join(e.message for e in run.errors)


# --- the happy path -----------------------------------------------------------------------------------------------

def test_a_valid_workbook_is_imported_with_links_flags_and_audit(tmp_path):
    run = import_ledger(standard(tmp_path / "l.xlsx"))
    assert run.ok, messages(run)
    assert run.summary()["created"] == only(orgs=3, party_orgs=2, instructors=1)
    branch = PartyOrganization.objects.get(name="五华区测试联合支部")
    assert branch.parent.name == "五华区社会组织综合党委"
    assert branch.region_id == "530102"
    assert set(PartyCoverage.objects.filter(party_org=branch).values_list("organization__uscc", flat=True)) == {
        uscc(1), uscc(2)}
    first = SocialOrganization.objects.get(uscc=uscc(1))
    assert first.org_covered and first.work_covered and first.full_members == 3
    third = SocialOrganization.objects.get(uscc=uscc(3))
    assert not third.org_covered and third.work_covered
    instructor = Instructor.objects.get()
    assert instructor.phone == "139 0000 0000" and instructor.phone_index == blind_index("13900000000")
    assert InstructorAssignment.objects.filter(instructor=instructor, organization=third).exists()
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("registry.org.register") == 3 and actions.count("party.org.create") == 2
    assert actions.count("party.instructor.create") == 1 and actions.count("ledger.import") == 1
    assert len(set(AuditEntry.objects.values_list("request_id", flat=True))) == 1  # one import, one request id
    assert "13800000000" not in json.dumps(list(AuditEntry.objects.values("before", "after")))  # no phones in clear


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = standard(tmp_path / "l.xlsx")
    import_ledger(path)
    audit_before = AuditEntry.objects.count()
    run = import_ledger(path)
    summary = run.summary()
    assert summary["unchanged"] == only(orgs=3, party_orgs=2, instructors=1)
    assert summary["created"] == summary["updated"] == only()
    assert AuditEntry.objects.count() == audit_before
    assert PartyCoverage.objects.count() == 2


def test_changed_rows_are_updated_matched_on_their_keys(tmp_path):
    import_ledger(standard(tmp_path / "l.xlsx"))
    workbook(tmp_path / "2.xlsx", {
        "社会组织": [ORG_HEADERS, org_row(1, name="改名后的协会", members=7)],
        "党组织": [PARTY_HEADERS, ["五华区测试联合支部", "党支部", "联合组建", uscc(1), "五华区社会组织综合党委", ""]],
    })
    run = import_ledger(tmp_path / "2.xlsx")
    assert run.ok, messages(run)
    assert run.summary()["updated"] == only(orgs=1, party_orgs=1)
    org = SocialOrganization.objects.get(uscc=uscc(1))
    assert org.name == "改名后的协会" and org.full_members == 7
    second = SocialOrganization.objects.get(uscc=uscc(2))
    assert not second.org_covered  # its coverage ended because the row no longer lists it
    branch = PartyOrganization.objects.get(name="五华区测试联合支部")
    assert branch.secretary_vacant and branch.secretary_vacant_since is None  # the ledger does not say since when
    update = AuditEntry.objects.get(action="registry.org.update")
    assert update.before["name"] == "测试协会1" and update.after["name"] == "改名后的协会"


def test_dry_run_counts_but_writes_nothing(tmp_path):
    run = import_ledger(standard(tmp_path / "l.xlsx"), dry_run=True)
    assert run.ok and run.summary()["created"]["orgs"] == 3
    assert nothing_written() and not AuditEntry.objects.exists()


# --- every error, nothing written ---------------------------------------------------------------------------------

def test_one_bad_row_among_many_writes_nothing_and_every_error_is_listed(tmp_path):
    rows = [org_row(i) for i in range(1, 2501)]  # more than one chunk: the first chunk was already written
    rows[2400][2] = "合作社"
    rows[10][4] = "很多"
    path = workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS] + rows})
    run = import_ledger(path)
    assert not run.ok and nothing_written()
    found = {(e["row"], e["column"]) for e in run.summary()["errors"]}
    assert found == {(2402, "类型"), (12, "正式党员人数")}


def test_uscc_problems_are_each_reported(tmp_path):
    bad = uscc(1)[:-1] + ("0" if uscc(1)[-1] != "0" else "1")
    path = workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS, [bad] + org_row(1)[1:],
                                                     ["51530102ABC", "乙", "社会团体"]]})
    run = import_ledger(path)
    assert [e["row"] for e in run.summary()["errors"]] == [2, 3]
    assert "18" in run.errors[0].message and "18" in run.errors[1].message
    assert nothing_written()


def test_duplicate_keys_in_the_file_are_errors(tmp_path):
    path = workbook(tmp_path / "l.xlsx", {
        "社会组织": [ORG_HEADERS, org_row(1), org_row(1, name="重复")],
        "党组织": [PARTY_HEADERS, ["甲支部", "党支部", "单独组建", uscc(1), "", ""],
                  ["甲支部", "党支部", "单独组建", uscc(1), "", ""]],
    })
    run = import_ledger(path)
    assert [(e["sheet"], e["row"]) for e in run.summary()["errors"]] == [("社会组织", 3), ("党组织", 3)]
    assert "2" in run.errors[0].message


def test_references_to_unknown_organizations_and_parents_are_errors(tmp_path):
    path = workbook(tmp_path / "l.xlsx", {
        "社会组织": [ORG_HEADERS, org_row(1)],
        "党组织": [PARTY_HEADERS, ["甲支部", "党支部", "联合组建", f"{uscc(1)};{uscc(99)}", "不存在的党委", ""]],
    })
    run = import_ledger(path)
    columns = sorted(e["column"] for e in run.summary()["errors"])
    assert columns == ["上级党组织", "覆盖社会组织"]
    assert uscc(99) in messages(run) and nothing_written()


def test_references_resolve_against_the_database(tmp_path):
    import_ledger(workbook(tmp_path / "orgs.xlsx", {"社会组织": [ORG_HEADERS, org_row(1)]}))
    run = import_ledger(workbook(tmp_path / "party.xlsx", {
        "党组织": [PARTY_HEADERS, ["甲支部", "党支部", "单独组建", uscc(1), "", ""]]}))
    assert run.ok, messages(run)
    assert SocialOrganization.objects.get(uscc=uscc(1)).standalone


def test_rows_outside_the_users_region_are_errors(tmp_path):
    user = make_user((Role.BUREAU_STAFF, "530102"))
    path = workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS, org_row(1), org_row(2, region="110101")]})
    run = import_ledger(path, user=user)
    assert [(e["row"], e["column"]) for e in run.summary()["errors"]] == [(3, "登记管理机关行政区划代码")]
    assert nothing_written()
    viewer = make_user((Role.BUREAU_STAFF, "110101"))
    import_ledger(workbook(tmp_path / "ok.xlsx", {"社会组织": [ORG_HEADERS, org_row(1)]}))
    run = import_ledger(tmp_path / "ok.xlsx", user=viewer)  # existing org of another county cannot be changed
    assert not run.ok


def test_unknown_region_codes_and_enumerations_are_errors(tmp_path):
    row = org_row(1)
    row[3] = "999999"
    other = org_row(2)
    other[2] = "合作社"
    run = import_ledger(workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS, row, other]}))
    text = messages(run)
    assert "999999" in text and "社会团体" in text and nothing_written()


# --- bad files ----------------------------------------------------------------------------------------------------

def test_a_text_file_is_not_an_xlsx(tmp_path):
    path = tmp_path / "l.xlsx"
    path.write_text("统一社会信用代码,名称\n", encoding="utf-8")
    run = import_ledger(path)
    assert not run.ok and ".xlsx" in run.errors[0].message and nothing_written()


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "l.xlsx"
    path.write_bytes(b"")
    assert "0" in import_ledger(path).errors[0].message


def test_a_corrupt_zip_is_reported(tmp_path):
    data = standard(tmp_path / "l.xlsx").read_bytes()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(data[: len(data) // 2])
    run = import_ledger(broken)
    assert not run.ok and nothing_written()


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "l.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "xl/workbook.xml" in import_ledger(path).errors[0].message


def test_a_password_protected_workbook_is_recognised(tmp_path):
    # Encrypted .xlsx files are OLE compound files holding an "EncryptedPackage" stream.
    path = tmp_path / "l.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le"))
    run = import_ledger(path)
    assert not run.ok and "password" in run.errors[0].message.lower() or "密码" in run.errors[0].message


def test_a_legacy_xls_is_refused_with_a_save_as_hint(tmp_path):
    path = tmp_path / "l.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    assert ".xls" in import_ledger(path).errors[0].message


def test_an_empty_workbook_is_an_error(tmp_path):
    run = import_ledger(workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS]}))
    assert not run.ok and run.errors[0].sheet == ""


def test_a_workbook_without_ledger_sheets_is_an_error(tmp_path):
    run = import_ledger(workbook(tmp_path / "l.xlsx", {"Sheet1": [["a", "b"], [1, 2]]}))
    assert not run.ok and "社会组织" in run.errors[0].message


def test_a_missing_header_row_is_reported(tmp_path):
    run = import_ledger(workbook(tmp_path / "l.xlsx", {"社会组织": [org_row(1), org_row(2)]}))
    assert not run.ok and run.errors[0].row == 1 and nothing_written()


def test_a_misspelled_header_gets_the_nearest_suggestion(tmp_path):
    headers = list(ORG_HEADERS)
    headers[1] = "名 称称"
    run = import_ledger(workbook(tmp_path / "l.xlsx", {"社会组织": [headers, org_row(1)]}))
    error = run.errors[0]
    assert error.column == "名称" and "名 称称" in error.message and nothing_written()


def test_headers_match_despite_spaces_and_full_width_characters_and_any_order(tmp_path):
    headers = [" 统一社会信用代码 ", "名　称", "类型"]
    run = import_ledger(workbook(tmp_path / "l.xlsx", {"社会组织": [list(reversed(headers)),
                                                                  ["社会团体", "甲协会", uscc(1)]]}))
    assert run.ok, messages(run)


def test_unknown_columns_are_warnings_with_a_suggestion(tmp_path):
    run = import_ledger(workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS + ["备注", "法定代表"],
                                                                  org_row(1) + ["x", "y"]]}))
    assert run.ok
    texts = [w.message for w in run.warnings]
    assert any("备注" in t for t in texts) and any("法定代表人" in t for t in texts)


def test_merged_header_cells_are_refused(tmp_path):
    path = workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS, org_row(1)]})
    book = load_workbook(path)
    book["社会组织"].merge_cells("F1:G1")
    book.save(path)
    run = import_ledger(path)
    assert "F1:G1" in messages(run) and nothing_written()


def test_a_title_row_above_the_headers_is_allowed(tmp_path):
    path = workbook(tmp_path / "l.xlsx", {"社会组织": [["五华区社会组织台账"], ORG_HEADERS, org_row(1)]})
    book = load_workbook(path)
    book["社会组织"].merge_cells("A1:G1")
    book.save(path)
    run = import_ledger(path)
    assert run.ok, messages(run)


def test_a_hidden_ledger_sheet_is_refused_and_an_unknown_hidden_sheet_ignored(tmp_path):
    path = workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS, org_row(1)], "党组织": [PARTY_HEADERS],
                                          "lists": [["x"]]})
    book = load_workbook(path)
    book["党组织"].sheet_state = "hidden"
    book["lists"].sheet_state = "hidden"
    book.save(path)
    run = import_ledger(path)
    assert [e.sheet for e in run.errors] == ["党组织"] and nothing_written()
    assert any(w.sheet == "lists" for w in run.warnings)


def test_formulas_are_refused_values_must_be_typed(tmp_path):
    path = workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS, org_row(1)[:4] + ["=1+2"] + org_row(1)[5:]]})
    run = import_ledger(path)
    assert [(e["row"], e["column"]) for e in run.summary()["errors"]] == [(2, "正式党员人数")]
    assert "formula" in messages(run).lower() or "公式" in messages(run)


def test_messy_but_meaningful_values_are_accepted(tmp_path):
    row = org_row(1)
    row[0] = " " + uscc(1).lower() + "  "  # case-insensitive code, stray spaces
    row[1] = "ＡＢＣ　行业协会  "  # full-width letters and space, trailing spaces
    row[4] = 5.0  # float count
    row[5] = 13800000000.0  # phone typed as a number
    row[6] = "2020年1月5日"  # date as text
    run = import_ledger(workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS, row]}))
    assert run.ok, messages(run)
    org = SocialOrganization.objects.get()
    assert (org.name, org.declared_full_members, org.phone, str(org.registered_on)) == (
        "ABC 行业协会", 5, "13800000000", "2020-01-05")


def test_the_activities_sheet_is_imported_by_the_handler_the_activities_app_registers(tmp_path):
    activities = [["党组织名称", "类型", "日期"], ["甲支部", "党课", "2024-01-01"]]
    path = workbook(tmp_path / "l.xlsx", {
        "社会组织": [ORG_HEADERS, org_row(1)],
        "党组织": [PARTY_HEADERS, ["甲支部", "党支部", "单独组建", uscc(1), "", ""]],
        "组织生活": activities})
    run = import_ledger(path)
    assert run.ok, messages(run)
    assert run.summary()["created"]["activities"] == 1
    assert Activity.objects.get().party_org.name == "甲支部"
    assert import_ledger(path).summary()["unchanged"]["activities"] == 1
    misspelled = [["党组织", "类型"], ["x", "y"]]  # the sheet's header checks still apply
    bad = workbook(tmp_path / "2.xlsx", {"社会组织": [ORG_HEADERS, org_row(1)], "组织生活": misspelled})
    assert not import_ledger(bad).ok


@override_settings(SOCORG_LEDGER_STREAM_BYTES=0)
def test_the_streaming_reader_gives_the_same_result_as_calamine(tmp_path):
    path = standard(tmp_path / "l.xlsx")
    run = import_ledger(path, dry_run=True)
    assert run.ok, messages(run)
    assert run.summary()["created"] == only(orgs=3, party_orgs=2, instructors=1)


# --- command line and report --------------------------------------------------------------------------------------

def test_the_command_prints_the_json_summary_and_exits_1_on_errors(tmp_path, capsys):
    path = workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS, org_row(1), ["bad", "x", "社会团体"]]})
    report = tmp_path / "report.xlsx"
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_ledger", str(path), "--format", "json", "--report", str(report))
    assert exit_info.value.code == 1
    summary = json.loads(capsys.readouterr().out)
    assert set(summary) == {"created", "updated", "unchanged", "errors", "warnings"}
    assert set(summary["errors"][0]) == {"sheet", "row", "column", "value", "message"}
    assert summary["errors"][0]["row"] == 3 and nothing_written()
    marked = load_workbook(report)["社会组织"]["A3"]
    assert marked.fill.fgColor.rgb.endswith("FFC7CE") and marked.comment is not None
    assert load_workbook(report)["社会组织"]["A2"].comment is None


def test_the_command_imports_and_exits_0(tmp_path, capsys):
    call_command("import_ledger", str(standard(tmp_path / "l.xlsx")), "--format", "json")
    assert json.loads(capsys.readouterr().out)["created"]["orgs"] == 3


def test_the_command_acts_as_a_user_with_their_scope(tmp_path, capsys):
    user = make_user((Role.BUREAU_STAFF, "110101"))
    with pytest.raises(SystemExit):
        call_command("import_ledger", str(standard(tmp_path / "l.xlsx")), "--format", "json", "--as", user.username)
    assert nothing_written()


def test_a_workbook_built_with_openpyxl_in_write_only_mode_is_read(tmp_path):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("社会组织")
    sheet.append(ORG_HEADERS)
    sheet.append(org_row(1))
    book.save(tmp_path / "l.xlsx")
    assert import_ledger(tmp_path / "l.xlsx").ok
