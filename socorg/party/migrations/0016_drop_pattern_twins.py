"""party_partyorganization drops three of the varchar_pattern_ops indexes Django adds beside each indexed or unique
CharField on PostgreSQL (issue 19.4: every party organization an import writes kept 12 b-trees). They serve only
LIKE 'x%', and no query prefix-matches these columns: names are searched through the trigram and bigram indexes,
regions by range (core.scope.ScopePrefix, served by the plain indexes). (The status's went with its plain index in
0014.) The initials keep theirs (`party_org__name_initials__startswith` in the ratings filter). The model state is unchanged (Django does not
track the twins); SQLite never had them."""

from django.db import migrations

TWINS = ["party_partyorganization_name_ca249ff4_like", "party_partyorganization_name_pinyin_4f903c75_like",
         "party_partyorganization_region_id_386590c0_like"]
COLUMNS = ["name", "name_pinyin", "region_id"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in TWINS:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column in zip(TWINS, COLUMNS, strict=True):
            schema_editor.execute(f"CREATE INDEX {name} ON party_partyorganization ({column} varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ("party", "0015_member_name_bigram_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
