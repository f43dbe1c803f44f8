"""Backups: `socorg backup PATH` and `socorg restore PATH` (see README "Backups and keys").

The archive is a tar (gzip) with the database dump (PostgreSQL: `pg_dump --format=custom`; SQLite: a copy made with
the online backup API, consistent while the platform runs), a manifest (time, database, migrations, row count per
table, audit chain head, encrypted columns) and SHA256SUMS; the whole tar is encrypted with AES-256-GCM in 1 MiB
chunks (each chunk authenticated with its number and whether it is the last, so a truncated, reordered or altered
archive is refused). The key is SOCORG_BACKUP_KEY, or derived from SOCORG_FIELD_KEY when that is unset.

A restore goes into an empty database only, then verifies it: every table's row count equals the manifest, the
audit chain is intact and ends at the manifest's head, and a sample of every encrypted column decrypts.
"""

import base64
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from . import chain
from .crypto import decrypt

MAGIC = b"SOCORG-BACKUP-1\n"
CHUNK = 1 << 20
FORMAT = 1
SAMPLE = 20


class BackupError(Exception):
    """A backup or restore refused, with a message for the operator."""


# -- encryption of the archive -----------------------------------------------------------------------------------

def _key() -> bytes:
    secret = os.environ.get("SOCORG_BACKUP_KEY", "").strip()
    if secret:
        return hashlib.sha256(secret.encode()).digest() if len(secret) != 44 else base64.urlsafe_b64decode(secret)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"socorg-backup", info=b"archive").derive(
        settings.SOCORG_FIELD_KEY.encode())


def _aad(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">I?", number, last)


def encrypt_file(source: Path, target: Path) -> None:
    aead, prefix = AESGCM(_key()), os.urandom(8)
    with open(source, "rb") as plain, open(target, "wb") as out:
        out.write(MAGIC + prefix)
        number, block = 0, plain.read(CHUNK)
        while True:
            following = plain.read(CHUNK)
            last = not following
            sealed = aead.encrypt(prefix + struct.pack(">I", number), block, _aad(prefix, number, last))
            out.write(struct.pack(">I", len(sealed)) + sealed)
            if last:
                return
            number, block = number + 1, following


def decrypt_file(source: Path, target: Path) -> None:
    aead = AESGCM(_key())
    with open(source, "rb") as sealed_file, open(target, "wb") as out:
        if sealed_file.read(len(MAGIC)) != MAGIC:
            raise BackupError("not a socorg backup archive")
        prefix, number = sealed_file.read(8), 0
        while True:
            header = sealed_file.read(4)
            if len(header) < 4:
                raise BackupError("the archive is truncated")
            sealed = sealed_file.read(struct.unpack(">I", header)[0])
            last = not sealed_file.peek(1)
            try:
                out.write(aead.decrypt(prefix + struct.pack(">I", number), sealed, _aad(prefix, number, last)))
            except InvalidTag:
                raise BackupError("the archive cannot be decrypted: wrong key, or altered or truncated data") from None
            if last:
                return
            number += 1


# -- backup ------------------------------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _encrypted_columns() -> list[tuple[str, str]]:
    from .keys import encrypted_fields

    return [(model._meta.db_table, model._meta.get_field(name).column)
            for model, names in encrypted_fields() for name in names]


