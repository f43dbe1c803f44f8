"""Bulk row writers: PostgreSQL COPY, or executemany on SQLite, in batches.

The demo generator produces millions of rows as plain tuples; building a model instance per row would cost more
than the insert itself. Values must already be in database form (ciphertext for encrypted fields, ISO strings for
dates); `columns_of()` maps model field names to column names so the tuples stay tied to the models.

`copies_in_background()` lets a long job (the ledger import) go on preparing its next rows while PostgreSQL works
through the COPY of the previous ones."""

import queue
import threading
from contextlib import contextmanager

from django.db import connection

BATCH_SIZE = 20_000
_local = threading.local()  # .copier: the BackgroundCopier of this thread's connection, while one is active


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
        copier = getattr(_local, "copier", None)
        if copier is not None:
            copier.put(self.table, sql, rows)
            return
        with connection.cursor() as cursor:
            copy_rows(cursor.cursor, sql, rows)

    def _executemany(self, rows: list[tuple]) -> None:
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        marks = ", ".join("?" * len(self.columns))
        sql = f"INSERT INTO {connection.ops.quote_name(self.table)} ({quoted}) VALUES ({marks})"
        connection.ensure_connection()
        # The raw sqlite3 connection: Django's cursor wrapper would rewrite the SQL for every batch.
        connection.connection.executemany(sql, rows)


def copy_rows(raw_cursor, sql: str, rows: list[tuple]) -> None:
    """One COPY … FROM STDIN of `rows` on a psycopg cursor."""
    with raw_cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


class BackgroundCopier:
    """A thread that runs the COPYs of TableWriter on this thread's connection, in their order, while this thread
    goes on with Python work (psycopg waits for the server without holding the GIL). Every other statement on the
    connection waits until the COPYs handed over before it are done (an execute wrapper: Django runs each query
    through it, savepoints included), so the connection's statements keep their order and a query sees every row
    copied before it. A COPY that fails is raised in this thread at the next statement (or when the block ends);
    the COPYs after it are dropped — the transaction is aborted then anyway."""

    def __init__(self):
        connection.ensure_connection()
        self.raw = connection.connection  # psycopg's connection: Django's wrapper belongs to this thread
        self.jobs: queue.Queue = queue.Queue()
        self.error: BaseException | None = None
        self.failed = False
        self.thread = threading.Thread(target=self._work, name="socorg-copy", daemon=True)
        self.thread.start()

    def put(self, table: str, sql: str, rows: list[tuple]) -> None:
        if self.error is not None:
            self.wait()  # raises it
        self.jobs.put((table, sql, rows))

    def wait(self) -> None:
        """Until every COPY handed over is done; raises the first failure (once)."""
        self.jobs.join()
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def barrier(self, execute, sql, params, many, context):
        self.wait()
        return execute(sql, params, many, context)

    def close(self, *, drop: bool = False) -> None:
        """Stop the thread: after the COPYs handed over, or (`drop`, on the way out of an error) after the one
        running."""
        self.failed = self.failed or drop
        self.jobs.put(None)
        self.thread.join()

    def _work(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                if job is None:
                    return
                if not self.failed:
                    _table, sql, rows = job
                    with self.raw.cursor() as cursor:
                        copy_rows(cursor, sql, rows)
            except BaseException as error:  # handed to the thread that owns the connection
                self.failed, self.error = True, error
            finally:
                self.jobs.task_done()


@contextmanager
def copies_in_background():
    """Inside the block, TableWriter's COPYs run in a BackgroundCopier (PostgreSQL; elsewhere, and when a copier is
    already active, nothing changes). Use it inside the transaction the COPYs belong to: the block waits for them
    when it ends, before anything else may use the connection."""
    if connection.vendor != "postgresql" or getattr(_local, "copier", None) is not None:
        yield
        return
    copier = BackgroundCopier()
    _local.copier = copier
    try:
        with connection.execute_wrapper(copier.barrier):
            yield
            copier.wait()
    except BaseException:
        copier.close(drop=True)
        raise
    finally:
        _local.copier = None
    copier.close()


def reset_sequences(models) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them (SQLite needs nothing)."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
