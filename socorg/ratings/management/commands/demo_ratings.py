"""socorg demo-ratings [--seed N] [--cycle Y] [--region CODE]: last year's star ratings, some published, model
branches and evaluation grades for the existing demo data (run `socorg demo` first)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.scope import region_prefix_of

from ...demo import RatingsDemo
from ...models import EvaluationGrade, ModelBranch, Rating


class Command(BaseCommand):
    help = _("Generate star-rating and evaluation-grade demo data for the existing organizations.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025, help=_("random seed: the same seed gives the same data"))
        parser.add_argument("--cycle", type=int, default=None, help=_("the year rated (default: last year)"))
        parser.add_argument("--region", help=_("only party organizations under this region code"))

    def handle(self, *args, seed, cycle=None, region=None, **options):
        cycle = cycle or timezone.localdate().year - 1
        prefix = ""
        if region:
            prefix = region_prefix_of(region)
            if prefix is None:
                raise CommandError(_("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such as 530000.")
                                   % {"code": region})
        if Rating.objects.filter(cycle=cycle).exclude(status="computed").exists() or \
                EvaluationGrade.objects.exists() or ModelBranch.objects.exists():
            raise CommandError(_("Ratings beyond the computation or evaluation grades exist already; the demo only "
                                 "fills an empty ratings app."))
        started = time.perf_counter()
        with transaction.atomic():
            counts = RatingsDemo(seed=seed, cycle=cycle, region_prefix=prefix).run()
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(
                _("%(ratings)s ratings for %(cycle)d (%(published)s published) and %(grades)s evaluation grades in "
                  "%(seconds).1f s") % {"ratings": f"{counts['ratings']:,}", "published": f"{counts['published']:,}",
                                         "grades": f"{counts['grades']:,}", "cycle": cycle,
                                         "seconds": time.perf_counter() - started}))
