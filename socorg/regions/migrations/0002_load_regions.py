"""Loads the shipped GB/T 2260 data, so every database created by `socorg migrate` has the divisions."""

from django.db import migrations


def load(apps, schema_editor):
    from socorg.regions.loader import load_regions

    load_regions(apps.get_model("regions", "Region"))


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
