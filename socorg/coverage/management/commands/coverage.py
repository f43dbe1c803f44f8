import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from socorg.coverage.queries import BY_CHOICES, region_figures
from socorg.coverage.tables import COLUMNS, figure_rows, format_cell
from socorg.party.models import ResponsibleBody
from socorg.regions.models import Region


class Command(BaseCommand):
    help = _("Two-coverage figures of a region with its breakdown, as JSON or as a table.")

    def add_arguments(self, parser):
        parser.add_argument("--region", default="100000", help=_("region code (default: the whole country)"))
        parser.add_argument("--as-of", dest="as_of", help=_("date YYYY-MM-DD (default: today)"))
        parser.add_argument("--by", default="region", choices=BY_CHOICES, help=_("breakdown"))
        parser.add_argument("--format", default="table", choices=["json", "table"], help=_("output format"))
        parser.add_argument("--responsible", help=_("only the organizations this responsible party body (id or "
                                                     "exact name) is responsible for"))

    def handle(self, *args, region, as_of, by, format, responsible=None, **options):
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(_("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such as 530000.")
                               % {"code": region})
        on = None
        if as_of:
            try:
                on = datetime.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(_("“%(value)s” is not a date; expected YYYY-MM-DD.") % {"value": as_of}) from None
        body = None
        if responsible:
            body = ResponsibleBody.objects.filter(
                Q(name=responsible) | Q(pk=int(responsible) if responsible.isdigit() else None)).first()
            if body is None:
                raise CommandError(_("No responsible party body “%(value)s”: give the id or the exact name of an "
                                     "existing one.") % {"value": responsible})
        try:
            figures = region_figures(found, on=on, by=by, responsible=body)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if format == "json":
            self.stdout.write(json.dumps(figures.as_json(), ensure_ascii=False, indent=2))
        else:
            self._table(figures)

    def _table(self, figures):
        from rich.console import Console
        from rich.table import Table

        title = _("%(region)s · two coverages as of %(date)s") % {"region": figures.region.full_name,
                                                                   "date": figures.as_of.isoformat()}
        table = Table(title=title, show_lines=False)
        table.add_column(_("Unit"))
        for column in COLUMNS:
            table.add_column(str(column.label), justify="right")
        for row in figure_rows(figures):
            table.add_row(row.label, *(format_cell(row.totals, column) for column in COLUMNS),
                          style="bold" if row.kind == "total" else None)
        Console(file=self.stdout, width=220).print(table)
        self.stdout.write(_("Filed (备案) community organizations, counted apart from the registered ones: %(n)s")
                          % {"n": f"{figures.totals['filed_community_orgs']:,}"})
