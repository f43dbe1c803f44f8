from django.db import migrations


class Migration(migrations.Migration):
    """Renames the model only (it collided with the coverage app's name); the table stays party_coverage, which the
    coverage triggers and raw SQL use, so the database is not touched."""

    dependencies = [
        ("party", "0005_name_trigram_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameModel("Coverage", "PartyCoverage"),
                migrations.AlterModelTable("PartyCoverage", "party_coverage"),
            ],
            database_operations=[],
        ),
    ]
