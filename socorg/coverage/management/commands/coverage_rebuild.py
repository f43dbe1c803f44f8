from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from socorg.coverage.queries import verify_maintained
from socorg.coverage.state import rebuild_region_counts, refresh_coverage_flags, refresh_member_counts
from socorg.coverage.triggers import install_triggers


class Command(BaseCommand):
    help = _("Recompute every organization's member counts and coverage flags and the maintained per-region counts "
             "(run nightly: coverages and assignments dated in the future take effect without a write; and after "
             "changing SOCORG_SHOULD_BUILD_BASIS), or --check them against a recount.")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help=_("only compare the maintained figures with a from-scratch recount"))

    def handle(self, *args, check, **options):
        if not check:
            with transaction.atomic():
                install_triggers()
                refresh_member_counts(None)
                refresh_coverage_flags(None)
                rebuild_region_counts()
        problems = verify_maintained()
        if problems:
            raise CommandError(_("The maintained figures differ from a recount: %(problems)s")
                               % {"problems": "; ".join(problems)})
        self.stdout.write(_("The maintained figures equal a from-scratch recount."))
