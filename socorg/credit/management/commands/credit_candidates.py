"""socorg credit-candidates [--as-of DATE] [--region CODE] --format json"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.scope import region_prefix_of
from socorg.credit.candidates import credit_candidates
from socorg.credit.rules import reason_label


def parse_day(value: str | None) -> datetime.date:
    if not value:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("“%(value)s” is not a date; give it as YYYY-MM-DD.") % {"value": value}) from None


class Command(BaseCommand):
    help = _("Organizations a listing reason applies to (proposed for a clerk's decision), computed set-based.")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help=_("the day to evaluate, YYYY-MM-DD (default: today)"))
        parser.add_argument("--region", help=_("only organizations under this region code (default: the whole "
                                               "country)"))
        parser.add_argument("--format", default="json", choices=["json", "table"], help=_("output format"))

    def handle(self, *args, as_of=None, region=None, format="json", **options):
        day = parse_day(as_of)
        prefix = ""
        if region:
            prefix = region_prefix_of(region)
            if prefix is None:
                raise CommandError(_("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such as "
                                     "530000.") % {"code": region})
        found = credit_candidates(as_of=day, region_prefix=prefix)
        if format == "json":
            self.stdout.write(json.dumps({"as_of": day.isoformat(), "candidates": [c.as_json() for c in found]},
                                         ensure_ascii=False, indent=1))
            return
        for c in found:
            self.stdout.write(f"{c.uscc}\t{c.name}\t{reason_label(c.reason)}\t{c.since.isoformat()}")
        self.stdout.write(_("%(count)s candidates as of %(date)s") % {"count": f"{len(found):,}",
                                                                      "date": day.isoformat()})
