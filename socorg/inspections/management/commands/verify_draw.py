"""socorg verify-draw PROOF.json: re-run a published draw (socorg-draw-v1) and check every stated value.

Exit 0 when the proof holds; 1 naming the first discrepancy; 2 when the file cannot be read or is not JSON.
Needs no database: it reads only the file."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from socorg.inspections.verify import ProofError, verify_proof


class Command(BaseCommand):
    help = _("Re-run a published random-inspection draw from its proof file and check every value; exit 0 when "
             "the proof holds, non-zero naming the first discrepancy.")
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("proof", help=_("the proof file (JSON) downloaded from /api/v1/inspection-plans/{id}/"
                                            "proof/"))
        parser.add_argument("--pool-sha256", default=None,
                            help=_("the pool SHA-256 published at the commit, to compare with the proof's"))

    def handle(self, *args, proof, pool_sha256, **options):
        try:
            with open(proof, "rb") as handle:
                data = json.loads(handle.read().decode("utf-8"))
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": proof, "error": error.strerror},
                               returncode=2) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(_("%(file)s is not a JSON proof file: %(error)s") % {"file": proof, "error": error},
                               returncode=2) from None
        try:
            n = verify_proof(data, expected_pool_sha256=pool_sha256)
        except ProofError as error:
            raise CommandError(_("The proof does not hold: %(problem)s") % {"problem": error}, returncode=1) \
                from None
        self.stdout.write(_("The proof holds: pool of %(size)d organizations, SHA-256 %(sha)s; %(n)d selected and "
                            "their inspectors follow from public value “%(value)s”.") % {
            "size": len(data["pool"]), "sha": data["pool_sha256"], "n": n, "value": data["public_value"]})
