from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class ServiceCommand(BaseCommand):
    """Runs a service and turns its ValidationError into a clean one-line error with a non-zero exit."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
