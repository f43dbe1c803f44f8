"""socorg rate-suspensions [--as-of YYYY-MM-DD]: suspend the stars of published ratings hit by a veto event since
their publication (the daily job; see ratings.tasks)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from socorg.core.audit import SYSTEM
from socorg.ratings.services import suspend_on_vetoes


class Command(BaseCommand):
    help = _("Suspend the stars of published ratings hit by a veto event since their publication.")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", default=None, help=_("the day of the check, YYYY-MM-DD (default: today)"))

    def handle(self, *args, as_of, **options):
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError(_("“%(value)s” is not a date; expected YYYY-MM-DD.") % {"value": as_of}) from None
        count = suspend_on_vetoes(as_of=day, actor=SYSTEM)
        self.stdout.write(_("%(n)d stars suspended.") % {"n": count})
