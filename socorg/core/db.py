"""Database helpers shared by migrations."""

from django.contrib.postgres import operations as postgres_operations
from django.db import migrations


def _trigger_sql(vendor: str, table: str, message: str, up: bool) -> str:
    trigger, function = f"{table}_no_update", f"{table}_refuse_update"
    if vendor == "sqlite":
        if not up:
            return f"DROP TRIGGER IF EXISTS {trigger};"
        return (f"CREATE TRIGGER {trigger} BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END;")
    if vendor == "postgresql":
        if not up:
            return f"DROP TRIGGER IF EXISTS {trigger} ON {table}; DROP FUNCTION IF EXISTS {function}();"
        return (f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql; "
                f"CREATE TRIGGER {trigger} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}();")
    return ""


def refuse_updates(table: str, message: str) -> migrations.RunPython:
    """A migration operation installing a trigger that refuses UPDATE on `table` from any client (append-only
    records: the audit log, coverage snapshots). Deletes stay possible for the DBA's retention purge."""

    def forwards(apps, schema_editor):
        sql = _trigger_sql(schema_editor.connection.vendor, table, message, up=True)
        if sql:
            schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        sql = _trigger_sql(schema_editor.connection.vendor, table, message, up=False)
        if sql:
            schema_editor.execute(sql)

    return migrations.RunPython(forwards, backwards)


def _delete_trigger_sql(vendor: str, table: str, message: str, up: bool) -> str:
    trigger, function = f"{table}_no_delete", f"{table}_refuse_delete"
    if vendor == "sqlite":
        if not up:
            return f"DROP TRIGGER IF EXISTS {trigger};"
        return (f"CREATE TRIGGER {trigger} BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END;")
    if vendor == "postgresql":
        if not up:
            return (f"DROP TRIGGER IF EXISTS {trigger} ON {table}; DROP TRIGGER IF EXISTS {table}_no_truncate ON "
                    f"{table}; DROP FUNCTION IF EXISTS {function}();")
        return (f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql; "
                f"CREATE TRIGGER {trigger} BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}(); "
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();")
    return ""


def refuse_deletes(table: str, message: str) -> migrations.RunPython:
    """A migration operation installing triggers that refuse DELETE (and TRUNCATE on PostgreSQL; SQLite has no
    TRUNCATE) on `table` from any client. A retention purge then needs the database owner to drop the trigger
    deliberately — which the audit chain's verification (`socorg audit-verify --from DATE`) accommodates."""

    def forwards(apps, schema_editor):
        sql = _delete_trigger_sql(schema_editor.connection.vendor, table, message, up=True)
        if sql:
            schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        sql = _delete_trigger_sql(schema_editor.connection.vendor, table, message, up=False)
        if sql:
            schema_editor.execute(sql)

    return migrations.RunPython(forwards, backwards)


def trigram_indexes(indexes: dict[str, tuple[str, str]]) -> migrations.RunPython:
    """PostgreSQL only: GIN trigram indexes {index name: (table, column)} for "name contains" searches.

    Created outside Django's model state on purpose: a GIN index cannot exist on SQLite, and SQLite rebuilds a table
    (re-creating every index of the model state) whenever a later migration alters it. On SQLite this is a no-op.
    pg_trgm answers LIKE '%…%' from the index for terms of three characters or more."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, (table, column) in indexes.items():
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)'
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(create, drop, elidable=False)


# The character pairs of a text (PostgreSQL): an IMMUTABLE function an expression index can use. pg_trgm cannot
# answer a word of two characters ("协会", "商会": the most common search words in Chinese names); a GIN index on
# this array can (`socorg_bigrams(name) @> ARRAY['协会']`, see core.search.Infix).
BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION socorg_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ARRAY(SELECT substr(value, i, 2) FROM generate_series(1, char_length(value) - 1) AS i)
$$"""


def bigram_indexes(indexes: dict[str, tuple[str, str]]) -> migrations.RunPython:
    """PostgreSQL only: GIN indexes {index name: (table, column)} on the column's character pairs, for searches of
    two-character words (core.search uses them where they exist). A no-op on SQLite, like trigram_indexes."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(BIGRAMS_FUNCTION)
        for name, (table, column) in indexes.items():
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (socorg_bigrams("{column}"::text))'
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(create, drop, elidable=False)



class AddIndexConcurrently(postgres_operations.AddIndexConcurrently):
    """AddIndex built by CREATE INDEX CONCURRENTLY on PostgreSQL (the table stays writable while a large index
    builds: a minute or more over the national set's 3,000,000 members), a plain CREATE INDEX elsewhere (SQLite,
    where Django's contrib.postgres operation fails). The migration needs `atomic = False`; a build interrupted on
    PostgreSQL leaves an INVALID index to drop before migrating again."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
