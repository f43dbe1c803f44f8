"""The registry's validation rules, in one place: pure functions with no database access.

Every path that takes a social organization's values in — the registry services (and through them the pages and
the API), the forms and serializers, and the ledger's 「社会组织」 sheet — asks these functions, so a value gets the
same verdict and the same message wherever it is entered. Each rule returns the cleaned value or raises Django's
ValidationError with a Chinese message (through gettext) saying what is wrong and what is expected; the callers
collect the errors per field (services), per form field, or per cell (ledger).

What needs the database (a code already taken, a region that exists and lies in the user's scope) stays with the
caller; the rules take what they need as arguments (`today`, the set of region codes).

Rules used by other domains live here too when they are the registry's by origin: the one phone rule (organizations,
instructors and members alike) and the text rule (no control characters, length).
"""

import datetime
import re
import unicodedata
from collections.abc import Container

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.text import control_character_problem

from .choices import USCC_TYPE_DIGIT, OrgType
from .uscc import ALPHABET, CIVIL_AFFAIRS_DIGIT, LENGTH, ORG_CODE_WEIGHTS, OTHER_TYPE_DIGIT

MAX_COUNT = 1_000_000
PHONE_MIN_DIGITS = 7  # a local landline number without area code
PHONE_MAX_DIGITS = 15  # ITU-T E.164
PHONE_MAX_LENGTH = 32
# Digits with an optional leading +, spaces, dashes and at most one pair of brackets (the area code, written
# "(0871)64100000" or "0871(64100000)"); it starts with a digit or "(" and ends with a digit or ")".
_PHONE = re.compile(r"^\+?[0-9(][0-9 ()\-]*[0-9)]$")
_BRACKETS = re.compile(r"^[^()]*(\([0-9][0-9 \-]*\))?[^()]*$")


# --- text --------------------------------------------------------------------------------------------------------

def text(value, *, label: str, max_length: int, required: bool = False) -> str:
    """Free text (names, units, reasons): no control characters; runs of white space become one space, the ends
    are trimmed; then required / at most `max_length` characters."""
    raw = "" if value is None else str(value)
    problem = control_character_problem(raw)
    if problem:
        raise ValidationError(_("%(field)s: %(problem)s") % {"field": label, "problem": problem},
                              code="control_character")
    cleaned = " ".join(raw.split())
    if required and not cleaned:
        raise ValidationError(_("%(field)s is required.") % {"field": label}, code="required")
    if len(cleaned) > max_length:
        raise ValidationError(_("%(field)s has %(length)d characters; at most %(max)d are allowed.")
                              % {"field": label, "length": len(cleaned), "max": max_length}, code="max_length")
    return cleaned


def name(value, *, label: str, max_length: int) -> str:
    """A name that must be given (organization, party organization, person)."""
    return text(value, label=label, max_length=max_length, required=True)


# --- phones ------------------------------------------------------------------------------------------------------

def phone(value) -> str:
    """The one phone rule of the platform (organizations, instructors, members): a mobile or landline number of
    7–15 digits, optionally with a leading +, spaces, dashes and one pair of brackets around the area code, e.g.
    13812345678, 0871-64100000, (0871)64100000 or +86 138 1234 5678. Empty is allowed (the caller decides whether
    a phone is required). Returns the number with white space collapsed."""
    raw = "" if value is None else str(value)
    problem = control_character_problem(raw)
    if problem:
        raise ValidationError(problem, code="control_character")
    cleaned = " ".join(unicodedata.normalize("NFKC", raw).split())  # full-width digits, as typed in a Chinese IME
    if not cleaned:
        return ""
    digits = sum(ch.isdigit() for ch in cleaned)
    if (len(cleaned) > PHONE_MAX_LENGTH or not _PHONE.match(cleaned) or not _BRACKETS.match(cleaned)
            or not PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS):
        raise ValidationError(
            _("“%(value)s” is not a phone number: expected 7 to 15 digits, optionally with a leading +, spaces, "
              "dashes or brackets around the area code, e.g. 13812345678, 0871-64100000 or (0871)64100000.")
            % {"value": cleaned[:PHONE_MAX_LENGTH + 8]}, code="invalid_phone")
    return cleaned


# --- numbers and dates ---------------------------------------------------------------------------------------------

