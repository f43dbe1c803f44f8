"""PostgreSQL only: trigram indexes for the list search's "name contains" (q=…), which otherwise reads every row.

Created outside Django's model state on purpose: a GIN index cannot exist on SQLite, and SQLite rebuilds a table
(re-creating every index of the model state) whenever a later migration alters it. On SQLite this is a no-op.
pg_trgm answers LIKE '%…%' from the index for terms of three characters or more (each CJK character counts as one;
the C.UTF-8 ctype treats them as word characters); shorter terms fall back to the ordered scan."""

from django.db import migrations

INDEXES = {
    "registry_org_name_trgm": ("registry_socialorganization", "name"),
    "registry_org_short_name_trgm": ("registry_socialorganization", "short_name"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
