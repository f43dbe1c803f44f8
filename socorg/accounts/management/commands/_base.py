from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError


class ServiceCommand(BaseCommand):
    """Runs a service and turns its refusal (ValidationError, PermissionDenied) into a clean one-line error with a
    non-zero exit. The services are transactional, so a refused command has written nothing."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
