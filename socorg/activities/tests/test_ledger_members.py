"""The ledger carries attendance per member (「组织生活」's 出席党员 column) and dues per member per month (the
「党费缴纳」 sheet): imported with the same rules as the services, re-import changes nothing, the export writes the
import's format (names, 姓名#编号 only for namesakes), and member names only go to users who may see members."""

import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from socorg.activities.models import Activity, Attendance, DuesPayment
from socorg.core.testing import make_user
from socorg.ledger.importer import import_ledger
from socorg.ledger.tests.helpers import workbook
from socorg.ledger.writers import export_ledger
from socorg.party.models import PartyCoverage, PartyMember, PartyOrganization
from socorg.party.tests.factories import make_org

pytestmark = pytest.mark.django_db
LIFE = ["党组织名称", "类型", "日期", "主题", "应到人数", "实到人数", "出席党员"]
DUES = ["党组织名称", "党员姓名", "月份", "金额", "缴纳日期"]
BRANCH = "五华区测试协会党支部"


@pytest.fixture
def members():
    branch = PartyOrganization.objects.create(name=BRANCH, kind="branch", formation="joint", is_functional=True,
                                              region_id="530102", founded_on=datetime.date(2020, 1, 1))
    PartyCoverage.objects.create(party_org=branch, organization=make_org("530102"), start_on=datetime.date(2020, 1, 1))
    return {name: PartyMember.objects.create(name=name, party_org=branch, joined_on=datetime.date(2018, 1, 1))
            for name in ("张三", "李四", "王五")}


def sheets(path, life=(), dues=()):
    return workbook(path, {"组织生活": [LIFE, *life], "党费缴纳": [DUES, *dues]})


def test_attendees_are_imported_counted_and_reimport_changes_nothing(tmp_path, members):
    life = [[BRANCH, "支部党员大会", "2025-03-28", "学习党章", 3, None, "张三、李四"]]
    run = import_ledger(sheets(tmp_path / "a.xlsx", life))
    assert run.ok, [e.message for e in run.errors]
    activity = Activity.objects.get()
    assert activity.actual_attendance == 2
    assert set(activity.attendances.values_list("member__name", flat=True)) == {"张三", "李四"}
    again = import_ledger(sheets(tmp_path / "a.xlsx", life))
    assert again.summary()["unchanged"]["activities"] == 1
    life[0][6] = "张三；王五"
    changed = import_ledger(sheets(tmp_path / "b.xlsx", life))
    assert changed.summary()["updated"]["activities"] == 1
    assert set(activity.attendances.values_list("member__name", flat=True)) == {"张三", "王五"}


def test_an_empty_attendee_cell_keeps_the_recorded_list(tmp_path, members):
    import_ledger(sheets(tmp_path / "a.xlsx", [[BRANCH, "党课", "2025-04-02", "", None, None, "张三"]]))
    run = import_ledger(sheets(tmp_path / "b.xlsx", [[BRANCH, "党课", "2025-04-02", "", None, 1, None]]))
    assert run.summary()["unchanged"]["activities"] == 1
    assert Attendance.objects.count() == 1


def test_bad_attendee_lists_are_reported_and_nothing_is_written(tmp_path, members):
    PartyMember.objects.create(name="张三", party_org=members["张三"].party_org)  # a namesake
    life = [[BRANCH, "党课", "2025-04-02", "一", None, None, "张三"],
            [BRANCH, "党课", "2025-04-03", "二", None, None, "赵六"],
            [BRANCH, "党课", "2025-04-04", "三", None, 5, "李四"],
            [BRANCH, "党课", "2017-04-04", "四", None, None, "李四"]]
    run = import_ledger(sheets(tmp_path / "bad.xlsx", life))
    messages = {e.row: e.message for e in run.errors if e.sheet == "组织生活"}
    assert sorted(messages) == [2, 3, 4, 5]
    assert f"张三#{members['张三'].pk}" in messages[2]
    assert "赵六" in messages[3]
    assert "5" in messages[4]
    assert not Activity.objects.exists() and not Attendance.objects.exists()
    ok = import_ledger(sheets(tmp_path / "ok.xlsx", [[BRANCH, "党课", "2025-04-02", "一", None, None,
                                                      f"张三#{members['张三'].pk}"]]))
    assert ok.ok and list(Attendance.objects.values_list("member_id", flat=True)) == [members["张三"].pk]


