# The organizational-life list pages by cursor in (date, id) order: the (date) index becomes (date, id).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0004_activity_natural_key'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='activity',
            name='activity_date_idx',
        ),
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['date', 'id'], name='activity_date_id_idx'),
        ),
    ]
