"""Password rules (等保 2.0): at least 8 characters from at least 3 character classes; Django's validators add the
common-password list, the all-digits rule and the similarity to the user name. Our own messages are translated in
this app's catalog, so every refusal reads in Chinese by default."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def character_classes(password: str) -> int:
    classes = [
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c in string.digits for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


class MinimumLengthValidator:
    """Length check with a message that names both the rule and the actual length."""

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                ngettext(
                    "The password is too short: it has %(length)d character, at least %(min)d are required.",
                    "The password is too short: it has %(length)d characters, at least %(min)d are required.",
                    len(password),
                )
                % {"length": len(password), "min": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self):
        return _("At least %(min)d characters.") % {"min": self.min_length}


class CharacterClassValidator:
    """Requires characters from several classes (lower case, upper case, digits, symbols), as 等保 2.0 asks."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must mix at least %(n)d of these kinds of characters: lower-case letters, "
                    "upper-case letters, digits, symbols."
                )
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("Use at least %(n)d of: lower-case letters, upper-case letters, digits, symbols.") % {
            "n": self.min_classes
        }


KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz",
                 "!@#$%^&*()")


def keyboard_run(password: str, length: int = 4) -> str | None:
    """The first run of `length` neighbouring keys (a keyboard row or the alphabet, either direction, any case) in
    the password, e.g. "qwer" in "Qwerty123!"; None if there is none."""
    lowered = password.lower()
    for start in range(len(lowered) - length + 1):
        piece = lowered[start:start + length]
        if any(piece in row or piece in row[::-1] for row in KEYBOARD_ROWS):
            return password[start:start + length]
    return None


class KeyboardPatternValidator:
    """Refuses passwords built on keyboard or alphabet runs (Qwerty123!, Asdf@1234, 1qaz… rows), which meet the
    character-class rule but are among the first guesses of any attacker."""

    def __init__(self, run_length: int = 4):
        self.run_length = run_length

    def validate(self, password, user=None):
        run = keyboard_run(password, self.run_length)
        if run is not None:
            raise ValidationError(
                _("The password contains “%(run)s”, a run of neighbouring keys; avoid keyboard rows and sequences "
                  "such as qwer, asdf, 1234 or abcd.") % {"run": run},
                code="password_keyboard_pattern",
            )

    def get_help_text(self):
        return _("No runs of %(n)d neighbouring keys such as qwer or 1234.") % {"n": self.run_length}
