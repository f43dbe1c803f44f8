"""socorg demo-activities [--seed N] [--per-org N] [--region CODE] [--replace]

Generates organizational-life records for the existing party organizations (run `socorg demo` first)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from socorg.core.audit import SYSTEM, audit_write
from socorg.regions.models import Region

from ...demo import ActivityDemo
from ...models import Activity, Attachment


class Progress:
    def __init__(self, stdout, verbosity: int):
        self.stdout, self.verbosity, self.done, self.total, self.started = stdout, verbosity, 0, 0, time.time()

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, count: int) -> None:
        self.done += count
        if self.verbosity > 1 or (self.verbosity > 0 and self.done % 1_000_000 < count):
            rate = self.done / max(time.time() - self.started, 1e-6)
            self.stdout.write(f"  {self.done:,} / ~{self.total:,} records ({rate:,.0f}/s)")


class Command(BaseCommand):
    help = "Generate organizational-life demo records for existing party organizations (bulk insert)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025, help="random seed: the same seed gives the same data")
        parser.add_argument("--per-org", type=int, default=40, help="records per party organization (about)")
        parser.add_argument("--region", help="only party organizations under this region code")
        parser.add_argument("--replace", action="store_true", help="delete existing records first")

    def handle(self, *args, seed, per_org, region=None, replace=False, **options):
        if per_org < 1:
            raise CommandError("--per-org must be a positive number of records.")
        prefix = ""
        if region:
            prefix = Region.objects.filter(code=region).values_list("scope_prefix", flat=True).first()
            if prefix is None:
                raise CommandError(f"--region {region!r} is not a known region code.")
        started = time.perf_counter()
        with transaction.atomic():
            if Activity.objects.exists():
                if not replace:
                    raise CommandError("Organizational-life records exist already; pass --replace to regenerate.")
                self._delete_all()
            demo = ActivityDemo(seed=seed, per_org=per_org, region_prefix=prefix,
                                progress=Progress(self.stdout, options["verbosity"]))
            count = demo.run()
            seconds = time.perf_counter() - started
            audit_write(action="demo.activities", actor=SYSTEM, object_type="activities.activity",
                        object_repr=f"{count} organizational-life records",
                        after={"seed": seed, "per_org": per_org, "region": region or "", "records": count,
                               "seconds": round(seconds, 1)})
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(
                f"{count:,} organizational-life records in {seconds:.1f} s ({count / max(seconds, 1e-6):,.0f}/s)"))

    def _delete_all(self) -> None:
        with connection.cursor() as cursor:
            for model in (Attachment, Activity):
                table = connection.ops.quote_name(model._meta.db_table)
                if connection.vendor == "postgresql":
                    cursor.execute(f"TRUNCATE {table} CASCADE")
                else:
                    cursor.execute(f"DELETE FROM {table}")
