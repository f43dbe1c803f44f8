from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from socorg.core.chain import anchor


class Command(BaseCommand):
    help = "Record the audit chain head (daily, from cron or Celery beat): socorg audit-anchor"

    def handle(self, *args, **options):
        entry = anchor()
        self.stdout.write(_("Audit chain head: entry %(seq)s, hash %(hash)s.") % {"seq": entry.seq,
                                                                                  "hash": entry.entry_hash})
