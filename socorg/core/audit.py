"""The one place that writes the audit log.

Services call audit_write() inside their transaction, so an entry exists exactly when the change it describes was
committed. Bulk operations call audit_write_many() to write their entries in one INSERT.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from . import context
from .models import AuditEntry


@dataclass(frozen=True)
class AuditRecord:
    action: str
    obj: models.Model | None = None
    before: dict | None = None
    after: dict | None = None
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""


def _jsonable(data: dict | None) -> dict | None:
    # Round-trip through Django's encoder so dates, decimals and UUIDs are stored as plain JSON.
    if data is None:
        return None
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _entry(record: AuditRecord, actor, ctx, actor_name: str = "") -> AuditEntry:
    obj = record.obj
    object_type = record.object_type or (obj._meta.label_lower if obj is not None else "")
    object_id = record.object_id or (str(obj.pk) if obj is not None else "")
    object_repr = record.object_repr or (str(obj) if obj is not None else "")
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name or getattr(actor, "username", "") or ("system" if actor is None else str(actor)),
        action=record.action,
        object_type=object_type,
        object_id=object_id[:64],
        object_repr=object_repr[:255],
        before=_jsonable(record.before),
        after=_jsonable(record.after),
        request_id=ctx.request_id if ctx else "",
        ip=ctx.ip if ctx else None,
    )


def _resolve_actor(actor):
    if actor is not None:
        return actor
    ctx = context.current()
    return ctx.user if ctx else None


def audit_write(
    *,
    action: str,
    obj: models.Model | None = None,
    actor=None,
    before: dict | None = None,
    after: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    actor_name: str = "",
) -> AuditEntry:
    """Record one action. `actor` defaults to the user of the current request (None = the system itself).

    `actor_name` names an actor without an account, e.g. the user name typed into a failed login."""
    record = AuditRecord(action, obj, before, after, object_type, object_id, object_repr)
    entry = _entry(record, _resolve_actor(actor), context.current(), actor_name)
    entry.save()
    return entry


def audit_write_many(records: Iterable[AuditRecord], *, actor=None, batch_size: int = 2000) -> int:
    actor = _resolve_actor(actor)
    ctx = context.current()
    entries = [_entry(r, actor, ctx) for r in records]
    AuditEntry.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The before/after picture of an object: plain values of the named fields (FKs by their key)."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        data[name] = getattr(obj, field.attname)
    return data
