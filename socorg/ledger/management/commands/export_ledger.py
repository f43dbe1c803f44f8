from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from socorg.ledger.writers import export_ledger
from socorg.regions.models import Region


class Command(BaseCommand):
    help = "Export the ledger (all four sheets' data, every status) to an .xlsx workbook, optionally for one region."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--region", default="", help="6-digit region code: only its subtree is exported")
        parser.add_argument("--reveal-phones", action="store_true",
                            help="write phone numbers in clear (default: masked, 138****5678); audited")

    def handle(self, *args, path, region, reveal_phones=False, **options):
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(_("Unknown region code “%(code)s”: expected a 6-digit GB/T 2260 code such as 530102.")
                               % {"code": region})
        counts = export_ledger(path, region_code=region, reveal=reveal_phones)
        for sheet, count in counts.items():
            self.stdout.write(f"{sheet}: {count}")
