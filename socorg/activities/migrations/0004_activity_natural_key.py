"""One record per branch, type, day and topic (the natural key), enforced by the database so parallel requests cannot
store the same meeting twice. The unique index replaces the (party_org, type, date) index: same leading columns.

Duplicates stored before this constraint stop the migration with their ids; merge them (keep one record, move its
attachments) and run it again."""

from django.db import migrations, models
from django.db.models import Count


def refuse_existing_duplicates(apps, schema_editor):
    activity = apps.get_model("activities", "Activity")
    groups = (activity.objects.values("party_org_id", "type", "date", "topic").annotate(n=Count("id"))
              .filter(n__gt=1).order_by()[:20])
    found = []
    for group in groups:
        n = group.pop("n")
        ids = list(activity.objects.filter(**group).values_list("id", flat=True))
        found.append(f"{group} x{n}: ids {ids}")
    if found:
        raise RuntimeError("Organizational-life records stored twice (same branch, type, date and topic); merge "
                           "them, then migrate again:\n" + "\n".join(found))


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0003_attendance_duespayment'),
    ]

    operations = [
        migrations.RunPython(refuse_existing_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='activity',
            constraint=models.UniqueConstraint(fields=('party_org', 'type', 'date', 'topic'),
                                               name='activity_natural_key'),
        ),
        migrations.RemoveIndex(
            model_name='activity',
            name='activity_org_type_date_idx',
        ),
    ]
