from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from socorg.core.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a backup archive into an empty database and verify it (row counts, audit chain, a decrypt "
            "check of every encrypted column): socorg restore PATH [--database-url URL]")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--database-url", default=None,
                            help="the empty database to restore into (default: DATABASE_URL)")

    def handle(self, *args, path, database_url=None, **options):
        try:
            report = restore(path, database_url=database_url)
        except (BackupError, OSError) as error:
            raise CommandError(_("The restore failed: %(error)s") % {"error": error}) from None
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(_("The restored database fails verification: %(count)s problems.")
                               % {"count": len(report.problems)})
        self.stdout.write(_("Restored and verified: %(tables)s tables with the backup's row counts, %(audit)s audit "
                            "entries chained to the backup's head, %(decrypted)s encrypted values decrypted.")
                          % {"tables": len(report.manifest["tables"]), "audit": report.audit_entries,
                             "decrypted": report.decrypted})
