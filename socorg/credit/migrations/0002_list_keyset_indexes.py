# The credit list and the penalty list page by cursor in (decided_on, id) order.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credit', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='creditentry',
            index=models.Index(fields=['decided_on', 'id'], name='credit_entry_decided_id_idx'),
        ),
        migrations.AddIndex(
            model_name='penalty',
            index=models.Index(fields=['decided_on', 'id'], name='credit_penalty_decided_id_idx'),
        ),
    ]
