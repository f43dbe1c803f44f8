from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from socorg.accounts import services
from socorg.accounts.models import User

from ._base import ServiceCommand


class Command(ServiceCommand):
    help = "Issue an API token for an account (replaces its previous token) and print it: socorg create-token NAME"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No account named “%(name)s”.") % {"name": username})
        self.stdout.write(services.token_create(user=user))
