"""Parent links of party organizations, whatever the order of the rows and the chunks.

A new party organization whose parent exists when its chunk is written (created by an earlier chunk of the same
import, or in the database — on PostgreSQL also anywhere in the same chunk, whose ids are reserved before it is
written) is inserted linked; the others — a parent further down the sheet, or a changed parent of an existing
party organization — are linked after the sheet, in one statement. The result is the same."""

import pytest
from django.db import connection

from socorg.core.models import AuditEntry
from socorg.ledger import importer
from socorg.ledger.importer import import_ledger
from socorg.party.ledger import PartySheetState
from socorg.party.models import PartyOrganization

from .helpers import ORG_HEADERS, org_row, uscc, workbook

pytestmark = pytest.mark.django_db

HEADERS = ["党组织名称", "党组织类别", "组建方式", "覆盖社会组织", "上级党组织", "所属行政区划代码"]


def parents() -> dict[str, str | None]:
    return {p.name: p.parent.name if p.parent_id else None
            for p in PartyOrganization.objects.select_related("parent")}


def sheets(party_rows):
    return {"社会组织": [ORG_HEADERS, org_row(1), org_row(2), org_row(3)], "党组织": [HEADERS, *party_rows]}


@pytest.mark.parametrize(("chunk_rows", "inserted_linked"), [
    # One chunk: only the parent in the database exists when the rows are written — and, on PostgreSQL, every
    # parent of the chunk, as the chunk's ids are known before it is written.
    (2000, {"三支部"}),
    (2, {"一支部", "三支部"}),  # 甲党委 is written by the first chunk, 一支部 by the second; 丙党委 comes after 二支部
])
def test_parents_are_linked_whether_they_come_before_or_after_their_branches(tmp_path, monkeypatch, chunk_rows,
                                                                            inserted_linked):
    monkeypatch.setattr(importer, "CHUNK_ROWS", chunk_rows)
    assert import_ledger(workbook(tmp_path / "0.xlsx", sheets([
        ["已有党委", "党委", "区域联建", "", "", "530102"]]))).ok
    run = import_ledger(workbook(tmp_path / "1.xlsx", sheets([
        ["甲党委", "党委", "区域联建", "", "", "530102"],
        ["乙党委", "党委", "区域联建", "", "", "530102"],
        ["一支部", "党支部", "单独组建", uscc(1), "甲党委", ""],
        ["二支部", "党支部", "单独组建", uscc(2), "丙党委", ""],  # its parent comes further down
        ["丙党委", "党委", "区域联建", "", "", "530102"],
        ["三支部", "党支部", "单独组建", uscc(3), "已有党委", ""],  # its parent is in the database
    ])))
    assert run.ok, [e.message for e in run.errors]
    assert parents() == {"已有党委": None, "甲党委": None, "乙党委": None, "丙党委": None, "一支部": "甲党委",
                         "二支部": "丙党委", "三支部": "已有党委"}
    same_chunk = {"一支部", "二支部"} if chunk_rows == 2000 and connection.vendor == "postgresql" else set()
    assert run.state(PartySheetState).inserted_with_parent == inserted_linked | same_chunk
    created = AuditEntry.objects.get(action="party.org.create", object_repr="二支部")
    assert created.after["parent"] == "丙党委"


def test_a_changed_parent_of_an_existing_party_organization_is_linked_after_the_sheet(tmp_path):
    rows = [["甲党委", "党委", "区域联建", "", "", "530102"], ["乙党委", "党委", "区域联建", "", "", "530102"],
            ["一支部", "党支部", "单独组建", uscc(1), "甲党委", ""]]
    assert import_ledger(workbook(tmp_path / "1.xlsx", sheets(rows))).ok
    rows[2][4] = "乙党委"
    run = import_ledger(workbook(tmp_path / "2.xlsx", sheets(rows)))
    assert run.ok, [e.message for e in run.errors]
    assert parents()["一支部"] == "乙党委"
    assert run.summary()["updated"]["party_orgs"] == 1
    rows[2][4] = ""
    assert import_ledger(workbook(tmp_path / "3.xlsx", sheets(rows))).ok
    assert parents()["一支部"] is None


def test_a_bad_parent_reference_writes_nothing_even_when_other_rows_were_inserted_linked(tmp_path):
    run = import_ledger(workbook(tmp_path / "1.xlsx", sheets([
        ["甲党委", "党委", "区域联建", "", "", "530102"],
        ["一支部", "党支部", "单独组建", uscc(1), "甲党委", ""],
        ["二支部", "党支部", "单独组建", uscc(2), "不存在的党委", ""]])))
    assert not run.ok
    assert "不存在的党委" in run.errors[0].message
    assert not PartyOrganization.objects.exists()
