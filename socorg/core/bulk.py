"""Bulk row writers: PostgreSQL COPY, or executemany on SQLite, in batches.

The demo generator produces millions of rows as plain tuples; building a model instance per row would cost more
than the insert itself. Values must already be in database form (ciphertext for encrypted fields, ISO strings for
dates); `columns_of()` maps model field names to column names so the tuples stay tied to the models."""

from django.db import connection

BATCH_SIZE = 20_000


def columns_of(model, field_names: list[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in field_names]


class TableWriter:
    """Buffers rows for one table and writes them in batches; `count` is the number of rows written so far."""

    def __init__(self, model, field_names: list[str], on_flush=None, batch_size: int = BATCH_SIZE):
        self.model = model
        self.table = model._meta.db_table
        self.columns = columns_of(model, field_names)
        # Fields the generator does not fill (added to the model later) get their defaults, so a new column with a
        # default never breaks the demo load.
        omitted = [f for f in model._meta.concrete_fields
                   if f.name not in field_names and not f.primary_key and not f.auto_created]
        self.columns += [f.column for f in omitted]
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in omitted)
        self.batch_size = batch_size
        self.on_flush = on_flush
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row + self.defaults if self.defaults else row)
        if len(self.rows) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            self._copy(self.rows)
        else:
            self._executemany(self.rows)
        self.count += len(self.rows)
        if self.on_flush:
            self.on_flush(self, len(self.rows))
        self.rows = []

    def _copy(self, rows: list[tuple]) -> None:
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        sql = f"COPY {connection.ops.quote_name(self.table)} ({quoted}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def _executemany(self, rows: list[tuple]) -> None:
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        marks = ", ".join("?" * len(self.columns))
        sql = f"INSERT INTO {connection.ops.quote_name(self.table)} ({quoted}) VALUES ({marks})"
        connection.ensure_connection()
        # The raw sqlite3 connection: Django's cursor wrapper would rewrite the SQL for every batch.
        connection.connection.executemany(sql, rows)


def reset_sequences(models) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them (SQLite needs nothing)."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
