from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from socorg.core.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Write an encrypted backup archive (database dump, manifest, checksums) to PATH: socorg backup PATH "
            "(PostgreSQL: pg_dump custom format; SQLite: the online backup API)")

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        target = Path(path)
        if target.exists():
            raise CommandError(_("%(path)s exists already; give a new file name (backups are never overwritten).")
                               % {"path": path})
        try:
            manifest = backup(target)
        except BackupError as error:
            raise CommandError(_("The backup failed: %(error)s") % {"error": error}) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(_("Backup written to %(path)s: %(tables)s tables, %(rows)s rows, audit chain head "
                            "%(seq)s:%(hash)s.") % {"path": path, "tables": len(manifest["tables"]), "rows": rows,
                                                   "seq": manifest["audit_head"]["seq"],
                                                   "hash": manifest["audit_head"]["hash"]})
