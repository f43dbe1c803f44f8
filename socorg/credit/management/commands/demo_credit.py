"""socorg demo-credit [--seed N] [--region CODE] [--replace]

Generates credit demo data (penalties, registered letters, listings from the candidates) for the existing
organizations (run `socorg demo` first; it calls this)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from socorg.core.audit import SYSTEM, audit_write
from socorg.core.scope import region_prefix_of

from ...demo import CreditDemo
from ...models import CreditEntry, CreditFact, Objection, Penalty, RegisteredLetter, SupervisorStatement
from ...services import run_daily


class Command(BaseCommand):
    help = _("Generate credit demo data (penalties, registered letters, listings) for the existing organizations.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025, help=_("random seed: the same seed gives the same data"))
        parser.add_argument("--region", help=_("only organizations under this region code"))
        parser.add_argument("--replace", action="store_true", help=_("delete the existing credit data first"))

    def handle(self, *args, seed, region=None, replace=False, **options):
        prefix = ""
        if region:
            prefix = region_prefix_of(region)
            if prefix is None:
                raise CommandError(_("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such as "
                                     "530000.") % {"code": region})
        started = time.perf_counter()
        with transaction.atomic():
            if CreditEntry.objects.exists() or Penalty.objects.exists():
                if not replace:
                    raise CommandError(_("Credit data exists already; pass --replace to regenerate it."))
                Objection.objects.all().delete()
                CreditEntry.objects.all().delete()
                for model in (Penalty, RegisteredLetter, CreditFact, SupervisorStatement):
                    model.objects.all().delete()
            counts = CreditDemo(seed=seed, region_prefix=prefix).run()
            audit_write(action="demo.credit", object_type="credit.creditentry", actor=SYSTEM,
                        object_repr=f"{counts['entries']} credit-list entries", after={"seed": seed, **counts})
        daily = run_daily()
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(
                _("Credit demo data in %(seconds).1f s: %(entries)s entries, %(penalties)s penalties, %(letters)s "
                  "registered letters; %(escalated)s moved to the serious list")
                % {"seconds": time.perf_counter() - started, "entries": f"{counts['entries']:,}",
                   "penalties": f"{counts['penalties']:,}", "letters": f"{counts['letters']:,}",
                   "escalated": f"{daily.escalated:,}"}))