def count(value, *, label: str, maximum: int = MAX_COUNT) -> int:
    """A head count: a whole number from 0 to `maximum`."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= maximum:
        return value
    raise ValidationError(_("%(field)s must be a whole number between 0 and %(max)s (got “%(value)s”).")
                          % {"field": label, "value": value, "max": f"{maximum:,}"}, code="invalid_count")


def past_date(value, *, label: str, required: bool = False, today: datetime.date | None = None):
    """A date that has happened (today at the latest): the platform records facts, not plans."""
    if value is None:
        if required:
            raise ValidationError(_("%(field)s is required.") % {"field": label}, code="required")
        return None
    if not isinstance(value, datetime.date):
        raise ValidationError(_("%(field)s must be a date (YYYY-MM-DD).") % {"field": label}, code="invalid_date")
    if isinstance(value, datetime.datetime):
        value = value.date()
    today = today or timezone.localdate()
    if value > today:
        raise ValidationError(_("%(field)s %(date)s lies in the future; enter today's date or an earlier one.")
                              % {"field": label, "date": value.isoformat()}, code="future_date")
    return value


def registered_before_status_change(registered_on, status_changed_on) -> None:
    """A deregistration or revocation comes on or after the registration."""
    if registered_on and status_changed_on and status_changed_on < registered_on:
        raise ValidationError(_("The status change on %(changed)s is before the registration on %(registered)s; a "
                                "deregistration or revocation comes on or after the registration.")
                              % {"registered": registered_on.isoformat(), "changed": status_changed_on.isoformat()},
                              code="before_registration")


# --- unified social credit codes: the fast yes/no check -------------------------------------------------------------
# registry.uscc.uscc_problems() builds one message per problem and goes through python-stdnum's generic cleaning; on a
# 100,000-row workbook that was the largest single cost of validation. Almost every code is valid, so callers with
# many codes ask uscc_is_valid() first and uscc_problems() only for the codes it rejects, to report them. It checks
# exactly what uscc_problems() checks (a property test holds the two equal).

_VALUE = {char: index for index, char in enumerate(ALPHABET)}  # GB 32100 character values
# GB 11714 values: digits as themselves, letters A=10 … Z=35 (I, O, S, V, Z never occur in the alphabet).
_ORG_CODE_VALUE = {char: int(char) if char.isdigit() else ord(char) - ord("A") + 10 for char in ALPHABET}
_WEIGHTS = tuple(pow(3, position, 31) for position in range(LENGTH - 1))  # 1, 3, 9, 27, 19, …
# Type digits a code may carry for each organization type (None: the type is not known, any social-organization
# digit is accepted) — as registry.uscc._expected_type_digits.
TYPE_DIGITS: dict[str | None, frozenset[str]] = {
    **{value: frozenset({USCC_TYPE_DIGIT[OrgType(value)], OTHER_TYPE_DIGIT}) for value in OrgType.values},
    None: frozenset({*USCC_TYPE_DIGIT.values(), OTHER_TYPE_DIGIT}),
}


def uscc_is_valid(code: str, org_type: str | None, regions: Container[str]) -> bool:
    """True when uscc_problems(code, org_type) would find nothing: 18 characters of the alphabet, department 5, the
    type digit, a GB/T 2260 region code (current or retired), the GB 11714 check character of the organization code
    and the mod-31 check character. `code` is already normalised; `regions` holds every region code, retired ones
    included."""
    if len(code) != LENGTH or code[0] != CIVIL_AFFAIRS_DIGIT or code[1] not in TYPE_DIGITS[org_type]:
        return False
    if code[2:8] not in regions:
        return False
    value, org_value = _VALUE, _ORG_CODE_VALUE
    try:
        total = sum(value[char] * weight for char, weight in zip(code[:17], _WEIGHTS, strict=True))
        org_total = sum(org_value[char] * weight for char, weight in zip(code[8:16], ORG_CODE_WEIGHTS, strict=True))
        last = value[code[17]]
    except KeyError:  # a character outside the alphabet
        return False
    org_check = 11 - org_total % 11
    if code[16] != {10: "X", 11: "0"}.get(org_check, str(org_check)):
        return False
    return last == (31 - total % 31) % 31
