"""core_auditentry drops three of the varchar_pattern_ops indexes Django adds beside each indexed CharField on
PostgreSQL (issue 19.4: every audit entry — one per object a ledger import writes — kept 12 b-trees). They serve
only LIKE 'x%', and the audit filter matches object type, object id and request id exactly (core.filters.
AuditEntryFilter); the action keeps its twin (its filter is a prefix). The model state is unchanged (Django does
not track the twins); SQLite never had them."""

from django.db import migrations

TWINS = {"core_auditentry_object_id_bb227230_like": "object_id",
         "core_auditentry_object_type_fca61eb3_like": "object_type",
         "core_auditentry_request_id_5ee151b7_like": "request_id"}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in TWINS:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column in TWINS.items():
            schema_editor.execute(f"CREATE INDEX {name} ON core_auditentry ({column} varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_audit_chain"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
