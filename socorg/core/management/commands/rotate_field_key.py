from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from socorg.core.crypto import forget_keys
from socorg.core.keys import BATCH, rotate_field_key


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted field under SOCORG_FIELD_KEY (old keys in SOCORG_FIELD_KEY_OLD, read only); "
            "resumable: run it again after an interruption: socorg rotate-field-key")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH, help="rows per transaction")

    def handle(self, *args, batch, **options):
        forget_keys()
        try:
            rotation = rotate_field_key(batch=batch)
        except ValueError as error:  # a value no key opens
            raise CommandError(_("A value cannot be decrypted with SOCORG_FIELD_KEY or SOCORG_FIELD_KEY_OLD: set the "
                                 "old key in SOCORG_FIELD_KEY_OLD and run the command again (%(error)s).")
                               % {"error": error}) from None
        for label, count in rotation.rewritten.items():
            self.stdout.write(_("%(model)s: %(rewritten)s re-encrypted, %(already)s already under the new key.")
                              % {"model": label, "rewritten": count, "already": rotation.already[label]})
