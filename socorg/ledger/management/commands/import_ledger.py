import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from socorg.accounts.models import User
from socorg.ledger.importer import ImportTimeout
from socorg.ledger.services import import_file, time_limit_message
from socorg.ledger.sheets import kinds


class Command(BaseCommand):
    help = ("Import a ledger workbook (.xlsx): validate every row of every sheet, then write everything in one "
            "transaction, or nothing when any error is found. Exit status 0 on success, 1 on errors.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--report", metavar="OUT.xlsx", help="write the workbook back with bad cells marked")
        parser.add_argument("--as", dest="as_user", metavar="USER",
                            help="act as this account: its region scope applies and the audit log names it "
                                 "(default: the system, unrestricted)")

    def handle(self, *args, path, dry_run, format, report, as_user, **options):
        user = self._user(as_user)
        with _Progress(enabled=sys.stderr.isatty()) as progress:
            try:
                run = import_file(path, user=user, dry_run=dry_run, progress=progress.update, report_path=report,
                                  report_always=True)
            except ImportTimeout:
                raise CommandError(time_limit_message()) from None
        summary = run.summary()
        if format == "json":
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
        else:
            self._table(summary, dry_run)
        if run.report_marked is not None:
            self.stderr.write(_("Report written to %(path)s (%(count)d cells marked).")
                              % {"path": report, "count": run.report_marked})
        if not run.ok:
            sys.exit(1)

    def _user(self, username):
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active account named “%(name)s”.") % {"name": username})
        if not user.has_capability("ledger.import"):
            raise CommandError(_("%(name)s may not import ledgers (the ledger.import capability is missing).")
                               % {"name": username})
        return user

    def _table(self, summary: dict, dry_run: bool) -> None:
        from rich.console import Console
        from rich.table import Table

        console = Console(file=self.stdout._out, width=160)
        counts = Table(title=_("Dry run: nothing was written") if dry_run else _("Import"))
        counts.add_column(_("Kind"))
        for title in (_("Created"), _("Updated"), _("Unchanged")):
            counts.add_column(title, justify="right")
        for kind, name in kinds().items():
            counts.add_row(name, *(str(summary[state][kind]) for state in ("created", "updated", "unchanged")))
        console.print(counts)
        for title, issues, style in ((_("Errors"), summary["errors"], "red"),
                                     (_("Warnings"), summary["warnings"], "yellow")):
            if not issues:
                continue
            table = Table(title=f"{title} ({len(issues)})", title_style=style)
            for header in (_("Sheet"), _("Row"), _("Column"), _("Value"), _("Message")):
                table.add_column(header, overflow="fold")
            for issue in issues[:1000]:
                table.add_row(issue["sheet"], str(issue["row"] or ""), issue["column"], issue["value"],
                              issue["message"])
            console.print(table)
        if summary["errors"]:
            console.print(_("Nothing was written: correct the errors and import again."), style="bold red")


class _Progress:
    """A rich progress bar per sheet on the terminal; silent when output is not a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.tasks = {}
        self.progress = None

    def __enter__(self):
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), transient=True)
            self.progress.start()
        return self

    def update(self, sheet: str, done: int, total: int | None) -> None:
        if self.progress is None:
            return
        if sheet not in self.tasks:
            self.tasks[sheet] = self.progress.add_task(sheet, total=total)
        self.progress.update(self.tasks[sheet], completed=done, total=total)

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.stop()
