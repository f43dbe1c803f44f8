"""Database-level protection of the audit log: UPDATE is refused by a trigger, whatever client connects.

DELETE is refused by the ORM and by the absence of any interface; the database leaves it to the DBA so that a
retention purge beyond the legal minimum (>= 6 months) stays possible."""

from django.db import migrations

from socorg.core.db import refuse_updates


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [refuse_updates("core_auditentry", "the audit log is append-only")]