def test_an_importer_who_may_not_see_members_cannot_list_attendees(tmp_path, members, monkeypatch):
    # No built-in role records activities in a region without seeing its members; a deployment's may: an
    # instructor without members.view stands for it.
    from socorg.accounts.roles import ROLE_CAPABILITIES, Role

    monkeypatch.setitem(ROLE_CAPABILITIES, Role.INSTRUCTOR, ROLE_CAPABILITIES[Role.INSTRUCTOR] - {"members.view"})
    account = make_user(("instructor", "530102"))
    run = import_ledger(sheets(tmp_path / "a.xlsx", [[BRANCH, "党课", "2025-04-02", "", None, None, "张三"]]),
                        user=account)
    assert not run.ok and "出席党员" in {e.column for e in run.errors}


def test_dues_are_imported_per_member_and_month_and_reimport_changes_nothing(tmp_path, members):
    dues = [[BRANCH, "张三", "2025-01", "12.5", "2025-01-20"], [BRANCH, "张三", "2025年2月", 12.5, None],
            [BRANCH, "李四", datetime.datetime(2025, 1, 15), "8", None]]
    run = import_ledger(sheets(tmp_path / "d.xlsx", dues=dues))
    assert run.ok, [e.message for e in run.errors]
    assert set(DuesPayment.objects.values_list("member__name", "month", "amount")) == {
        ("张三", datetime.date(2025, 1, 1), Decimal("12.50")), ("张三", datetime.date(2025, 2, 1), Decimal("12.50")),
        ("李四", datetime.date(2025, 1, 1), Decimal("8.00"))}
    again = import_ledger(sheets(tmp_path / "d.xlsx", dues=dues))
    assert again.summary()["unchanged"]["dues"] == 3 and DuesPayment.objects.count() == 3


def test_bad_dues_rows_are_reported_and_nothing_is_written(tmp_path, members):
    dues = [[BRANCH, "赵六", "2025-01", "10", None], [BRANCH, "张三", "2025-13", "10", None],
            [BRANCH, "张三", "2025-01", "-3", None], [BRANCH, "张三", "2017-05", "10", None],
            [BRANCH, "李四", "2099-01", "10", None], ["不存在的支部", "李四", "2025-01", "10", None],
            [BRANCH, "王五", "2025-03", "10", None], [BRANCH, "王五", "2025-03", "11", None]]
    run = import_ledger(sheets(tmp_path / "bad.xlsx", dues=dues))
    assert sorted(e.row for e in run.errors if e.sheet == "党费缴纳") == [2, 3, 4, 5, 6, 7, 9]
    assert not DuesPayment.objects.exists()


def test_export_writes_attendees_and_dues_in_the_import_format_and_round_trips(tmp_path, members):
    PartyMember.objects.create(name="张三", party_org=members["张三"].party_org, joined_on=datetime.date(2019, 1, 1))
    first = members["张三"]
    life = [[BRANCH, "支部党员大会", "2025-03-28", "学习党章", 4, None, f"张三#{first.pk}、李四"]]
    dues = [[BRANCH, f"张三#{first.pk}", "2025-01", "12.50", "2025-01-20"], [BRANCH, "李四", "2025-01", "8.00", None]]
    assert import_ledger(sheets(tmp_path / "in.xlsx", life, dues)).ok
    export_ledger(tmp_path / "out.xlsx")
    book = load_workbook(tmp_path / "out.xlsx")
    exported_life = [list(r) for r in book["组织生活"].iter_rows(min_row=2, values_only=True)]
    assert sorted(exported_life[0][6].split("、")) == sorted(["李四", f"张三#{first.pk}"])
    exported_dues = [list(r) for r in book["党费缴纳"].iter_rows(min_row=2, values_only=True)]
    assert sorted(r[:3] for r in exported_dues) == sorted([[BRANCH, "李四", "2025-01"],
                                                           [BRANCH, f"张三#{first.pk}", "2025-01"]])
    run = import_ledger(tmp_path / "out.xlsx")
    assert run.ok, [(e.sheet, e.row, e.message) for e in run.errors]
    assert run.summary()["unchanged"]["activities"] == 1 and run.summary()["unchanged"]["dues"] == 2


def test_export_leaves_attendees_out_for_a_user_who_may_not_see_members(tmp_path, members):
    activity = Activity.objects.create(party_org=members["张三"].party_org, type="party_lecture",
                                       date=datetime.date(2025, 4, 2))
    Attendance.objects.create(activity=activity, member=members["张三"])
    account = make_user(("viewer", "530102"))
    export_ledger(tmp_path / "out.xlsx", user=account)
    book = load_workbook(tmp_path / "out.xlsx")
    rows = [list(r) for r in book["组织生活"].iter_rows(min_row=2, values_only=True)]
    assert rows and rows[0][6] is None
    assert "党费缴纳" in book.sheetnames and book["党费缴纳"].max_row == 1
