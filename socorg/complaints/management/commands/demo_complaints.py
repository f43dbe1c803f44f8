"""socorg demo-complaints [--seed N] [--per-thousand N] [--region CODE] [--replace]

Generates complaints about the existing organizations (run `socorg demo` first)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from socorg.core.audit import SYSTEM, audit_write
from socorg.core.scope import region_prefix_of

from ...demo import ComplaintDemo
from ...models import Complaint


class Command(BaseCommand):
    help = _("Generate complaint demo data (this year and last) for the existing organizations.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025, help=_("random seed: the same seed gives the same data"))
        parser.add_argument("--per-thousand", type=int, default=6, help=_("complaints per thousand organizations"))
        parser.add_argument("--region", help=_("only organizations under this region code"))
        parser.add_argument("--replace", action="store_true", help=_("delete the existing complaints first"))

    def handle(self, *args, seed, per_thousand, region=None, replace=False, **options):
        prefix = ""
        if region:
            prefix = region_prefix_of(region)
            if prefix is None:
                raise CommandError(_("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such as "
                                     "530000.") % {"code": region})
        started = time.perf_counter()
        with transaction.atomic():
            if Complaint.objects.exists():
                if not replace:
                    raise CommandError(_("Complaints exist already; pass --replace to regenerate them."))
                Complaint.objects.all().delete()
            count = ComplaintDemo(seed=seed, per_thousand=per_thousand, region_prefix=prefix).run()
            audit_write(action="demo.complaints", object_type="complaints.complaint", actor=SYSTEM,
                        object_repr=f"{count} complaints", after={"seed": seed, "complaints": count})
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(_("%(count)s complaints in %(seconds).1f s") % {
                "count": f"{count:,}", "seconds": time.perf_counter() - started}))
