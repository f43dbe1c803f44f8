# A notice's receipts page by cursor in (read_at, id) order: the (notice, read_at) index becomes (notice, read_at, id).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notices', '0001_initial'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='noticereceipt',
            name='notices_unread_idx',
        ),
        migrations.AddIndex(
            model_name='noticereceipt',
            index=models.Index(fields=['notice', 'read_at', 'id'], name='notices_notice_read_id_idx'),
        ),
    ]
