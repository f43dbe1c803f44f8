"""Drop registry_orgperiod's single-column organization index: (organization, valid_to) serves the same lookups."""

import django.db.models.deletion
from django.db import migrations, models

from socorg.core.history import drop_foreign_key_index


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0011_index_diet'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='orgperiod',
                    name='organization',
                    field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='periods', to='registry.socialorganization', verbose_name='social organization'),
                ),
            ],
            database_operations=[drop_foreign_key_index('registry', 'orgperiod', 'organization')],
        ),
    ]
