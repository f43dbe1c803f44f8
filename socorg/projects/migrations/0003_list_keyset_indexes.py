# The offer and need lists page by cursor in (created_at, id) order.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0002_project_termination'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='need',
            index=models.Index(fields=['created_at', 'id'], name='projects_need_created_id_idx'),
        ),
        migrations.AddIndex(
            model_name='offer',
            index=models.Index(fields=['created_at', 'id'], name='projects_offer_created_id_idx'),
        ),
    ]
