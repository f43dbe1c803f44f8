from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from socorg.accounts import services
from socorg.accounts.models import User

from ._base import ServiceCommand


class Command(ServiceCommand):
    help = ("Remove an account's authenticator and recovery codes (lost phone) from the server console, audited and "
            "notified; it enrols again at its next sign-in: socorg reset-2fa NAME")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No account named “%(name)s”.") % {"name": username})
        services.otp_reset(user=user, actor=None)
        self.stdout.write(_("Two-factor sign-in of “%(name)s” reset: the account sets up an authenticator again at "
                            "its next sign-in.") % {"name": user.username})
