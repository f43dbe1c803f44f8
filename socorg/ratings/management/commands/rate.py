"""socorg rate --cycle YEAR [--region CODE] [--format json|table]

Computes the computed criteria of the star rating for every party organization in force in the region (default:
the whole country), set-based, stores them (ratings already reviewed, approved or published stay as they are) and
prints {"cycle", "rated", "by_stars": {"5": n, …, "0": n}, "ratings": [...]} — the list of ratings only with
--region."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from socorg.core.audit import SYSTEM
from socorg.ratings.queries import STAR_KEYS
from socorg.ratings.services import rate_cycle, suspend_on_vetoes
from socorg.regions.models import Region


class Command(BaseCommand):
    help = _("Compute the star ratings of a cycle for every party organization in a region.")

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help=_("the year rated, e.g. 2025"))
        parser.add_argument("--region", default=None, help=_("region code (default: the whole country)"))
        parser.add_argument("--format", default="json", choices=["json", "table"], help=_("output format"))

    def handle(self, *args, cycle, region, format, **options):
        if not 2000 <= cycle <= 2100:
            raise CommandError(_("“%(year)s” is not a cycle; expected a year such as 2025.") % {"year": cycle})
        prefix = ""
        if region is not None:
            found = Region.objects.filter(code=region).first()
            if found is None:
                raise CommandError(_("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such as 530000.")
                                   % {"code": region})
            prefix = found.scope_prefix
        # The nation is rated chunk by chunk without keeping the criteria; only a region's are listed.
        result = rate_cycle(cycle=cycle, region_prefix=prefix, actor=SYSTEM, keep_computed=region is not None)
        suspend_on_vetoes(region_prefix=prefix, actor=SYSTEM)
        output = {"cycle": cycle, "rated": result.rated,
                  "by_stars": {key: result.by_stars.get(int(key), 0) for key in STAR_KEYS}}
        if region is not None:
            output["ratings"] = [{"party_org": r.party_org_id, "computed_points": float(r.computed_points),
                                  "criteria": [{"code": c["code"], "points": c["points"], "max": c["max"],
                                                "evidence": c["evidence"]} for c in r.criteria
                                               if c["kind"] == "computed"]}
                                 for r in result.computed]
        if format == "json":
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=None if region is None else 1))
            return
        self.stdout.write(_("Star ratings %(cycle)d: %(rated)d party organizations rated in %(seconds).1f s")
                          % {"cycle": cycle, "rated": output["rated"], "seconds": result.seconds})
        for key in STAR_KEYS:
            self.stdout.write(_("%(stars)s stars\t%(n)d") % {"stars": key, "n": output["by_stars"][key]})
