import sys

from django.core.management.base import CommandError

from socorg.accounts import services
from socorg.accounts.roles import Role

from ._base import ServiceCommand


class Command(ServiceCommand):
    help = "Create an account with a role over a region: socorg add-user NAME --role R --region CODE [--password-stdin]"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"one of: {', '.join(Role.values)}")
        parser.add_argument("--region", required=True, help="6-digit region code; 100000 = the whole country")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--password-stdin", action="store_true",
                            help="read the initial password from standard input (it must be changed at first login)")

    def handle(self, *args, username, role, region, display_name, password_stdin, **options):
        password = None
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("No password was given on standard input.")
        user = services.user_add(username=username, role=role, region_code=region, password=password,
                                 display_name=display_name)
        self.stdout.write(f"Created {user.username}: {role} over {region}.")
        if password is None:
            self.stdout.write("No password set yet: give one with --password-stdin or the accounts page.")
