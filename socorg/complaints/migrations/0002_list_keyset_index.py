# The complaint list pages by cursor in (received_on, id) order.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['received_on', 'id'], name='complaints_received_id_idx'),
        ),
    ]
