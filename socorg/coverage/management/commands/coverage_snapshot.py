from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from socorg.coverage.services import snapshot_take


class Command(BaseCommand):
    help = _("Freeze the coverage figures of every region for a half-year census period (immutable).")

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help=_("census period, e.g. 2026H2"))

    def handle(self, *args, period, **options):
        try:
            count = snapshot_take(period=period)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(_("Snapshot %(period)s taken for %(count)s regions.") % {"period": period.upper(),
                                                                                  "count": count})
