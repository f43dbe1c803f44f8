"""socorg demo-exits [--seed N] [--region CODE] [--close N]: a screening over the demo data, some cases closed."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from socorg.accounts.models import User
from socorg.regions.models import Region

from ...demo import run_demo


class Command(BaseCommand):
    help = _("Zombie-screening demo data: one screening run over the existing organizations, some cases closed by "
             "the demo staff account.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025, help=_("random seed: the same seed gives the same data"))
        parser.add_argument("--region", default="100000", help=_("region code (default: the whole country)"))
        parser.add_argument("--close", type=int, default=200, help=_("how many cases to close"))
        parser.add_argument("--user", default="staff", help=_("the account that closes cases (demo: staff)"))

    def handle(self, *args, seed, region, close, user, **options):
        if not Region.objects.filter(code=region).exists():
            raise CommandError(_("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such as 530000.")
                               % {"code": region})
        actor = User.objects.filter(username=user, is_active=True).first()
        counts = run_demo(seed=seed, region_code=region, close=close, actor=actor)
        if options["verbosity"] > 0:
            self.stdout.write(json.dumps(counts, ensure_ascii=False))
