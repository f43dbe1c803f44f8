from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from socorg.accounts import services
from socorg.accounts.models import User

from ._base import ServiceCommand


class Command(ServiceCommand):
    help = "Revoke an account's API token at once (audited): socorg revoke-token NAME"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No account named “%(name)s”.") % {"name": username})
        if services.token_revoke(user=user):
            self.stdout.write(_("The API token of %(name)s is revoked.") % {"name": user.username})
        else:
            self.stdout.write(_("%(name)s has no API token; nothing to revoke.") % {"name": user.username})
