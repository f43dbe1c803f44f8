"""The members' single-column party_org index again, beside 0018's (party_org, membership, name): PostgreSQL costs
a heap walk through a multi-column index as less ordered (btcostestimate scales the first column's correlation by
0.75), so one party organization's members cost 132 instead of 13 and a county's member list stopped walking its
party organizations in name order (benchmarks/README.md, search). Built CONCURRENTLY on PostgreSQL under Django's
name for the field's index; created by name (on SQLite an AlterField would rebuild the table the history triggers
name)."""

import django.db.models.deletion
from django.db import migrations, models

from socorg.core.history import drop_foreign_key_index


def create(apps, schema_editor):
    model = apps.get_model("party", "partymember")
    options = {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}
    schema_editor.execute(schema_editor._create_index_sql(model, fields=[model._meta.get_field("party_org")],
                                                          **options))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('party', '0018_member_party_org_membership_name_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='partymember',
                    name='party_org',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='members', to='party.partyorganization', verbose_name='party organization'),
                ),
            ],
            database_operations=[
                migrations.RunPython(create, drop_foreign_key_index('party', 'partymember', 'party_org').code),
            ],
        ),
    ]
