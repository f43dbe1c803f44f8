"""socorg demo-projects [--seed N] [--region CODE] [--replace]

Generates funded-project and matching demo data (calls, applications, reviews, projects with milestones, payments and
evaluations; needs, offers and matches) for the existing organizations (run `socorg demo` first; it calls this)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from socorg.core.audit import SYSTEM, audit_write
from socorg.core.scope import region_prefix_of

from ...demo import ProjectsDemo
from ...models import Application, Expert, Match, Need, Offer, Payment, Project, ProjectCall


class Command(BaseCommand):
    help = _("Generate funded-project and matching demo data for the existing organizations.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025, help=_("random seed: the same seed gives the same data"))
        parser.add_argument("--region", help=_("only organizations under this region code"))
        parser.add_argument("--replace", action="store_true", help=_("delete the existing project data first"))

    def handle(self, *args, seed, region=None, replace=False, **options):
        prefix = ""
        if region:
            prefix = region_prefix_of(region)
            if prefix is None:
                raise CommandError(_("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such as "
                                     "530000.") % {"code": region})
        started = time.perf_counter()
        with transaction.atomic():
            if ProjectCall.objects.exists() or Need.objects.exists() or Offer.objects.exists():
                if not replace:
                    raise CommandError(_("Project data exists already; pass --replace to regenerate it."))
                # Children first: payments protect milestones, projects applications, applications calls,
                # reviews experts, matches offers.
                for model in (Match, Need, Payment, Project, Application, ProjectCall, Offer, Expert):
                    model.objects.all().delete()
            counts = ProjectsDemo(seed=seed, region_prefix=prefix).run()
            audit_write(action="demo.projects", object_type="projects.projectcall", actor=SYSTEM,
                        object_repr=f"{counts['calls']} project calls", after={"seed": seed, **counts})
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(
                _("Project demo data in %(seconds).1f s: %(counts)s")
                % {"seconds": time.perf_counter() - started,
                   "counts": ", ".join(f"{name} {count:,}" for name, count in counts.items())}))
