"""The audit log refuses deletes and truncation, and its hash chain shows deleted, altered and reordered entries
even when a database owner disables the triggers (`socorg audit-verify`)."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from socorg.core.audit import SYSTEM, AuditRecord, AuditWriter, audit_write, audit_write_many
from socorg.core.chain import GENESIS, anchor, logged_anchors, verify
from socorg.core.models import AuditAnchor, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _anchor_log(settings, tmp_path):
    settings.AUDIT_ANCHOR_LOG = tmp_path / "audit-anchors.log"


def write_entries(count: int = 5) -> list[AuditEntry]:
    for n in range(count):
        audit_write(action="test.thing.change", actor=SYSTEM, object_type="test.thing", object_id=str(n),
                    before={"n": n}, after={"n": n + 1, "name": "甲协会"})
    return list(AuditEntry.objects.order_by("seq"))


def as_database_owner(*statements: str) -> None:
    """What an owner of the database can do: lift the triggers, then change the table directly."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_delete")
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update")
        for sql in statements:
            cursor.execute(sql)


def kinds(report) -> list[tuple[str, int | None]]:
    return [(p.kind, p.seq) for p in report.problems]


def test_entries_are_numbered_and_each_links_to_the_one_before():
    entries = write_entries(3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    assert verify().ok and verify().checked == 3


def test_bulk_and_single_writes_share_one_chain():
    write_entries(2)
    writer = AuditWriter(SYSTEM)
    for n in range(3):
        writer.add("ledger.row", "registry.socialorganization", n, f"组织{n}", after={"row": n})
    writer.flush()
    audit_write_many([AuditRecord("ledger.import", object_type="ledger.workbook", object_id="x")], actor=SYSTEM)
    write_entries(1)
    report = verify()
    assert report.ok, report.problems
    assert (report.checked, report.last_seq) == (7, 7)


def test_delete_from_any_client_is_refused():
    entry = write_entries(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_truncate_is_refused_on_postgresql(vendor):
    if vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    write_entries(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditentry")
    assert AuditEntry.objects.count() == 1


def test_a_deleted_entry_is_found_although_the_owner_disabled_the_triggers():
    entries = write_entries(5)
    as_database_owner(f"DELETE FROM core_auditentry WHERE id = {entries[2].pk}")
    assert kinds(verify()) == [("gap", 3), ("link", 4)]


def test_an_altered_entry_is_found():
    entries = write_entries(5)
    as_database_owner(f"UPDATE core_auditentry SET actor_name = 'nobody' WHERE id = {entries[1].pk}")
    assert kinds(verify()) == [("altered", 2)]


def test_a_changed_picture_is_found():
    entries = write_entries(3)
    as_database_owner(f"UPDATE core_auditentry SET after = '{{\"n\": 99, \"name\": \"甲协会\"}}' "
                      f"WHERE id = {entries[0].pk}")
    assert kinds(verify()) == [("altered", 1)]


def test_reordered_entries_are_found():
    entries = write_entries(4)
    first, second = entries[1], entries[2]
    as_database_owner(f"UPDATE core_auditentry SET seq = -1 WHERE id = {first.pk}",
                      f"UPDATE core_auditentry SET seq = {first.seq} WHERE id = {second.pk}",
                      f"UPDATE core_auditentry SET seq = {second.seq} WHERE id = {first.pk}")
    assert ("altered", 2) in kinds(verify()) and ("altered", 3) in kinds(verify())


def test_a_cut_tail_is_found_by_the_anchor():
    entries = write_entries(4)
    anchor()
    as_database_owner(f"DELETE FROM core_auditentry WHERE id = {entries[-1].pk}")
    assert kinds(verify()) == [("anchor", 4)]


def test_a_chain_rewritten_by_the_owner_is_caught_by_the_logged_anchor():
    write_entries(4)
    anchor()
    # The owner removes entry 4, re-chains what is left and deletes the stored anchor: only the log file knows.
    as_database_owner("DELETE FROM core_auditentry WHERE seq = 4", "DELETE FROM core_auditanchor")
    assert verify().ok  # nothing inside the database betrays it …
    assert kinds(verify(anchors=logged_anchors())) == [("anchor", 4)]  # … the anchor log does


def test_anchor_writes_the_head_to_the_log_file(settings):
    entries = write_entries(2)
    entry = anchor()
    assert (entry.seq, entry.entry_hash) == (2, entries[-1].entry_hash)
    assert logged_anchors() == [(2, entries[-1].entry_hash)]
    assert f"seq=2 hash={entries[-1].entry_hash}" in settings.AUDIT_ANCHOR_LOG.read_text()


def test_audit_verify_command_passes_an_intact_log(capsys):
    write_entries(3)
    call_command("audit_verify")
    assert "3" in capsys.readouterr().out


def test_audit_verify_command_fails_naming_the_deleted_entries(capsys):
    entries = write_entries(4)
    as_database_owner(f"DELETE FROM core_auditentry WHERE id IN ({entries[1].pk}, {entries[2].pk})")
    with pytest.raises(CommandError):
        call_command("audit_verify")
    assert "2–3" in capsys.readouterr().err


def test_audit_verify_from_a_date_after_a_purge():
    entries = write_entries(4)
    old = entries[0]
    as_database_owner(f"UPDATE core_auditentry SET at = '2020-01-01 00:00:00' WHERE id = {old.pk}")
    # The owner purges entries before 2021 (retention) and verification starts after the purge.
    as_database_owner(f"DELETE FROM core_auditentry WHERE id = {old.pk}")
    with pytest.raises(CommandError):
        call_command("audit_verify")
    call_command("audit_verify", "--from", "2021-01-01")


def test_audit_verify_refuses_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit_verify", "--from", "2021-13-01")


def test_auditor_sees_the_latest_anchor(client):
    from socorg.core.testing import make_user

    write_entries(2)
    head = anchor()
    auditor = make_user(("audit_admin", "100000"), password="Str0ng-Passw0rd!")
    client.force_login(auditor)
    body = client.get("/audit/").content.decode()
    assert head.entry_hash in body and AuditAnchor.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    barrier = threading.Barrier(4)

    def work(n):
        try:
            barrier.wait()
            for i in range(10):
                if i % 3:
                    audit_write(action="test.parallel", actor=SYSTEM, object_id=f"{n}-{i}")
                else:
                    audit_write_many([AuditRecord("test.parallel.bulk", object_id=f"{n}-{i}-{k}")
                                      for k in range(5)], actor=SYSTEM)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = verify()
    assert report.ok, report.problems
    assert report.checked == AuditEntry.objects.count() == 4 * (6 * 1 + 4 * 5)
