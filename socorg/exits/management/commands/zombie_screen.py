import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from socorg.core.audit import SYSTEM
from socorg.exits.services import screening_run
from socorg.regions.models import Region


class Command(BaseCommand):
    help = _("Zombie screening (僵尸型社会组织): open a case for every organization under the region that meets a "
             "configured criterion; prints the run's counts and the cases per region as JSON.")

    def add_arguments(self, parser):
        parser.add_argument("--region", default="100000", help=_("region code (default: the whole country)"))
        parser.add_argument("--as-of", help=_("the day to screen on, YYYY-MM-DD (default: today)"))

    def handle(self, *args, region, as_of=None, **options):
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(_("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such as 530000.")
                               % {"code": region})
        day = None
        if as_of:
            try:
                day = datetime.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(_("“%(value)s” is not a date; expected YYYY-MM-DD.") % {"value": as_of}) from None
        run = screening_run(region=found, actor=SYSTEM, as_of=day)
        per_region: dict[str, int] = {}
        for code in run.cases.values_list("organization__authority_region_id", flat=True):
            per_region[code] = per_region.get(code, 0) + 1
        self.stdout.write(json.dumps({"run": run.pk, "region": found.code, "as_of": run.as_of.isoformat(),
                                      "criteria": run.configuration["criteria"], "opened": run.opened,
                                      "already_open": run.already_open, "per_region": per_region},
                                     ensure_ascii=False))
