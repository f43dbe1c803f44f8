from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from socorg.accounts import services
from socorg.accounts.models import User
from socorg.accounts.roles import Role

DEMO_ACCOUNTS = [
    # (username, roles held over the whole country); administrators hold no business role (三员分立)
    ("staff", [Role.BUREAU_STAFF, Role.PARTY_STAFF]),
    ("admin", [Role.SYSTEM_ADMIN]),
    ("security", [Role.SECURITY_ADMIN]),
    ("auditor", [Role.AUDIT_ADMIN]),
]


class Command(BaseCommand):
    help = "First-run set-up of a demo installation: demo accounts (printed once) and, optionally, demo data."

    def add_arguments(self, parser):
        parser.add_argument("--demo-scale", default="", help="load demo data of this scale on first run")

    def handle(self, *args, demo_scale, **options):
        logins_file = settings.VAR_DIR / "demo-accounts.txt"
        if User.objects.exists():
            hint = f" Demo logins: {logins_file}" if logins_file.exists() else ""
            self.stdout.write(f"Accounts exist already; nothing to set up.{hint}")
            return
        with transaction.atomic():
            logins = [(name, self._create(name, roles)) for name, roles in DEMO_ACCOUNTS]
        if demo_scale:
            call_command("demo", scale=demo_scale, stdout=self.stdout)
            # A first scan fills the early-warning board, as the daily scheduled scan would in production.
            from socorg.alerts.scan import run_scan

            result = run_scan()
            self.stdout.write(f"Early-warning scan: {result.open} open alerts.")
        lines = [f"  {name:10} {password}" for name, password in logins]
        logins_file.parent.mkdir(parents=True, exist_ok=True)
        logins_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        logins_file.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (random passwords, also kept in {logins_file}):"))
        for line in lines:
            self.stdout.write(line)

    def _create(self, username: str, roles: list[Role]) -> str:
        password = services.one_time_password()
        user = services.user_add(username=username, role=roles[0], region_code="100000", password=password)
        for role in roles[1:]:
            services.role_grant(user=user, role=role, region_code="100000")
        # Demo accounts skip the forced first-login change so the demo is usable at once.
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        return password
