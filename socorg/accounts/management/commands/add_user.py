import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from socorg.accounts import services
from socorg.accounts.roles import Role

from ._base import ServiceCommand


class Command(ServiceCommand):
    help = (
        "Create an account with one or more roles over a region: "
        "socorg add-user NAME --role R [--role R2] --region CODE [--password-stdin]; an organization's own account: "
        "socorg add-user NAME --role org_account --org USCC [--password-stdin] (the region follows the organization). "
        "The initial password must be changed at the first login. Nothing is written if any part is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, action="append", dest="roles",
                            help=f"one of: {', '.join(Role.values)} (repeat for several roles)")
        parser.add_argument("--region", help="6-digit region code; 100000 = the whole country (not needed with --org)")
        parser.add_argument("--org", help="unified social credit code of the organization whose own account this is "
                                          "(role org_account)")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--password-stdin", action="store_true",
                            help="read the initial password from standard input (it must be changed at first login)")

    def handle(self, *args, username, roles, region, org, display_name, password_stdin, **options):
        if not region and not org:
            raise CommandError(_("Give the region (--region CODE), or --org USCC for an organization's own account."))
        password = None
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError(_("No password was given on standard input."))
        user = services.user_add(username=username, password=password, display_name=display_name,
                                 grants=[(role, region) for role in roles], organization=org)
        region = region or user.grants.values_list("region_id", flat=True).first()
        self.stdout.write(_("Created %(name)s: %(roles)s over %(region)s.")
                          % {"name": user.username, "roles": "、".join(str(Role(role).label) for role in roles),
                             "region": region})
        if password is None:
            self.stdout.write(_("No password set yet: give one with --password-stdin or on the accounts page."))
