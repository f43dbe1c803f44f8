"""Coverage snapshots are immutable: a trigger refuses UPDATE from any client (the ORM refuses delete too)."""

from django.db import migrations

from socorg.core.db import refuse_updates


class Migration(migrations.Migration):
    dependencies = [("coverage", "0001_initial")]
    operations = [refuse_updates("coverage_coveragesnapshot", "coverage snapshots are immutable")]
