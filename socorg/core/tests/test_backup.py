"""`socorg backup` → `socorg restore` round trip: an encrypted archive with manifest and checksums, restored into an
empty database with identical figures (row counts, audit chain head, coverage counts) and verified."""

import datetime
import os
import sqlite3
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from socorg.accounts.roles import Role
from socorg.core import backup as backups
from socorg.core.audit import SYSTEM, audit_write
from socorg.core.testing import make_user
from socorg.party.services import instructors as instructor_services
from socorg.party.services import party_orgs
from socorg.party.tests.factories import make_org

# The backup reads committed data (as in production), so these tests commit theirs.
pytestmark = pytest.mark.django_db(transaction=True)


def some_data():
    staff = make_user((Role.PARTY_STAFF, "530102"), (Role.BUREAU_STAFF, "530102"))
    orgs = [make_org("530102") for _ in range(3)]
    party_orgs.party_org_create(name="备份测试党支部", kind="branch", formation="standalone", region="530102",
                                organizations=orgs[:1], actor=staff, founded_on=datetime.date(2020, 1, 1))
    instructor_services.instructor_create(name="王五", phone="13912345678", region="530102", actor=staff)
    audit_write(action="test.backup", actor=SYSTEM, after={"n": 1})


def figures(rows) -> dict:
    """The figures a restore must reproduce, read with plain SQL: row counts of every table, the audit chain head
    and the maintained coverage counts."""
    tables = [t for (t,) in rows("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")] \
        if connection.vendor == "sqlite" else \
        [t for (t,) in rows("SELECT table_name FROM information_schema.tables WHERE table_schema='public' "
                            "AND table_type='BASE TABLE'")]
    return {"tables": {t: rows(f'SELECT COUNT(*) FROM "{t}"')[0][0] for t in sorted(tables)},
            "head": rows("SELECT seq, entry_hash FROM core_auditentry ORDER BY seq DESC LIMIT 1")[0],
            "coverage": rows("SELECT region_id, orgs, org_covered, work_covered FROM coverage_regioncounts "
                             "ORDER BY region_id")}


def ours(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(r) for r in cursor.fetchall()]


@pytest.fixture(autouse=True)
def _backup_key(monkeypatch):
    monkeypatch.setenv("SOCORG_BACKUP_KEY", "backup-key-for-the-round-trip-test")


def test_the_archive_is_encrypted_and_carries_a_manifest_with_checksums(tmp_path, vendor):
    if vendor != "sqlite":
        pytest.skip("the PostgreSQL round trip below covers pg_dump")
    some_data()
    call_command("backup", str(tmp_path / "b.socorg"))
    raw = (tmp_path / "b.socorg").read_bytes()
    assert raw.startswith(backups.MAGIC) and b"13912345678" not in raw and b"manifest" not in raw
    manifest = backups.read_manifest(tmp_path / "b.socorg")
    assert manifest["database"] == "sqlite" and manifest["tables"]["party_instructor"] == 1
    assert set(manifest["files"]) == {"database.sqlite3"} and len(manifest["files"]["database.sqlite3"]) == 64
    assert manifest["audit_head"]["seq"] >= 3
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", str(tmp_path / "b.socorg"))


def test_an_altered_or_truncated_archive_is_refused(tmp_path, vendor):
    if vendor != "sqlite":
        pytest.skip("format test, database-independent")
    some_data()
    call_command("backup", str(tmp_path / "b.socorg"))
    raw = bytearray((tmp_path / "b.socorg").read_bytes())
    raw[len(raw) // 2] ^= 1
    (tmp_path / "altered.socorg").write_bytes(bytes(raw))
    (tmp_path / "short.socorg").write_bytes((tmp_path / "b.socorg").read_bytes()[:-100])
    for name in ("altered.socorg", "short.socorg"):
        with pytest.raises(CommandError, match="恢复失败"):
            call_command("restore", str(tmp_path / name), "--database-url", f"sqlite:///{tmp_path}/x.sqlite3")


def test_sqlite_round_trip_gives_identical_figures(tmp_path, vendor):
    if vendor != "sqlite":
        pytest.skip("SQLite round trip")
    some_data()
    before = figures(ours)
    call_command("backup", str(tmp_path / "b.socorg"))
    target = tmp_path / "restored.sqlite3"
    call_command("restore", str(tmp_path / "b.socorg"), "--database-url", f"sqlite:///{target}")
    restored = sqlite3.connect(target)
    try:
        after = figures(lambda sql: [tuple(r) for r in restored.execute(sql).fetchall()])
    finally:
        restored.close()
    assert after == before
    assert before["tables"]["party_instructor"] == 1 and before["coverage"]
    with pytest.raises(CommandError, match="not empty"):  # never over existing data
        call_command("restore", str(tmp_path / "b.socorg"), "--database-url", f"sqlite:///{target}")


def test_restore_reports_a_database_that_does_not_match_its_manifest(tmp_path, vendor, monkeypatch):
    if vendor != "sqlite":
        pytest.skip("SQLite round trip")
    some_data()
    call_command("backup", str(tmp_path / "b.socorg"))
    real_load = backups._load

    def load_then_tamper(target, manifest, work):
        real_load(target, manifest, work)
        db = sqlite3.connect(target.config["NAME"])
        db.execute("DROP TRIGGER IF EXISTS core_auditentry_no_delete")
        db.execute("DELETE FROM core_auditentry WHERE seq = 2")
        db.commit()
        db.close()

    monkeypatch.setattr(backups, "_load", load_then_tamper)
    with pytest.raises(CommandError, match="校验未通过"):
        call_command("restore", str(tmp_path / "b.socorg"), "--database-url", f"sqlite:///{tmp_path}/r.sqlite3")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip_gives_identical_figures(tmp_path):
    import psycopg

    some_data()
    before = figures(ours)
    call_command("backup", str(tmp_path / "b.socorg"))
    params = connection.get_connection_params()
    name = f"socorg_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(**{k: v for k, v in params.items() if k in ("host", "port", "user", "password")},
                            dbname="postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        user = params.get("user", "")
        url = f"postgres://{user}@{params.get('host', '127.0.0.1')}:{params.get('port', 5432)}/{name}"
        if params.get("password"):
            os.environ.setdefault("PGPASSWORD", str(params["password"]))
        call_command("restore", str(tmp_path / "b.socorg"), "--database-url", url)
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as restored:
            after = figures(lambda sql: [tuple(r) for r in restored.execute(sql).fetchall()])
        assert after == before
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
