from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from socorg.accounts import services
from socorg.accounts.models import User

from ._base import ServiceCommand


class Command(ServiceCommand):
    help = ("Issue an API token for an account (replaces its previous token) and print it once: "
            "socorg create-token NAME [--expires-days N]. Only a digest of the key is stored.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--expires-days", type=int, default=None,
                            help="the token stops working after this many days (default: no expiry)")

    def handle(self, *args, username, expires_days, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No account named “%(name)s”.") % {"name": username})
        self.stdout.write(services.token_create(user=user, expires_days=expires_days))
