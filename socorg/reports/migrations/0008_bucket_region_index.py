# The buckets' region b-tree and its pattern twin go: the key (rollup, region_id, …) serves every read, and each
# index cost every upsert of the triggers (benchmarks/README.md, ledger).

import django.db.models.deletion
from django.db import migrations, models

# SQLite rebuilds the table for this change and refuses to rebuild a table a trigger names (see 0005): drop the count
# triggers there first; post_migrate installs them again and recounts. PostgreSQL only drops the two indexes.
TRIGGERS = ["reports_org_ins", "reports_org_del", "reports_org_upd", "reports_rep_ins", "reports_rep_del",
            "reports_rep_upd"]


def drop_count_triggers_on_sqlite(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0002_load_regions'),
        ('reports', '0007_report_region_levels'),
    ]

    operations = [
        migrations.RunPython(drop_count_triggers_on_sqlite, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='reportorgbucket',
            name='region',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='regions.region', verbose_name='registration authority region'),
        ),
    ]
