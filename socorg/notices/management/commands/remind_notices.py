import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from socorg.notices.services import send_reminders


class Command(BaseCommand):
    help = _("Remind the recipients who have not read a notice after its reminder interval (run daily).")

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        result = send_reminders()
        if options["format"] == "json":
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(_("%(reminded)d recipients of %(notices)d notices reminded.") % result)
