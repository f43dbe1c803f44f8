"""Index diet of registry_socialorganization (issue 19.4): every insert paid for 27 indexes.

Dropped, with the reason (benchmarks/README.md, ledger):
- authority_region's varchar_pattern_ops twin: core.scope.ScopePrefix states a scope as a range, which the plain
  index serves (the twin served only LIKE 'x%'). The plain one stays: see the model's Meta.indexes comment.
- status (and twin): the leading column of registry_org_status_region_idx.
- full_members: the leading column of registry_org_members_id_idx.
- name (and twin): nothing looks up, sorts or prefix-matches by name; searches use the trigram/bigram indexes.
- the twins of org_type, category and name_pinyin: no LIKE 'x%' on those columns. Their plain indexes stay, renamed
  to Meta.indexes names (registry_org_type_idx, registry_org_category_idx, registry_org_pinyin_idx).

The database side renames and drops instead of letting AlterField rebuild: on the national set that would re-create
three indexes over a million rows for nothing.
"""

from django.db import migrations, models


TABLE = "registry_socialorganization"
DROPPED = [f"{TABLE}_authority_region_id_6a6eb479_like",
           f"{TABLE}_status_f4f5545b", f"{TABLE}_status_f4f5545b_like", f"{TABLE}_full_members_f7a43b72",
           f"{TABLE}_name_c28e89df", f"{TABLE}_name_c28e89df_like", f"{TABLE}_org_type_19ba55cb_like",
           f"{TABLE}_category_5dbdf878_like", f"{TABLE}_name_pinyin_ed2aa6c5_like"]
RENAMED = [(f"{TABLE}_org_type_19ba55cb", "registry_org_type_idx", "org_type"),
           (f"{TABLE}_category_5dbdf878", "registry_org_category_idx", "category"),
           (f"{TABLE}_name_pinyin_ed2aa6c5", "registry_org_pinyin_idx", "name_pinyin")]
# The dropped indexes as 0001 made them (for the way back).
RESTORED = [(f"{TABLE}_authority_region_id_6a6eb479_like", "authority_region_id", True),
            (f"{TABLE}_status_f4f5545b", "status", False), (f"{TABLE}_status_f4f5545b_like", "status", True),
            (f"{TABLE}_full_members_f7a43b72", "full_members", False), (f"{TABLE}_name_c28e89df", "name", False),
            (f"{TABLE}_name_c28e89df_like", "name", True), (f"{TABLE}_org_type_19ba55cb_like", "org_type", True),
            (f"{TABLE}_category_5dbdf878_like", "category", True),
            (f"{TABLE}_name_pinyin_ed2aa6c5_like", "name_pinyin", True)]


def forwards(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for name in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for old, new, column in RENAMED:
        if postgres:
            schema_editor.execute(f"ALTER INDEX {old} RENAME TO {new}")
        else:  # SQLite cannot rename an index
            schema_editor.execute(f"DROP INDEX IF EXISTS {old}")
            schema_editor.execute(f"CREATE INDEX {new} ON {TABLE} ({column})")


def backwards(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for old, new, column in RENAMED:
        if postgres:
            schema_editor.execute(f"ALTER INDEX {new} RENAME TO {old}")
        else:
            schema_editor.execute(f"DROP INDEX IF EXISTS {new}")
            schema_editor.execute(f"CREATE INDEX {old} ON {TABLE} ({column})")
    for name, column, pattern in RESTORED:
        if pattern and not postgres:
            continue  # Django makes the pattern twins on PostgreSQL only
        schema_editor.execute(f"CREATE INDEX {name} ON {TABLE} ({column}{' varchar_pattern_ops' if pattern else ''})")


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0002_load_regions'),
        ('registry', '0010_list_keyset_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='socialorganization',
                    name='category',
                    field=models.CharField(choices=[('industry_association', 'Industry association or chamber of commerce'), ('science_technology', 'Science and technology'), ('charity', 'Public welfare and charity'), ('community_service', 'Urban and rural community service'), ('other', 'Other')], default='other', max_length=32, verbose_name='category'),
                ),
                migrations.AlterField(
                    model_name='socialorganization',
                    name='full_members',
                    field=models.PositiveIntegerField(default=0, verbose_name='full party members'),
                ),
                migrations.AlterField(
                    model_name='socialorganization',
                    name='name',
                    field=models.CharField(max_length=200, verbose_name='name'),
                ),
                migrations.AlterField(
                    model_name='socialorganization',
                    name='name_pinyin',
                    field=models.CharField(blank=True, max_length=600, verbose_name='name (pinyin)'),
                ),
                migrations.AlterField(
                    model_name='socialorganization',
                    name='org_type',
                    field=models.CharField(choices=[('social_group', 'Social group'), ('private_non_enterprise', 'Private non-enterprise unit'), ('foundation', 'Foundation')], max_length=32, verbose_name='type'),
                ),
                migrations.AlterField(
                    model_name='socialorganization',
                    name='status',
                    field=models.CharField(choices=[('active', 'Normal'), ('deregistered', 'Deregistered'), ('revoked', 'Revoked'), ('cert_revoked', 'Registration certificate revoked'), ('suspended', 'Activities suspended for a set period')], default='active', max_length=16, verbose_name='status'),
                ),
                migrations.AddIndex(
                    model_name='socialorganization',
                    index=models.Index(fields=['org_type'], name='registry_org_type_idx'),
                ),
                migrations.AddIndex(
                    model_name='socialorganization',
                    index=models.Index(fields=['category'], name='registry_org_category_idx'),
                ),
                migrations.AddIndex(
                    model_name='socialorganization',
                    index=models.Index(fields=['name_pinyin'], name='registry_org_pinyin_idx'),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
