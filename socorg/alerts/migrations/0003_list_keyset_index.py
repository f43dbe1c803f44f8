# The alert list pages by cursor in (opened_on, id) order.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0002_slim_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='alert',
            index=models.Index(fields=['opened_on', 'id'], name='alert_opened_on_id_idx'),
        ),
    ]
