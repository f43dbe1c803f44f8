"""Drop the period tables' single-column member, employer and party-organization indexes: the composite
(member, valid_to), (employer, valid_to) and (party_org, valid_to) indexes serve the same lookups."""

import django.db.models.deletion
from django.db import migrations, models

from socorg.core.history import drop_foreign_key_index


class Migration(migrations.Migration):

    dependencies = [
        ('party', '0016_drop_pattern_twins'),
        ('registry', '0008_history_periods'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='memberperiod',
                    name='employer',
                    field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.socialorganization', verbose_name='employing social organization'),
                ),
                migrations.AlterField(
                    model_name='memberperiod',
                    name='member',
                    field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='periods', to='party.partymember', verbose_name='party member'),
                ),
                migrations.AlterField(
                    model_name='partyorgperiod',
                    name='party_org',
                    field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='periods', to='party.partyorganization', verbose_name='party organization'),
                ),
            ],
            database_operations=[
                drop_foreign_key_index('party', 'memberperiod', 'employer'),
                drop_foreign_key_index('party', 'memberperiod', 'member'),
                drop_foreign_key_index('party', 'partyorgperiod', 'party_org'),
            ],
        ),
    ]
