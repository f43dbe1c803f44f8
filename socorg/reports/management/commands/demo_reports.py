"""socorg demo-reports [--seed N] [--year Y] [--region CODE] [--replace]

Generates last year's annual reports for the existing organizations (run `socorg demo` first)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.audit import SYSTEM, audit_write
from socorg.core.scope import region_prefix_of

from ...demo import ReportDemo
from ...models import AnnualReport


class Command(BaseCommand):
    help = _("Generate annual-report demo data (last year's reports) for the existing organizations.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025, help=_("random seed: the same seed gives the same data"))
        parser.add_argument("--year", type=int, default=None, help=_("the year reported (default: last year)"))
        parser.add_argument("--region", help=_("only organizations under this region code"))
        parser.add_argument("--replace", action="store_true", help=_("delete that year's reports first"))

    def handle(self, *args, seed, year=None, region=None, replace=False, **options):
        year = year or timezone.localdate().year - 1
        prefix = ""
        if region:
            prefix = region_prefix_of(region)
            if prefix is None:
                raise CommandError(_("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such as "
                                     "530000.") % {"code": region})
        started = time.perf_counter()
        with transaction.atomic():
            existing = AnnualReport.objects.filter(year=year)
            if existing.exists():
                if not replace:
                    raise CommandError(_("Annual reports for %(year)d exist already; pass --replace to regenerate "
                                         "them.") % {"year": year})
                existing.delete()
            count = ReportDemo(seed=seed, year=year, region_prefix=prefix).run()
            audit_write(action="demo.reports", object_type="reports.annualreport", actor=SYSTEM,
                        object_repr=f"{count} annual reports", after={"seed": seed, "year": year, "reports": count})
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(
                _("%(count)s annual reports for %(year)d in %(seconds).1f s")
                % {"count": f"{count:,}", "year": year, "seconds": time.perf_counter() - started}))
