"""The audit log's hash chain (socorg.core.chain) and DELETE/TRUNCATE refusal.

Existing entries are chained in id order. The UPDATE trigger is lifted while the new columns are filled (SQLite also
rebuilds the table for the unique column, which drops its triggers) and installed again afterwards."""

import django.utils.timezone
from django.db import migrations, models

from socorg.core.db import _trigger_sql, refuse_deletes

TABLE = "core_auditentry"
MESSAGE = "the audit log is append-only"


def lift_update_trigger(apps, schema_editor):
    sql = _trigger_sql(schema_editor.connection.vendor, TABLE, MESSAGE, up=False)
    if sql:
        schema_editor.execute(sql)


def restore_update_trigger(apps, schema_editor):
    sql = _trigger_sql(schema_editor.connection.vendor, TABLE, MESSAGE, up=True)
    if sql:
        schema_editor.execute(sql)


def chain_existing(apps, schema_editor):
    from socorg.core.chain import Head, json_text

    entry = apps.get_model("core", "AuditEntry")
    head, updates = Head(), []
    columns = ["id", "at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr", "before",
               "after", "request_id", "ip"]
    for pk, at, actor_id, name, action, otype, oid, orepr, before, after, rid, ip in (
            entry.objects.order_by("id").values_list(*columns).iterator(chunk_size=5000)):
        seq, prev, digest = head.link(at, actor_id, name, action, otype, oid, orepr, json_text(before),
                                      json_text(after), rid, ip)
        updates.append((seq, prev, digest, pk))
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(updates), 5000):
            cursor.executemany(f"UPDATE {TABLE} SET seq = %s, prev_hash = %s, entry_hash = %s WHERE id = %s",
                               updates[start:start + 5000])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_append_only'),
    ]

    operations = [
        migrations.RunPython(lift_update_trigger, restore_update_trigger),
        migrations.CreateModel(
            name='AuditAnchor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time')),
                ('seq', models.BigIntegerField(verbose_name='sequence number')),
                ('entry_hash', models.CharField(max_length=64, verbose_name='entry hash')),
            ],
            options={
                'verbose_name': 'audit anchor',
                'verbose_name_plural': 'audit anchors',
                'ordering': ['-at', '-id'],
                'default_permissions': ('view',),
            },
        ),
        migrations.AddField(
            model_name='auditentry',
            name='entry_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='entry hash'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='previous hash'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='seq',
            field=models.BigIntegerField(editable=False, null=True, unique=True, verbose_name='sequence number'),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(restore_update_trigger, lift_update_trigger),
        refuse_deletes(TABLE, MESSAGE),
    ]
