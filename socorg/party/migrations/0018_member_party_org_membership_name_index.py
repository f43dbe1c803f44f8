"""Members' (party_org, membership, name) index in place of the plain party_org one: a scope's members are read
party organization by party organization, and with the membership and the name in the index, counting a province's
probationary members or those whose name contains a word reads the index alone (index-only scans; national set:
benchmarks/README.md, search). Built CONCURRENTLY on PostgreSQL (members stay writable; 3,000,000 rows), then the
single-column index is dropped by name (on SQLite an AlterField would rebuild the table the history triggers
name)."""

import django.db.models.deletion
from django.db import migrations, models

from socorg.core.db import AddIndexConcurrently
from socorg.core.history import drop_foreign_key_index


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('party', '0017_period_drop_foreign_key_indexes'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='partymember',
            index=models.Index(fields=['party_org', 'membership', 'name'], name='party_member_org_ms_name_idx'),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='partymember',
                    name='party_org',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='members', to='party.partyorganization', verbose_name='party organization'),
                ),
            ],
            database_operations=[drop_foreign_key_index('party', 'partymember', 'party_org')],
        ),
    ]
