from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from socorg.accounts import services
from socorg.accounts.models import User
from socorg.accounts.roles import Role

from ._base import ServiceCommand


class Command(ServiceCommand):
    help = "Grant a role over a region to an existing account: socorg grant NAME --role R --region CODE"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"one of: {', '.join(Role.values)}")
        parser.add_argument("--region", required=True, help="6-digit region code; 100000 = the whole country")

    def handle(self, *args, username, role, region, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No account named “%(name)s”.") % {"name": username})
        services.role_grant(user=user, role=role, region_code=region)
        self.stdout.write(_("Granted %(role)s over %(region)s to %(name)s.")
                          % {"role": role, "region": region, "name": username})
