"""SQLite under an import (issue #10 item 10): a short write from another connection while an import holds the
write lock waits for it and succeeds. Run on a file database with the production settings (WAL, busy timeout,
BEGIN IMMEDIATE): the test database is an in-memory one, whose locking is different."""

import sqlite3
import threading

import pytest
from django.db import connection, connections

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.ledger.importer import import_ledger
from socorg.ledger.models import LedgerImport
from socorg.registry import ledger as registry_ledger

from .helpers import standard

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single write lock")]


@pytest.fixture
def file_database(tmp_path):
    """The test database copied into a file, and every new connection pointed at it for the test (the test's own
    connection stays on the in-memory database: closing it would drop that database)."""
    connection.ensure_connection()
    path = tmp_path / "socorg.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = connections.databases["default"]
    saved = settings_dict["NAME"], dict(settings_dict.get("OPTIONS", {}))
    settings_dict["NAME"] = str(path)
    settings_dict["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                                "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;",
                                "transaction_mode": "IMMEDIATE", "timeout": 30}
    connection.settings_dict = settings_dict
    yield path
    settings_dict["NAME"], settings_dict["OPTIONS"] = saved
    connection.settings_dict = settings_dict


@pytest.fixture
def user():
    return make_user((Role.BUREAU_STAFF, "530102"))


def test_a_short_write_during_an_import_waits_for_it_and_succeeds(user, file_database, tmp_path, monkeypatch):
    holding, results = threading.Event(), {}
    flush = registry_ledger.OrganizationSheet.flush

    def flush_and_signal(self, rows):
        flush(self, rows)
        holding.set()  # the import's transaction now holds SQLite's write lock (it has written)

    monkeypatch.setattr(registry_ledger.OrganizationSheet, "flush", flush_and_signal)

    def run_import():
        try:
            results["import"] = import_ledger(standard(tmp_path / "l.xlsx")).ok
        finally:
            connections.close_all()

    def short_write():
        try:
            holding.wait(60)
            # What a clerk's page does meanwhile: a small write of its own.
            LedgerImport.objects.create(uploaded_by=user, original_name="meanwhile.xlsx")
            results["write"] = True
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_import), threading.Thread(target=short_write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert results == {"import": True, "write": True}
    database = sqlite3.connect(file_database)
    assert database.execute("SELECT count(*) FROM registry_socialorganization").fetchone() == (3,)
    assert database.execute("SELECT count(*) FROM ledger_ledgerimport WHERE original_name = 'meanwhile.xlsx'")\
        .fetchone() == (1,)
    database.close()
