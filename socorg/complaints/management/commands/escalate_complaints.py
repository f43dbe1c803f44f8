import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.complaints.services import escalate_overdue
from socorg.core.scope import region_prefix_of


class Command(BaseCommand):
    help = _("Escalate complaints past their acceptance or conclusion deadline to the region above (idempotent; "
             "daily from Celery beat).")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help=_("the day to judge deadlines on, YYYY-MM-DD (default: today)"))
        parser.add_argument("--region", default="", help=_("only complaints under this region code"))

    def handle(self, *args, as_of=None, region="", **options):
        day = timezone.localdate()
        if as_of:
            try:
                day = datetime.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(_("“%(value)s” is not a date; expected YYYY-MM-DD.") % {"value": as_of}) from None
        prefix = ""
        if region:
            prefix = region_prefix_of(region)
            if prefix is None:
                raise CommandError(_("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such as "
                                     "530000.") % {"code": region})
        count = escalate_overdue(as_of=day, region_prefix=prefix)
        self.stdout.write(json.dumps({"as_of": day.isoformat(), "escalated": count}))
