"""The ledger's 「组织生活」 sheet imports meetings through the activities handler: matched on their key, re-import
changes nothing, every bad row reported with a Chinese message and nothing written."""

import pytest

from socorg.activities.models import Activity
from socorg.ledger.importer import import_ledger
from socorg.ledger.tests.helpers import INSTRUCTOR_HEADERS, ORG_HEADERS, PARTY_HEADERS, org_row, uscc, workbook

pytestmark = pytest.mark.django_db
HEADERS = ["党组织名称", "类型", "日期", "主题", "应到人数", "实到人数"]


def ledger(path, activities):
    return workbook(path, {
        "社会组织": [ORG_HEADERS, org_row(1), org_row(2)],
        "党组织": [PARTY_HEADERS + ["所属行政区划代码"],
                  ["五华区测试联合支部", "党支部", "联合组建", f"{uscc(1)}；{uscc(2)}", "", "李四", "530102"]],
        "党建工作指导员": [INSTRUCTOR_HEADERS],
        "组织生活": [HEADERS, *activities],
    })


def test_meetings_are_imported_and_reimport_changes_nothing(tmp_path):
    rows = [["五华区测试联合支部", "支部党员大会", "2025-03-28", "学习党章", 10, 9],
            ["五华区测试联合支部", "党课", "2025-04-02", "", None, None]]
    preview = import_ledger(ledger(tmp_path / "a.xlsx", rows), dry_run=True)
    assert preview.ok and preview.summary()["created"]["activities"] == 2
    run = import_ledger(ledger(tmp_path / "a.xlsx", rows))
    assert run.ok, [e.message for e in run.errors]
    assert set(Activity.objects.values_list("type", "actual_attendance")) == {("member_assembly", 9),
                                                                              ("party_lecture", None)}
    again = import_ledger(ledger(tmp_path / "a.xlsx", rows))
    assert again.summary()["unchanged"]["activities"] == 2 and Activity.objects.count() == 2
    rows[0][5] = 10
    assert import_ledger(ledger(tmp_path / "b.xlsx", rows)).summary()["updated"]["activities"] == 1


def test_bad_rows_are_all_reported_and_nothing_is_written(tmp_path):
    rows = [["五华区测试联合支部", "支部大会", "2025-03-28", "", 5, 4],
            ["不存在的党支部", "党课", "2025-03-28", "", 5, 4],
            ["五华区测试联合支部", "党课", "2099-01-01", "", 5, 4],
            ["五华区测试联合支部", "主题党日", "2025-03-01", "", 5, 6]]
    run = import_ledger(ledger(tmp_path / "bad.xlsx", rows))
    assert not run.ok
    assert sorted(e.row for e in run.errors if e.sheet == "组织生活") == [2, 3, 4, 5]
    assert not Activity.objects.exists()
