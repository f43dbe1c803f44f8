"""The one place that writes the audit log.

Every entry names its actor explicitly: a user, `SYSTEM` for jobs and console commands, or `unauthenticated(name)`
for someone without an account (the user name typed into a failed login). Nothing is guessed from the request.

Services call audit_write() inside their transaction, so an entry exists exactly when the change it describes was
committed. Bulk operations (the ledger import) use AuditWriter, which writes its entries as plain rows through
socorg.core.bulk.TableWriter (PostgreSQL COPY, SQLite executemany); audit_write_many() is AuditWriter over a list of
AuditRecord. A test proves audit_write and AuditWriter write the same rows.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from . import context
from .bulk import TableWriter
from .chain import lock_head
from .models import AuditEntry

AUDIT_BATCH = 5000
FIELDS = ["at", "actor", "actor_name", "action", "object_type", "object_id", "object_repr", "before", "after",
          "request_id", "ip", "seq", "prev_hash", "entry_hash"]


@dataclass(frozen=True)
class Actor:
    """An actor without an account: the system itself, or a person known only by the name they typed."""

    name: str


SYSTEM = Actor("system")


def unauthenticated(name: str) -> Actor:
    return Actor(str(name or "?")[:150])


@dataclass(frozen=True)
class AuditRecord:
    action: str
    obj: models.Model | None = None
    before: dict | None = None
    after: dict | None = None
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""


def _actor_columns(actor) -> tuple[int | None, str]:
    """(actor id, actor name) of an explicit actor; anything else is a programming error, refused loudly."""
    if isinstance(actor, Actor):
        return None, actor.name
    if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False):
        return actor.pk, actor.username
    raise TypeError(f"An audit entry needs an explicit actor (a user, SYSTEM or unauthenticated(name)), not {actor!r}")


# Dates, decimals and UUIDs as DjangoJSONEncoder writes them; keys sorted so equal pictures give equal text. One
# encoder for every picture (json.dumps with these arguments would build one per call: a bulk import writes 100,000s).
_PICTURE_JSON = DjangoJSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _json_text(data: dict | None) -> str | None:
    if data is None:
        return None
    return _PICTURE_JSON.encode(data)


def _object_columns(record: AuditRecord) -> tuple[str, str, str]:
    obj = record.obj
    object_type = record.object_type or (obj._meta.label_lower if obj is not None else "")
    object_id = record.object_id or (str(obj.pk) if obj is not None else "")
    object_repr = record.object_repr or (str(obj) if obj is not None else "")
    return object_type, str(object_id)[:64], str(object_repr)[:255]


class AuditWriter:
    """Audit entries as plain rows, written in batches. The actor, request id and IP are resolved once; entries
    added between two flushes carry the same time (one per chunk, not per entry)."""

    def __init__(self, actor, *, batch_size: int = AUDIT_BATCH):
        ctx = context.current()
        self.batch_size = batch_size
        self.actor_columns = _actor_columns(actor)
        self.context_columns = (ctx.request_id if ctx else "", ctx.ip if ctx else None)
        self.pending: list[tuple] = []
        self.count = 0

    def add(self, action: str, object_type: str, object_id, object_repr: str, *, before: dict | None = None,
            after: dict | None = None) -> None:
        self.pending.append((action, object_type, str(object_id)[:64], str(object_repr)[:255], _json_text(before),
                             _json_text(after)))
        if len(self.pending) >= self.batch_size:
            self.flush()

    def add_record(self, record: AuditRecord) -> None:
        self.add(record.action, *_object_columns(record), before=record.before, after=record.after)

    def flush(self) -> None:
        """Write what was added."""
        if not self.pending:
            return
        table = TableWriter(AuditEntry, FIELDS, batch_size=1 << 62)
        with transaction.atomic():
            head = lock_head()  # held until the enclosing transaction ends: appends are serialized
            at = timezone.now()
            stamp = connection.ops.adapt_datetimefield_value(at)
            for row in self.pending:
                content = (*self.actor_columns, *row, *self.context_columns)
                table.add((stamp, *content, *head.link(at, *content)))
            table.flush()
        self.count += len(self.pending)
        self.pending = []


def audit_write(
    *,
    action: str,
    actor,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Record one action by `actor` (a user, SYSTEM, or unauthenticated(name)); returns the stored entry."""
    actor_id, actor_name = _actor_columns(actor)
    object_type, object_id, object_repr = _object_columns(
        AuditRecord(action, obj, None, None, object_type, object_id, object_repr))
    ctx = context.current()
    before_text, after_text = _json_text(before), _json_text(after)
    request_id, ip = (ctx.request_id, ctx.ip) if ctx else ("", None)
    with transaction.atomic():
        head = lock_head()  # held until the enclosing transaction ends: appends are serialized
        at = timezone.now()
        seq, prev_hash, entry_hash = head.link(at, actor_id, actor_name, action, object_type, object_id, object_repr,
                                               before_text, after_text, request_id, ip)
        entry = AuditEntry(
            at=at, actor_id=actor_id, actor_name=actor_name, action=action, object_type=object_type,
            object_id=object_id, object_repr=object_repr, before=_parsed(before_text), after=_parsed(after_text),
            request_id=request_id, ip=ip, seq=seq, prev_hash=prev_hash, entry_hash=entry_hash,
        )
        entry.save()
    return entry


def audit_write_many(records: Iterable[AuditRecord], *, actor) -> int:
    """Record many actions by one actor, in bulk (AuditWriter); returns how many."""
    writer = AuditWriter(actor)
    for record in records:
        writer.add_record(record)
    writer.flush()
    return writer.count


def _parsed(text: str | None) -> Any:
    # What AuditWriter stores: the picture after a round trip through its JSON text.
    return None if text is None else json.loads(text)


def audit_changes(*, action: str, obj: models.Model, actor, before: dict[str, Any], after: dict[str, Any],
                  also: Iterable[str] = ()) -> set[str]:
    """Audit an update: the keys whose value differs between the two pictures (plus `also`: keys changed in a way
    their values do not show, such as a re-entered secret), before and after; nothing when none changed. Returns
    the changed keys."""
    changed = {key for key in after if after[key] != before[key]} | set(also)
    if changed:
        audit_write(action=action, obj=obj, actor=actor, before={k: before[k] for k in changed},
                    after={k: after[k] for k in changed})
    return changed


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The before/after picture of an object: plain values of the named fields (FKs by their key)."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        data[name] = getattr(obj, field.attname)
    return data
