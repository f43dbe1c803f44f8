"""socorg credit-escalate [--as-of DATE]"""

import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from socorg.credit.services import run_daily

from .credit_candidates import parse_day


class Command(BaseCommand):
    help = _("Move organizations on the abnormal-activity list for 2 years to the serious list, end entries whose "
             "period is over and suspensions that have ended (idempotent; daily from Celery beat).")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help=_("the day to evaluate, YYYY-MM-DD (default: today)"))

    def handle(self, *args, as_of=None, **options):
        result = run_daily(as_of=parse_day(as_of))
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
