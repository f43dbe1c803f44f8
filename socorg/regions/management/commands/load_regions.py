from django.core.management.base import BaseCommand

from socorg.regions.loader import load_regions
from socorg.regions.models import Region


class Command(BaseCommand):
    help = "Insert or update the GB/T 2260 divisions from the shipped data file (migrate does this on creation)."

    def handle(self, *args, **options):
        count = load_regions(Region)
        self.stdout.write(f"Loaded {count} regions.")
