from django.core.management.base import BaseCommand

from socorg.ledger.writers import write_template


class Command(BaseCommand):
    help = "Write the empty ledger template (.xlsx): headers, drop-down lists, an example row and a notes sheet."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        write_template(path)
        self.stdout.write(path)
