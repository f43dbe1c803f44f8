"""Plain-row writing for large imports: new rows go to the database as tuples through socorg.core.bulk.TableWriter
(PostgreSQL COPY, SQLite executemany on the raw connection), not as model instances through bulk_create.

Why: building a model instance per row and letting Django's compiler prepare every field of it cost about half of
an import's time (cProfile of a 26,000-row workbook); the tuples carry the same values in database form. Audit
entries get the same treatment: their JSON is encoded once, directly, instead of a round trip per entry.

Values must be in database form: `db_date()` for dates, `db_now()` for timestamps, ciphertext
(socorg.core.crypto.encrypt) for encrypted fields. A test checks that entries written here equal those
socorg.core.audit.audit_write_many writes for the same record.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from socorg.core import context
from socorg.core.bulk import TableWriter
from socorg.core.models import AuditEntry

AUDIT_BATCH = 5000
ID_BATCH = 5000
AUDIT_FIELDS = ["at", "actor", "actor_name", "action", "object_type", "object_id", "object_repr", "before", "after",
                "request_id", "ip"]


def db_date(value):
    """A date (or None) as the backend stores it: ISO text on SQLite, the date itself for psycopg (what
    connection.ops.adapt_datefield_value gives, without its call per cell)."""
    if value is None or connection.vendor != "sqlite":
        return value
    return value.isoformat()


def ids_of(model, key_columns: tuple[str, ...], filter_column: str, values: list, **equal) -> dict:
    """{key tuple (or the single key): id} of the rows whose `filter_column` is in `values` (and whose columns
    equal `equal`), in batches, read with plain SQL: building Django lookups for thousands of parameters per chunk
    cost more than the query itself."""
    table, quote = model._meta.db_table, connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in key_columns)
    conditions = "".join(f" AND {quote(model._meta.get_field(name).column)} = %s" for name in equal)
    found = {}
    with connection.cursor() as cursor:
        for start in range(0, len(values), ID_BATCH):
            batch = values[start:start + ID_BATCH]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(f"SELECT {columns}, {quote('id')} FROM {quote(table)} WHERE "
                           f"{quote(model._meta.get_field(filter_column).column)} IN ({marks}){conditions}",
                           [*batch, *equal.values()])
            for *key, pk in cursor.fetchall():
                found[key[0] if len(key) == 1 else tuple(key)] = pk
    return found


def db_now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def writer(model, fields: list[str]) -> TableWriter:
    """A TableWriter that never flushes on its own: callers flush after each chunk, then read the new ids."""
    return TableWriter(model, list(fields), batch_size=1 << 62)


class AuditWriter:
    """Audit entries as rows, with the actor, request id and IP resolved once — as core.audit does per entry:
    the actor is the given user, else the current request's user; without one the actor name is "system"."""

    def __init__(self, actor):
        ctx = context.current()
        if actor is None and ctx is not None:
            actor = ctx.user
        self.constant_head = (getattr(actor, "pk", None) or None,
                              getattr(actor, "username", "") or ("system" if actor is None else str(actor)))
        self.constant_tail = (ctx.request_id if ctx else "", ctx.ip if ctx else None)
        self.table = TableWriter(AuditEntry, AUDIT_FIELDS, batch_size=1 << 62)
        self.stamp = db_now()

    def add(self, action: str, object_type: str, object_id, object_repr: str, *, before: dict | None = None,
            after: dict | None = None) -> None:
        self.table.add((self.stamp, *self.constant_head, action, object_type, str(object_id)[:64],
                        object_repr[:255], _json(before), _json(after), *self.constant_tail))
        if len(self.table.rows) >= AUDIT_BATCH:
            self.flush()

    def flush(self) -> None:
        """Write what was added; entries added later carry a fresh time (one per chunk, not per entry)."""
        self.table.flush()
        self.stamp = db_now()


def _json(data: dict | None) -> str | None:
    # What JSONField stores after core.audit's round trip through DjangoJSONEncoder (dates as ISO text).
    return None if data is None else json.dumps(data, cls=DjangoJSONEncoder)
