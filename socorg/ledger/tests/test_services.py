"""The ledger's workflows (services.py) as the views, the tasks and the command use them."""

import json
import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from socorg.accounts.roles import Role
from socorg.core.testing import client_as, make_user
from socorg.ledger import services
from socorg.ledger.models import ImportStatus, LedgerImport
from socorg.registry.models import SocialOrganization

from .helpers import ORG_HEADERS, org_row, standard, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def uploaded(path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def invalid_workbook(tmp_path):
    return workbook(tmp_path / "bad.xlsx", {"社会组织": [ORG_HEADERS, org_row(1), ["bad", "x", "社会团体"]]})


def failing_report(*args, **kwargs):
    raise OSError("disk full")


def test_upload_confirm_and_run_import_the_workbook(tmp_path):
    user = make_user((Role.BUREAU_STAFF, "530102"))
    item = services.upload(user, uploaded(standard(tmp_path / "l.xlsx")))
    item.refresh_from_db()
    assert item.status == ImportStatus.VALIDATED and item.preview["created"]["orgs"] == 3
    services.confirm(user, item)
    item.refresh_from_db()
    assert item.status == ImportStatus.DONE and SocialOrganization.objects.count() == 3


def test_a_workbook_is_confirmed_once_even_when_confirm_comes_twice(tmp_path, monkeypatch):
    user = make_user((Role.BUREAU_STAFF, "530102"))
    item = services.upload(user, uploaded(standard(tmp_path / "l.xlsx")))
    started = []
    monkeypatch.setattr("socorg.ledger.tasks.apply_import.delay", started.append)
    services.confirm(user, item)
    with pytest.raises(PermissionDenied):
        services.confirm(user, item)  # the second click finds the import already started
    assert started == [item.pk]


def test_only_users_with_the_import_capability_upload(tmp_path):
    with pytest.raises(PermissionDenied):
        services.upload(make_user((Role.VIEWER, "530102")), uploaded(standard(tmp_path / "l.xlsx")))
    assert not LedgerImport.objects.exists()


def test_a_report_that_cannot_be_written_is_logged_and_shown_on_the_page(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(services, "write_report", failing_report)
    client = client_as(make_user((Role.BUREAU_STAFF, "530102")))
    with caplog.at_level(logging.ERROR, logger="socorg.ledger.services"):
        client.post("/ledger/", {"file": uploaded(invalid_workbook(tmp_path))})
    item = LedgerImport.objects.get()
    assert item.status == ImportStatus.INVALID and not item.report
    assert "disk full" in caplog.text  # the cause is in the server log …
    page = client.get(f"/ledger/imports/{item.pk}/").content.decode()
    assert "标注错误单元格的工作簿未能生成" in page  # … and the user is told, in Chinese
    assert "disk full" not in page and "OSError" not in page


def test_a_report_that_cannot_be_written_is_shown_by_the_command(tmp_path, monkeypatch, capsys, caplog):
    monkeypatch.setattr(services, "write_report", failing_report)
    with translation.override("zh-hans"), pytest.raises(SystemExit) as exit_info:
        call_command("import_ledger", str(invalid_workbook(tmp_path)), "--format", "json",
                     "--report", str(tmp_path / "out.xlsx"))
    assert exit_info.value.code == 1
    warnings = [w["message"] for w in json.loads(capsys.readouterr().out)["warnings"]]
    assert any("标注错误单元格的工作簿未能生成" in message for message in warnings)
    assert "disk full" in caplog.text


def test_an_unexpected_failure_marks_the_import_failed_with_a_chinese_message(tmp_path, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(services, "import_ledger", broken)
    client = client_as(make_user((Role.BUREAU_STAFF, "530102")))
    with pytest.raises(RuntimeError):
        client.post("/ledger/", {"file": uploaded(standard(tmp_path / "l.xlsx"))})
    item = LedgerImport.objects.get()
    assert item.status == ImportStatus.FAILED and "internal detail" in caplog.text
    page = client.get(f"/ledger/imports/{item.pk}/").content.decode()
    assert "导入意外失败" in page and "internal detail" not in page


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the row limit protects SQLite's single write lock")
def test_on_sqlite_a_web_import_above_the_row_limit_is_refused_before_anything_is_written(tmp_path, settings):
    settings.SOCORG_LEDGER_SQLITE_MAX_ROWS = 4
    user = make_user((Role.BUREAU_STAFF, "530102"))
    with translation.override("zh-hans"):
        item = services.upload(user, uploaded(standard(tmp_path / "l.xlsx", orgs=5)))
    item.refresh_from_db()
    assert item.status == ImportStatus.INVALID and not SocialOrganization.objects.exists()
    message = item.preview["errors"][0]["message"]
    assert "SQLite" in message and "PostgreSQL" in message and "4" in message
    settings.SOCORG_LEDGER_SQLITE_MAX_ROWS = 20
    assert services.import_file(standard(tmp_path / "m.xlsx", orgs=5), row_limit=20).ok


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL has no single write lock")
def test_the_row_limit_does_not_apply_on_postgresql(tmp_path):
    assert services.import_file(standard(tmp_path / "l.xlsx", orgs=5), row_limit=1).ok