def _figures(rows, tables: list[str]) -> dict:
    """What a restore must reproduce, read in the dump's own snapshot: row counts per table, the audit chain head.
    `rows(sql)` runs a query and returns its rows."""
    counts = {table: rows(f'SELECT COUNT(*) FROM "{table}"')[0][0] for table in sorted(tables)}
    head = rows("SELECT seq, entry_hash FROM core_auditentry WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
    seq, digest = head[0] if head else (0, chain.GENESIS)
    return {"tables": counts, "audit_head": {"seq": seq, "hash": digest}}


def _dump_postgresql(target: Path) -> dict:
    """pg_dump of a snapshot exported by our own REPEATABLE READ transaction, whose counts therefore match."""
    params = connection.get_connection_params()
    env = {**os.environ, **({"PGPASSWORD": str(params["password"])} if params.get("password") else {})}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        command = ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", "--file", str(target),
                   "--dbname", params.get("dbname") or settings.DATABASES["default"]["NAME"]]
        for flag, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
            if params.get(key):
                command += [flag, str(params[key])]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")

        def rows(sql):
            cursor.execute(sql)
            return cursor.fetchall()

        tables = [r[0] for r in rows("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                     "'public' AND table_type = 'BASE TABLE'")]
        return _figures(rows, tables)


def _dump_sqlite(target: Path) -> dict:
    """The online backup API's consistent copy; the figures are read from the copy itself."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        tables = [r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%'").fetchall()]
        return _figures(lambda sql: copy.execute(sql).fetchall(), tables)
    finally:
        copy.close()


def backup(path: Path) -> dict:
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="socorg-backup-") as work:
        work = Path(work)
        postgresql = connection.vendor == "postgresql"
        dump_name = "database.pgdump" if postgresql else "database.sqlite3"
        figures = (_dump_postgresql if postgresql else _dump_sqlite)(work / dump_name)
        migrations = {}
        for app, name in MigrationRecorder(connection).applied_migrations():
            migrations[app] = max(migrations.get(app, ""), name)
        manifest = {
            "format": FORMAT, "created_at": timezone.now().isoformat(), "database": connection.vendor,
            "dump": dump_name, "migrations": migrations, **figures,
            "encrypted_columns": _encrypted_columns(),
            "files": {dump_name: _sha256(work / dump_name)},
        }
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        sums = {name: _sha256(work / name) for name in (dump_name, "manifest.json")}
        (work / "SHA256SUMS").write_text("".join(f"{digest}  {name}\n" for name, digest in sums.items()))
        with tarfile.open(work / "archive.tar.gz", "w:gz") as archive:
            for name in ("manifest.json", "SHA256SUMS", dump_name):
                archive.add(work / name, arcname=name)
        encrypt_file(work / "archive.tar.gz", path)
    return manifest


# -- restore -----------------------------------------------------------------------------------------------------

@dataclass
class RestoreReport:
    manifest: dict
    problems: list[str] = field(default_factory=list)
    audit_entries: int = 0
    decrypted: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _unpack(path: Path, work: Path) -> dict:
    decrypt_file(Path(path), work / "archive.tar.gz")
    with tarfile.open(work / "archive.tar.gz", "r:gz") as archive:
        archive.extractall(work, filter="data")
    sums = {}
    for line in (work / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        sums[name] = digest
    for name, digest in sums.items():
        if _sha256(work / name) != digest:
            raise BackupError(f"checksum mismatch for {name}")
    manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown archive format {manifest.get('format')}")
    return manifest


class _Target:
    """A raw DB-API connection to the database restored into (not Django's: it may be another database)."""

    def __init__(self, url: str | None):
        self.config = dj_database_url.parse(url) if url else dict(settings.DATABASES["default"])
        self.vendor = "postgresql" if "postgresql" in self.config["ENGINE"] else "sqlite"

    def connect(self):
        if self.vendor == "sqlite":
            return sqlite3.connect(self.config["NAME"])
        import psycopg

        c = self.config
        return psycopg.connect(dbname=c["NAME"], user=c.get("USER") or None, password=c.get("PASSWORD") or None,
                               host=c.get("HOST") or None, port=c.get("PORT") or None, autocommit=True)

    def tables(self, db) -> list[str]:
        if self.vendor == "sqlite":
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            return [r[0] for r in rows.fetchall()]
        rows = db.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        return [r[0] for r in rows.fetchall()]


def _load(target: _Target, manifest: dict, work: Path) -> None:
    dump = work / manifest["dump"]
    if manifest["database"] != target.vendor:
        raise BackupError(f"the archive holds a {manifest['database']} database; the target is {target.vendor}")
    if target.vendor == "sqlite":
        name = Path(target.config["NAME"])
        if name.exists() and name.stat().st_size:
            db = sqlite3.connect(name)
            try:
                if target.tables(db):
                    raise BackupError(f"the target database {name} is not empty")
            finally:
                db.close()
        shutil.copyfile(dump, name)
        return
    db = target.connect()
    try:
        if target.tables(db):
            raise BackupError("the target database is not empty (it has tables); restore into a new database")
    finally:
        db.close()
    c = target.config
    command = ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", c["NAME"], str(dump)]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if c.get(key):
            command += [flag, str(c[key])]
    env = {**os.environ, **({"PGPASSWORD": str(c["PASSWORD"])} if c.get("PASSWORD") else {})}
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")


def _audit_rows(db, vendor: str):
    columns = ", ".join(chain.COLUMNS)
    cursor = db.execute(f"SELECT {columns} FROM core_auditentry WHERE seq IS NOT NULL ORDER BY seq")
    for row in cursor:
        row = list(row)
        at, before, after = row[3], row[10], row[11]
        if isinstance(at, str):  # SQLite keeps UTC text
            at = datetime.datetime.fromisoformat(at).replace(tzinfo=datetime.UTC)
        row[3] = at
        row[10] = json.loads(before) if isinstance(before, str) else before
        row[11] = json.loads(after) if isinstance(after, str) else after
        row[13] = None if row[13] is None else str(row[13])
        yield tuple(row)


def check(target: _Target, manifest: dict) -> RestoreReport:
    report = RestoreReport(manifest)
    db = target.connect()
    try:
        for table, expected in manifest["tables"].items():
            found = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            if found != expected:
                report.problems.append(f"{table}: {found} rows, the backup holds {expected}")
        audit = chain.verify_rows(_audit_rows(db, target.vendor))
        report.audit_entries = audit.checked
        report.problems += [f"audit chain: {p.kind} at entry {p.seq}" for p in audit.problems]
        head = manifest["audit_head"]
        if (audit.last_seq or 0, audit.head_hash or chain.GENESIS) != (head["seq"], head["hash"]):
            report.problems.append(f"audit chain head {audit.last_seq}:{audit.head_hash} is not the backup's "
                                   f"{head['seq']}:{head['hash']}")
        for table, column in manifest["encrypted_columns"]:
            rows = db.execute(f'SELECT "{column}" FROM "{table}" WHERE "{column}" <> \'\' LIMIT {SAMPLE}')
            for (token,) in rows.fetchall():
                try:
                    decrypt(token)
                    report.decrypted += 1
                except ValueError:
                    report.problems.append(f"{table}.{column}: a value does not decrypt with SOCORG_FIELD_KEY")
                    break
    finally:
        db.close()
    return report


def restore(path: Path, *, database_url: str | None = None) -> RestoreReport:
    target = _Target(database_url)
    with tempfile.TemporaryDirectory(prefix="socorg-restore-") as work:
        work = Path(work)
        manifest = _unpack(path, work)
        _load(target, manifest, work)
    return check(target, manifest)


def read_manifest(path: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="socorg-restore-") as work:
        return _unpack(path, Path(work))
