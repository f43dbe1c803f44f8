"""Validation of personal identifiers kept on party members and instructors.

Each failure has its own message saying what is wrong and what is expected."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

_PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,18}[0-9]$")


def normalize_id_number(value: str) -> str:
    return ric.compact(value or "")


def validate_id_number(value: str) -> str:
    """A resident ID number (GB 11643): returns it normalised (upper case, no spaces) or raises ValidationError.

    python-stdnum raises KeyError for county codes newer than its table (the prefecture is known, the county is
    not); such numbers are accepted when the length, digits, birth date and check character are right."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("The ID number has %(count)d characters; a resident ID number has exactly 18.") % {"count": len(number)},
            code="id_length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("The ID number may contain only digits, with X allowed as the last character."), code="id_format")
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError(
            _("The check character of the ID number is wrong (expected %(expected)s): please check the number.")
            % {"expected": ric.calc_check_digit(number)}, code="id_checksum")
    try:
        ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(_("Characters 7–14 of the ID number are not a valid birth date (YYYYMMDD)."),
                              code="id_birth_date") from None
    try:
        ric.validate(number)
    except KeyError:
        pass  # county code newer than python-stdnum's table; everything else was checked above
    except stdnum_errors.InvalidComponent:
        if _known_place(number[:6]):
            # python-stdnum also demands the county existed in the birth year, but the code is that of the place
            # where the number was first issued, often years later: a known code is enough.
            return number
        raise ValidationError(
            _("The first 6 digits of the ID number (%(code)s) are not a known place-of-birth code.")
            % {"code": number[:6]}, code="id_birth_place") from None
    return number


def _known_place(code: str) -> bool:
    from stdnum import numdb

    return any(props for _part, props in numdb.get("cn/loc").info(code))


def birth_date_of(id_number: str) -> datetime.date:
    return ric.get_birth_date(id_number)


def gender_of(id_number: str) -> str:
    """Digit 17 of an ID number is odd for men, even for women."""
    return "male" if int(id_number[16]) % 2 else "female"


def validate_phone(value: str) -> str:
    """A mobile or landline number: digits with optional +, spaces and dashes, 7–20 characters."""
    phone = (value or "").strip()
    if phone and not _PHONE.match(phone):
        raise ValidationError(
            _("“%(value)s” is not a phone number: expected digits (optionally with +, spaces or dashes), such as "
              "13812345678 or 0871-12345678.") % {"value": phone}, code="phone")
    return phone
