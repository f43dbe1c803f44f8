import contextlib
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from socorg.core.audit import SYSTEM, audit_write
from socorg.coverage.state import rebuild_counts, refresh_coverage_flags, refresh_member_counts
from socorg.demo.generator import SCALES, DemoGenerator, Options
from socorg.regions.models import Region
from socorg.registry.models import SocialOrganization

TABLE_LABELS = {
    "organizations": gettext_lazy("social organizations"),
    "party_organizations": gettext_lazy("party organizations"),
    "coverages": gettext_lazy("coverages"),
    "members": gettext_lazy("party members"),
    "instructors": gettext_lazy("instructors and liaisons"),
    "assignments": gettext_lazy("instructor assignments"),
}


def underlying_stream(stream):
    """The real stream below Django's OutputWrapper(s): rich writes partial lines, which the wrapper would end
    with a newline each (bootstrap passes its own wrapper in as stdout, so there may be two)."""
    while isinstance(stream, OutputWrapper):
        stream = stream._out
    return stream


class Command(BaseCommand):
    help = _("Load deterministic demo data: social organizations, party organizations, members and instructors.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="province",
                            help=_("county ≈ 500, city ≈ 4,000, province ≈ 30,000, national = 1,000,000 orgs"))
        parser.add_argument("--seed", type=int, default=2025, help=_("random seed: the same seed gives the same data"))
        parser.add_argument("--region", default=None,
                            help=_("region code of the scope (default: 530000 Yunnan, 530100, 530102)"))
        parser.add_argument("--orgs", type=int, default=None,
                            help=_("number of organizations instead of the scale's default"))
        parser.add_argument("--activities-per-org", type=int, default=40,
                            help=_("organizational-life records per party organization (0 = none)"))
        parser.add_argument("--sql-refresh", action="store_true",
                            help=_("also recompute member counts and coverage flags with the set-based SQL updates "
                                   "(the generator already writes them; slow at national scale)"))

    def handle(self, *args, scale, seed, region=None, orgs=None, sql_refresh=False, activities_per_org=40,
               **options):
        options_ = Options(scale=scale, seed=seed, region=region, orgs=orgs)
        self._check(options_)
        console = Console(file=underlying_stream(self.stdout), stderr=False)
        started = time.perf_counter()
        with transaction.atomic(), self._progress(console, options["verbosity"]) as progress:
            counts = DemoGenerator(options_, progress=progress).run()
            loaded = time.perf_counter() - started
            refresh_started = time.perf_counter()
            if sql_refresh:
                refresh_member_counts()
                refresh_coverage_flags()
            # The per-region counts and party-organization reach the statistics read, rebuilt set-based.
            rebuild_counts()
            refreshed = time.perf_counter() - refresh_started
            self._audit(options_, counts, loaded, refreshed)
        if activities_per_org > 0:
            # Organizational-life records make the early-warning board meaningful (activities app).
            call_command("demo_activities", seed=seed, per_org=activities_per_org, region=region,
                         verbosity=options["verbosity"], stdout=self.stdout)
        # Last year's annual reports make the review queue and its figures meaningful (reports app).
        call_command("demo_reports", seed=seed, region=region, verbosity=options["verbosity"], stdout=self.stdout)
        # Last year's star ratings (some published), model branches and evaluation grades (ratings app).
        call_command("demo_ratings", seed=seed, region=region, verbosity=options["verbosity"], stdout=self.stdout)
        # Penalties, registered letters and listings decided from the candidates (credit app).
        call_command("demo_credit", seed=seed, region=region, replace=True, verbosity=options["verbosity"],
                     stdout=self.stdout)
        # Complaints in every state make the complaint list, its figures and the escalation meaningful.
        call_command("demo_complaints", seed=seed, region=region, replace=True, verbosity=options["verbosity"],
                     stdout=self.stdout)
        # A zombie screening with some cases closed (by the demo staff account, when it exists) fills /exits/.
        call_command("demo_exits", seed=seed, region=region or "100000", verbosity=options["verbosity"],
                     stdout=self.stdout)
        # Calls of every kind with applications, reviews, projects, needs, offers and matches fill /projects/.
        call_command("demo_projects", seed=seed, region=region, replace=True, verbosity=options["verbosity"],
                     stdout=self.stdout)
        # Fresh planner statistics: without them the first list queries on a million rows pick the wrong plans.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(
                _("Demo data loaded in %(seconds).1f s (coverage counts rebuilt in %(refresh).1f s): %(counts)s")
                % {"seconds": time.perf_counter() - started, "refresh": refreshed,
                   "counts": ", ".join(f"{name} {count:,}" for name, count in counts.items())}
            ))

    def _check(self, options: Options) -> None:
        if options.orgs is not None and options.orgs < 1:
            raise CommandError(_("--orgs must be a positive number of organizations."))
        expected_level = SCALES[options.scale].level
        level = Region.objects.filter(code=options.root_code).values_list("level", flat=True).first()
        if level is None:
            raise CommandError(_("Region %(code)s does not exist: give a 6-digit GB/T 2260 code.")
                               % {"code": options.root_code})
        if level != expected_level:
            raise CommandError(_("Region %(code)s is a %(level)s unit; scale %(scale)s needs a %(expected)s unit.")
                               % {"code": options.root_code, "level": level, "scale": options.scale,
                                  "expected": expected_level})
        if SocialOrganization.objects.exists():
            raise CommandError(_("The database already holds social organizations: demo data is only loaded into "
                                 "an empty registry. Use a fresh database (or delete the organizations first)."))

    @contextlib.contextmanager
    def _progress(self, console: Console, verbosity: int):
        """A rich progress bar per table; yields the factory the generator calls with (table, estimated rows)."""
        progress = Progress(TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=console, disable=verbosity == 0)

        def add_table(name: str, estimate: int):
            task_id = progress.add_task(str(TABLE_LABELS[name]), total=estimate)

            def advance(rows: int) -> None:
                task = progress.tasks[task_id]
                if task.completed + rows > (task.total or 0):  # the estimate was low
                    progress.update(task_id, total=task.completed + rows)
                progress.advance(task_id, rows)
            return advance

        with progress:
            yield add_table
            for task in progress.tasks:
                progress.update(task.id, total=task.completed)

    def _audit(self, options: Options, counts: dict, loaded: float, refreshed: float) -> None:
        audit_write(action="demo.load", actor=SYSTEM, object_type="demo", object_id=options.scale,
                    object_repr=f"demo {options.scale} {options.root_code} seed {options.seed}",
                    after={"scale": options.scale, "region": options.root_code, "seed": options.seed, **counts,
                           "load_seconds": round(loaded, 1), "refresh_seconds": round(refreshed, 1)})
