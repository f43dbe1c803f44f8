"""Coverage snapshots are immutable: a trigger refuses UPDATE from any client (the ORM refuses delete too)."""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER coverage_snapshot_no_update BEFORE UPDATE ON coverage_coveragesnapshot
BEGIN SELECT RAISE(ABORT, 'coverage snapshots are immutable'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS coverage_snapshot_no_update;"

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION coverage_snapshot_refuse_update() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'coverage snapshots are immutable'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER coverage_snapshot_no_update BEFORE UPDATE ON coverage_coveragesnapshot
FOR EACH ROW EXECUTE FUNCTION coverage_snapshot_refuse_update();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS coverage_snapshot_no_update ON coverage_coveragesnapshot;
DROP FUNCTION IF EXISTS coverage_snapshot_refuse_update();
"""


def forwards(apps, schema_editor):
    sql = {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    sql = {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("coverage", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
