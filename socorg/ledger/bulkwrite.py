"""Plain-row writing for large imports: new rows go to the database as tuples through socorg.core.bulk.TableWriter
(PostgreSQL COPY, SQLite executemany on the raw connection), not as model instances through bulk_create.

Why: building a model instance per row and letting Django's compiler prepare every field of it cost about half of
an import's time (cProfile of a 26,000-row workbook); the tuples carry the same values in database form. Audit
entries get the same treatment through socorg.core.audit.AuditWriter.

Values must be in database form: `db_date()` for dates, `db_now()` for timestamps, ciphertext
(socorg.core.crypto.encrypt) for encrypted fields.
"""

from django.db import connection
from django.utils import timezone

from socorg.core.bulk import TableWriter

ID_BATCH = 5000


def db_date(value):
    """A date (or None) as the backend stores it: ISO text on SQLite, the date itself for psycopg (what
    connection.ops.adapt_datefield_value gives, without its call per cell). Loops over rows bind date_adapter()."""
    return date_adapter()(value)


def date_adapter():
    """db_date for this connection, chosen once: loops over rows call the function returned (looking up the
    connection's vendor through Django's connection proxy for every date cost more than the conversion)."""
    return _date_text if connection.vendor == "sqlite" else _as_is


def _date_text(value):
    return None if value is None else value.isoformat()


def _as_is(value):
    return value


def in_values(column: str, values: list) -> tuple[str, list]:
    """SQL for "`column` is one of `values`" and its parameters: on PostgreSQL `= ANY(%s)` with one array
    parameter — a statement with thousands of placeholders is split and converted by the driver on every call,
    which cost more than the query (py-spy of a 26,000-row import) —, elsewhere `IN (%s, …)`."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def ids_of(model, key_columns: tuple[str, ...], filter_column: str, values: list, *, using=None, **equal) -> dict:
    """{key tuple (or the single key): id} of the rows whose `filter_column` is in `values` (and whose columns
    equal `equal`), in batches, read with plain SQL: building Django lookups for thousands of parameters per chunk
    cost more than the query itself. `using`: another connection (ImportRun.lookups)."""
    db = using or connection
    table, quote = model._meta.db_table, db.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in key_columns)
    conditions = "".join(f" AND {quote(model._meta.get_field(name).column)} = %s" for name in equal)
    found = {}
    with db.cursor() as cursor:
        for start in range(0, len(values), ID_BATCH):
            batch = values[start:start + ID_BATCH]
            where, params = in_values(quote(model._meta.get_field(filter_column).column), batch)
            cursor.execute(f"SELECT {columns}, {quote('id')} FROM {quote(table)} WHERE {where}{conditions}",
                           [*params, *equal.values()])
            for *key, pk in cursor.fetchall():
                found[key[0] if len(key) == 1 else tuple(key)] = pk
    return found


def reserve_ids(model, count: int, *, using=None) -> list[int] | None:
    """`count` new ids for `model`'s rows, taken from its id sequence in one statement, so the rows are written with
    their ids and nothing is read back (PostgreSQL; reading the ids back by key after each COPY cost a query per
    chunk and table, 2.2 s of a 100,000-organization import). None on SQLite, where the caller reads them back
    (ids_of) after the insert: there is no sequence to take them from, and the import holds the only write lock."""
    if connection.vendor != "postgresql" or count <= 0:
        return None
    with (using or connection).cursor() as cursor:  # sequences are outside transactions: any connection will do
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
        sequence = cursor.fetchone()[0]
        # The sequence as a constant: nextval() of a column (a subquery's) cost 2.5 times as much per id.
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
        return [row[0] for row in cursor.fetchall()]


def set_column(model, column: str, values: list[tuple[int, object]]) -> None:
    """Set `column` of the rows with these ids: [(id, value)]. On PostgreSQL one UPDATE … FROM unnest(ids, values)
    (its statement triggers fire once, not once per row: executemany of 20,000 single-row UPDATEs cost 78 s on a
    table with statement triggers); on SQLite one prepared UPDATE run per row (row triggers there anyway)."""
    if not values:
        return
    table, quote = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name
    field = next(f for f in model._meta.concrete_fields if f.column == column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cast = field.db_type(connection)
            cursor.execute(f"UPDATE {table} SET {quote(column)} = v.value FROM unnest(%s::bigint[], %s::{cast}[]) "
                           f"AS v(id, value) WHERE {table}.{quote('id')} = v.id",
                           [[pk for pk, _v in values], [value for _pk, value in values]])
        else:
            cursor.executemany(f"UPDATE {table} SET {quote(column)} = %s WHERE {quote('id')} = %s",
                               [(value, pk) for pk, value in values])


def db_now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def writer(model, fields: list[str], *, batch_size: int = 1 << 62) -> TableWriter:
    """A TableWriter that flushes on its own every `batch_size` rows (by default never: callers flush)."""
    return TableWriter(model, list(fields), batch_size=batch_size)
