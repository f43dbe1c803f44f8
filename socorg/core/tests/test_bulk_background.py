"""core.bulk.copies_in_background: TableWriter's COPYs run in a thread of their own while the caller goes on; every
other statement on the connection waits for the COPYs handed over before it, and a failed COPY is raised in the
caller (PostgreSQL; elsewhere the block changes nothing)."""

import datetime

import pytest
from django.db import connection, transaction

from socorg.core import bulk
from socorg.core.models import AuditAnchor

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)


def _writer():
    return bulk.TableWriter(AuditAnchor, ["at", "seq", "entry_hash"], batch_size=1 << 62)


def test_a_query_after_a_copy_sees_its_rows():
    with transaction.atomic(), bulk.copies_in_background():
        for part in range(5):
            writer = _writer()
            for seq in range(part * 1000, part * 1000 + 1000):
                writer.add((AT, seq, f"{seq:064x}"))
            writer.flush()
            # Handed over, maybe still running: the count waits for it.
            assert AuditAnchor.objects.count() == (part + 1) * 1000
    assert sorted(AuditAnchor.objects.values_list("seq", flat=True)) == list(range(5000))


def test_the_copies_run_in_another_thread_on_postgresql():
    threads = []
    copy_rows = bulk.copy_rows

    def noting(cursor, sql, rows):
        import threading

        threads.append(threading.current_thread().name)
        copy_rows(cursor, sql, rows)

    bulk.copy_rows = noting
    try:
        with transaction.atomic(), bulk.copies_in_background():
            writer = _writer()
            writer.add((AT, 1, "0" * 64))
            writer.flush()
    finally:
        bulk.copy_rows = copy_rows
    # On SQLite TableWriter uses executemany (no COPY at all).
    assert threads == (["socorg-copy"] if connection.vendor == "postgresql" else [])
    assert AuditAnchor.objects.filter(seq=1).exists()


def test_a_failed_copy_is_raised_in_the_caller_and_nothing_is_kept():
    kept_before = AuditAnchor.objects.count()
    with pytest.raises(Exception) as raised, transaction.atomic(), bulk.copies_in_background():
        writer = _writer()
        writer.add((AT, 1, "0" * 64))
        writer.add((None, 2, "0" * 64))  # NOT NULL: the COPY fails
        writer.flush()
        AuditAnchor.objects.count()  # the next statement raises the COPY's failure
        pytest.fail("the failed COPY was not raised")
    assert "null" in str(raised.value).lower()
    assert AuditAnchor.objects.count() == kept_before


def test_a_failure_of_the_caller_waits_for_the_copy_and_rolls_back():
    with pytest.raises(ZeroDivisionError), transaction.atomic(), bulk.copies_in_background():
        writer = _writer()
        for seq in range(2000):
            writer.add((AT, seq, f"{seq:064x}"))
        writer.flush()
        1 / 0  # noqa: B018 — the caller fails while the COPY may still run
    assert not AuditAnchor.objects.exists()
    assert getattr(bulk._local, "copier", None) is None
