"""coverage_partyorgreach loses the index of its party_org foreign key: coverage_reach_unique (party_org, key) leads
with the same column and serves every lookup by party organization (issue 19.4: one index less to keep up on every
reach row an import writes). The database side drops the index instead of letting AlterField drop and re-validate
the foreign key over the national set's 900,000 rows."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "coverage_partyorgreach_party_org_id_4c921266"


def forwards(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def backwards(apps, schema_editor):
    schema_editor.execute(f"CREATE INDEX {INDEX} ON coverage_partyorgreach (party_org_id)")


class Migration(migrations.Migration):

    dependencies = [
        ("coverage", "0003_formal_coverage"),
        ("party", "0013_name_bigram_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="partyorgreach",
                    name="party_org",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name="+", to="party.partyorganization",
                                            verbose_name="party organization"),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
