"""The audit log's hash chain: append, verify, anchor.

Each entry gets the next sequence number and `entry_hash = sha256(prev_hash + "\\n" + canonical content)`, where
the canonical content is a JSON array of every column an auditor reads (the time in UTC to the microsecond, the
before/after pictures as key-sorted JSON). Deleting an entry leaves a gap in the numbers and a dangling link;
altering one changes its hash; reordering changes the numbers the hashes cover. A database owner who disables the
triggers and recomputes the whole chain is caught by the anchors: the chain head written daily to the log file (and
shown to the auditor on /audit/) no longer matches.

Appends are serialized: the writer takes the chain lock (a transaction-scoped advisory lock on PostgreSQL; SQLite's
IMMEDIATE transactions already hold the database's write lock), reads the head, and keeps the lock until its
transaction commits, so two writers never build on the same head.
"""

import datetime
import functools
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import AuditAnchor, AuditEntry

logger = logging.getLogger("socorg.audit")
LOCK_KEY = 0x736F636F7267  # "socorg": the advisory lock of the chain head
GENESIS = "0" * 64
VERIFY_BATCH = 5000


def json_text(data) -> str | None:
    """The canonical JSON of a before/after picture as read back from the database."""
    if data is None:
        return None
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@functools.lru_cache(maxsize=16)  # entries written in bulk share their time (core.audit.AuditWriter)
def utc_text(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


_CONTENT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # json.dumps would build one per entry


def entry_hash(prev_hash: str, seq: int, at: datetime.datetime, actor_id, actor_name: str, action: str,
               object_type: str, object_id: str, object_repr: str, before: str | None, after: str | None,
               request_id: str, ip) -> str:
    content = _CONTENT_JSON.encode([seq, utc_text(at), actor_id, actor_name, action, object_type, object_id,
                                    object_repr, before, after, request_id, None if ip is None else str(ip)])
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


@dataclass
class Head:
    seq: int = 0
    hash: str = GENESIS

    def link(self, *content) -> tuple[int, str, str]:
        """(seq, prev_hash, entry_hash) of the next entry; the head moves on to it."""
        seq, prev = self.seq + 1, self.hash
        self.seq, self.hash = seq, entry_hash(prev, seq, *content)
        return seq, prev, self.hash


def lock_head() -> Head:
    """Take the chain lock for the rest of the current transaction and return the head. Call inside atomic()."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cursor.execute("SELECT seq, entry_hash FROM core_auditentry WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
        row = cursor.fetchone()
    return Head(*row) if row else Head()


def current_head() -> Head:
    row = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "entry_hash").first()
    return Head(*row) if row else Head()


# -- verification -------------------------------------------------------------------------------------------------

@dataclass
class Problem:
    kind: str  # "gap", "link", "altered", "anchor", "unchained"
    seq: int | None
    detail: str = ""


@dataclass
class Report:
    checked: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    head_hash: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


COLUMNS = ["seq", "prev_hash", "entry_hash", "at", "actor_id", "actor_name", "action", "object_type", "object_id",
           "object_repr", "before", "after", "request_id", "ip"]


def _rows(since: datetime.datetime | None) -> Iterator[tuple]:
    entries = AuditEntry.objects.filter(seq__isnull=False).order_by("seq")
    if since is not None:
        entries = entries.filter(at__gte=since)
    last = None
    while True:  # keyset pages: constant memory, no server-side cursor needed
        page = list((entries if last is None else entries.filter(seq__gt=last)).values_list(*COLUMNS)[:VERIFY_BATCH])
        if not page:
            return
        yield from page
        last = page[-1][0]


def verify_rows(rows: Iterable[tuple], *, from_start: bool = True, anchors: Iterable[tuple[int, str]] = ()
                ) -> Report:
    """Walk chained entries (tuples in COLUMNS order, by seq) and report every gap, broken link and altered entry,
    then check the anchors against them. `from_start` False: the first entry's link backwards is trusted."""
    report = Report()
    prev_seq, prev_hash = None, None
    anchors = sorted(set(anchors))
    wanted = {seq for seq, _hash in anchors}
    seen: dict[int, str] = {}
    for seq, stored_prev, stored_hash, at, *content in rows:
        content[6], content[7] = json_text(content[6]), json_text(content[7])  # before, after
        if prev_seq is None:
            report.first_seq = seq
            if from_start and seq != 1:
                report.problems.append(Problem("gap", 1, f"1–{seq - 1}"))
            elif from_start and stored_prev != GENESIS:
                report.problems.append(Problem("link", seq))
        else:
            if seq != prev_seq + 1:
                report.problems.append(Problem("gap", prev_seq + 1, f"{prev_seq + 1}–{seq - 1}"))
            if stored_prev != prev_hash:
                report.problems.append(Problem("link", seq))
        if entry_hash(stored_prev, seq, at, *content) != stored_hash:
            report.problems.append(Problem("altered", seq))
        if seq in wanted:
            seen[seq] = stored_hash
        prev_seq, prev_hash = seq, stored_hash
        report.checked += 1
    report.last_seq, report.head_hash = prev_seq, prev_hash or ""
    for seq, expected in anchors:
        if report.first_seq is not None and seq < report.first_seq:
            continue  # before the verified range (--from)
        if seen.get(seq) != expected:
            report.problems.append(Problem("anchor", seq, expected))
    return report


def verify(*, since: datetime.datetime | None = None, anchors: Iterable[tuple[int, str]] = ()) -> Report:
    """Verify the audit log of this database (from the first entry at or after `since`), with its stored anchors
    and the ones given (e.g. from the anchor log file)."""
    stored = AuditAnchor.objects.values_list("seq", "entry_hash")
    report = verify_rows(_rows(since), from_start=since is None, anchors=[*stored, *anchors])
    unchained = AuditEntry.objects.filter(seq__isnull=True).count()
    if unchained:
        report.problems.append(Problem("unchained", None, str(unchained)))
    return report


# -- anchoring ------------------------------------------------------------------------------------------------------

ANCHOR_LINE = re.compile(r"audit chain head \S+ seq=(\d+) hash=([0-9a-f]{64})")


def anchor() -> AuditAnchor:
    """Record the chain head now: a row for the auditor's page, a line in the anchor log file and in the log."""
    head = current_head()
    entry = AuditAnchor.objects.create(at=timezone.now(), seq=head.seq, entry_hash=head.hash)
    line = f"audit chain head {timezone.localtime(entry.at).isoformat()} seq={head.seq} hash={head.hash}"
    path = Path(settings.AUDIT_ANCHOR_LOG)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as log:
        log.write(line + "\n")
    logger.info(line)
    return entry


def logged_anchors(path: Path | None = None) -> list[tuple[int, str]]:
    """The anchors in the anchor log file: (seq, hash) per line; none when the file does not exist."""
    path = Path(path or settings.AUDIT_ANCHOR_LOG)
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = ANCHOR_LINE.search(line)
        if match:
            found.append((int(match[1]), match[2]))
    return found
