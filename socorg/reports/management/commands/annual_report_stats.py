import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from socorg.regions.models import Region
from socorg.reports.choices import Conclusion
from socorg.reports.queries import report_figures


class Command(BaseCommand):
    help = _("Annual-report figures of a region for one year (due, exempt, submitted, late, reviewed, conclusions, "
             "overdue).")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("the year reported, e.g. 2025"))
        parser.add_argument("--region", default="100000", help=_("region code (default: the whole country)"))
        parser.add_argument("--format", default="json", choices=["json", "table"], help=_("output format"))

    def handle(self, *args, year, region, format, **options):
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(_("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such as 530000.")
                               % {"code": region})
        if not 1949 < year < 10000:
            raise CommandError(_("“%(year)s” is not a year; expected four digits such as 2025.") % {"year": year})
        figures = report_figures(year=year, region=found).as_json()
        if format == "json":
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        labels = {"due": _("due"), "exempt": _("exempt"), "submitted": _("submitted"), "late": _("late"),
                  "reviewed": _("reviewed"), "overdue": _("overdue")}
        self.stdout.write(_("%(region)s · annual reports for %(year)d") % {"region": found.full_name, "year": year})
        for key, label in labels.items():
            self.stdout.write(f"{label}\t{figures[key]:,}")
        for key, count in figures["conclusions"].items():
            self.stdout.write(f"{Conclusion(key).label}\t{count:,}")
