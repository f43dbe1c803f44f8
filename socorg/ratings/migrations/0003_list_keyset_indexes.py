# The star-rating list and the evaluation list page by cursor in their orders.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ratings', '0002_evaluation_rounds'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='evaluationgrade',
            index=models.Index(fields=['-valid_from', 'id'], name='ratings_grade_from_id_idx'),
        ),
        migrations.AddIndex(
            model_name='rating',
            index=models.Index(fields=['cycle', '-total_points', 'party_org', 'id'], name='ratings_cycle_points_idx'),
        ),
    ]
