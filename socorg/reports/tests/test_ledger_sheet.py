"""The ledger's 「年度报告」 sheet: past results imported with the same rules as the platform's own reports."""

import pytest

from socorg.accounts.roles import Role
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user
from socorg.ledger.importer import import_ledger
from socorg.ledger.tests.helpers import ORG_HEADERS, org_row, uscc, workbook
from socorg.reports import services
from socorg.reports.models import AnnualReport

from .conftest import YEAR

pytestmark = pytest.mark.django_db
HEADERS = ["统一社会信用代码", "年度", "提交日期", "结论", "审核理由"]


def book(tmp_path, *rows, with_orgs=True):
    sheets = {"社会组织": [ORG_HEADERS, org_row(1), org_row(2)]} if with_orgs else {}
    sheets["年度报告"] = [HEADERS, *rows]
    return workbook(tmp_path / "l.xlsx", sheets)


def errors(run):
    return {(e.row, e.column): e.message for e in run.errors}


def test_past_results_are_imported_with_status_lateness_and_audit(tmp_path):
    run = import_ledger(book(tmp_path, [uscc(1), YEAR - 1, f"{YEAR}-03-01", "合格", ""],
                             [uscc(2), YEAR - 1, f"{YEAR}-07-15", "不合格", "未按期换届，财务混乱"],
                             [uscc(1), YEAR - 2, f"{YEAR - 1}-04-01", "", ""]))
    assert run.ok, errors(run)
    reports = {(r.organization.uscc, r.year): r for r in AnnualReport.objects.select_related("organization")}
    assert (reports[uscc(1), YEAR - 1].status, reports[uscc(1), YEAR - 1].conclusion) == ("reviewed", "qualified")
    assert reports[uscc(2), YEAR - 1].late is True and reports[uscc(1), YEAR - 1].late is False
    assert reports[uscc(1), YEAR - 2].status == "submitted"
    assert AuditEntry.objects.filter(action="reports.report.import").count() == 3


def test_re_importing_the_same_file_changes_nothing(tmp_path):
    path = book(tmp_path, [uscc(1), YEAR - 1, f"{YEAR}-03-01", "合格", ""])
    import_ledger(path)
    run = import_ledger(path)
    assert run.summary()["unchanged"]["annual_reports"] == 1
    assert AnnualReport.objects.count() == 1


def test_every_bad_row_is_reported_at_once_and_nothing_is_written(tmp_path):
    run = import_ledger(book(tmp_path,
                             [uscc(1), YEAR + 1, "", "", ""],                         # 2: year not ended
                             [uscc(1), YEAR - 1, f"{YEAR - 1}-12-01", "", ""],        # 3: submitted within the year
                             [uscc(2), YEAR - 1, "", "合格", ""],                      # 4: conclusion, no date
                             [uscc(2), YEAR - 2, f"{YEAR - 1}-03-01", "不合格", ""],    # 5: no reasons
                             [uscc(99), YEAR - 1, "", "", ""],                        # 6: unknown organization
                             [uscc(2), YEAR - 1, f"{YEAR}-03-01", "优秀", ""],          # 7: unknown conclusion
                             [uscc(1), YEAR - 3, f"{YEAR - 2}-03-01", "", ""],
                             [uscc(1), YEAR - 3, f"{YEAR - 2}-03-02", "", ""]))     # 9: duplicate key
    assert not run.ok
    rows = {row for row, _column in errors(run)}
    assert rows == {2, 3, 4, 5, 6, 7, 9}
    assert not AnnualReport.objects.exists()


def test_conclusions_need_review_rights_in_the_region(tmp_path):
    import_ledger(workbook(tmp_path / "o.xlsx", {"社会组织": [ORG_HEADERS, org_row(1)]}))
    party = make_user((Role.PARTY_STAFF, "530102"))
    run = import_ledger(book(tmp_path, [uscc(1), YEAR - 1, f"{YEAR}-03-01", "合格", ""], with_orgs=False),
                        user=party)
    assert not run.ok and not AnnualReport.objects.exists()


def test_a_report_being_worked_on_in_the_platform_is_not_overwritten(tmp_path):
    import_ledger(workbook(tmp_path / "o.xlsx", {"社会组织": [ORG_HEADERS, org_row(1)]}))
    from socorg.registry.models import SocialOrganization

    org = SocialOrganization.objects.get(uscc=uscc(1))
    services.report_save_draft(org=org, year=YEAR, actor=make_user((Role.BUREAU_STAFF, "530102")),
                               activities_summary="平台上的草稿")
    run = import_ledger(book(tmp_path, [uscc(1), YEAR, f"{YEAR + 1}-03-01", "合格", ""], with_orgs=False))
    assert not run.ok
    assert "平台" in " ".join(errors(run).values()) or "platform" in " ".join(errors(run).values())
    assert AnnualReport.objects.get().activities_summary == "平台上的草稿"
