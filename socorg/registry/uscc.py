"""Unified social credit codes (统一社会信用代码, GB 32100-2015) of social organizations.

A code has 18 characters from 0-9A-HJ-NPQRTUWXY:
  [1]     registering department: 5 = civil affairs (民政)
  [2]     organization type: 1 社会团体, 2 民办非企业单位, 3 基金会, 9 other
  [3–8]   region code of the issuing authority (GB/T 2260; fixed at issue, so retired codes are valid)
  [9–17]  organization code (GB 11714) whose last character [17] is its own mod-11 check character
  [18]    mod-31 check character over [1–17]
python-stdnum checks only [18]; everything else is checked here, one failure one message, in the order above.

Other apps reuse this module: the ledger import (uscc_problems reports every problem of a cell at once), the demo
generator and tests (make_uscc builds valid codes).
"""

import time
import unicodedata

from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

from .choices import USCC_TYPE_DIGIT, OrgType

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
CIVIL_AFFAIRS_DIGIT = "5"
OTHER_TYPE_DIGIT = "9"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# The example shown under USCC inputs: a social group in 530102 with body MJ000001 (make_uscc; a test checks it).
EXAMPLE = "51530102MJ00000185"

_TYPE_NAMES = {"1": _("social group"), "2": _("private non-enterprise unit"), "3": _("foundation"),
               "9": _("other")}


def normalize_uscc(value: str) -> str:
    """Full-width characters to half-width (NFKC), every kind of white space removed, upper case."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(text.split()).upper()


# --- check characters -------------------------------------------------------------------------------------------

def org_code_check_char(body: str) -> str:
    """GB 11714 check character of an 8-character organization-code body (digits and letters A=10 … Z=35)."""
    total = sum(_org_code_value(char) * weight for char, weight in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _org_code_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def uscc_check_char(first17: str) -> str:
    return stdnum_uscc.calc_check_digit(first17)


# --- region codes (hot in imports: cached; cleared when regions change in this process, and refreshed every hour
# so other processes of a multi-server deployment pick up a new GB/T 2260 edition without a restart) -----------

REGION_CACHE_SECONDS = 3600
_region_cache: dict[str, tuple[float, frozenset[str]]] = {}


def _region_codes() -> frozenset[str]:
    from socorg.regions.models import Region

    cached = _region_cache.get("codes")
    if cached is None or time.monotonic() - cached[0] > REGION_CACHE_SECONDS:
        cached = (time.monotonic(), frozenset(Region.objects.values_list("code", flat=True)))
        if cached[1]:  # never keep an empty table (a test flush, a database not loaded yet) for an hour
            _region_cache["codes"] = cached
    return cached[1]


def clear_region_cache(**_kwargs) -> None:
    _region_cache.clear()


def _connect_region_signals() -> None:
    from socorg.regions.models import Region

    post_save.connect(clear_region_cache, sender=Region, dispatch_uid="registry_uscc_region_save")
    post_delete.connect(clear_region_cache, sender=Region, dispatch_uid="registry_uscc_region_delete")
    post_migrate.connect(clear_region_cache, dispatch_uid="registry_uscc_region_migrate")


# --- the checks, in the order they are reported ----------------------------------------------------------------

def _expected_type_digits(org_type: str | None) -> list[str]:
    if org_type not in OrgType.values:  # None, or an unknown type the caller reports itself
        return [*sorted(USCC_TYPE_DIGIT.values()), OTHER_TYPE_DIGIT]
    return [USCC_TYPE_DIGIT[OrgType(org_type)], OTHER_TYPE_DIGIT]


def _length_problem(code: str) -> ValidationError | None:
    if len(code) == LENGTH:
        return None
    return ValidationError(
        _("The unified social credit code has %(length)d characters; it must have exactly 18."),
        code="uscc_length", params={"length": len(code)},
    )


def _charset_problems(code: str) -> list[ValidationError]:
    return [
        ValidationError(
            _("Character %(position)d of the unified social credit code, “%(char)s”, is not allowed: only digits "
              "and the capital letters A–H, J–N, P, Q, R, T, U, W, X, Y may be used (no I, O, S, V, Z)."),
            code="uscc_charset", params={"position": position, "char": char},
        )
        for position, char in enumerate(code, start=1) if char not in ALPHABET
    ]


def _department_problem(code: str) -> ValidationError | None:
    if code[0] == CIVIL_AFFAIRS_DIGIT:
        return None
    return ValidationError(
        _("Character 1 of the unified social credit code (registering department) is “%(char)s”; social "
          "organizations are registered by civil affairs, so it must be 5."),
        code="uscc_department", params={"char": code[0]},
    )


def _type_problem(code: str, org_type: str | None) -> ValidationError | None:
    expected = _expected_type_digits(org_type)
    if code[1] in expected:
        return None
    # Lazy, so the message is rendered in the language of whoever reads it (the API's Accept-Language).
    listing = format_lazy(" / ".join("{} ({})" for _digit in expected),
                          *[part for d in expected for part in (d, _TYPE_NAMES[d])])
    params = {"char": code[1], "expected": listing}
    if org_type not in OrgType.values:
        message = _("Character 2 of the unified social credit code (organization type) is “%(char)s”; it must be "
                    "one of %(expected)s.")
    else:
        params["type"] = OrgType(org_type).label
        message = _("Character 2 of the unified social credit code (organization type) is “%(char)s”, which does "
                    "not match the type “%(type)s”: expected %(expected)s.")
    return ValidationError(message, code="uscc_type", params=params)


def _region_problem(code: str) -> ValidationError | None:
    region = code[2:8]
    if region in _region_codes():
        return None
    return ValidationError(
        _("Characters 3–8 of the unified social credit code, “%(region)s”, are not a GB/T 2260 region code "
          "(current or retired); they must be the region code of the registration authority that issued it."),
        code="uscc_region", params={"region": region},
    )


def _org_code_problem(code: str) -> ValidationError | None:
    expected = org_code_check_char(code[8:16])
    if code[16] == expected:
        return None
    return ValidationError(
        _("Character 17 of the unified social credit code (check character of the organization code "
          "%(org_code)s) is “%(char)s”, but the organization code requires “%(expected)s” (GB 11714)."),
        code="uscc_org_code_check", params={"org_code": code[8:17], "char": code[16], "expected": expected},
    )


def _check_char_problem(code: str) -> ValidationError | None:
    try:
        stdnum_uscc.validate(code)
    except StdnumValidationError:  # InvalidChecksum: length and format were checked above
        return ValidationError(
            _("Character 18 of the unified social credit code (check character) is “%(char)s”, but the first 17 "
              "characters require “%(expected)s”: the code is mistyped."),
            code="uscc_check", params={"char": code[17], "expected": uscc_check_char(code[:17])},
        )
    return None


def uscc_problems(value: str, org_type: str | None = None) -> list[ValidationError]:
    """Every problem of a code, in reporting order ([] = valid). A wrong length or a character outside the
    alphabet makes the positional checks meaningless, so those are reported alone."""
    code = normalize_uscc(value)
    if not code:
        return [ValidationError(_("The unified social credit code is required (18 characters)."),
                                code="uscc_required")]
    basic = [p for p in [_length_problem(code)] if p] + _charset_problems(code)
    if basic:
        return basic
    problems = [_department_problem(code), _type_problem(code, org_type), _region_problem(code),
                _org_code_problem(code), _check_char_problem(code)]
    return [p for p in problems if p is not None]


def validate_uscc(value: str, *, org_type: str | None = None) -> str:
    """The normalized code, or a ValidationError for the first problem (see uscc_problems for all of them)."""
    problems = uscc_problems(value, org_type)
    if problems:
        raise problems[0]
    return normalize_uscc(value)


def make_uscc(region_code: str, org_type: str | None, serial: str) -> str:
    """A valid code for a social organization: department 5, the type's digit (9 when org_type is None), the
    region, the 8-character organization-code body `serial` (shorter digit serials are zero-padded) and both
    check characters. Used by the demo generator and tests."""
    serial = normalize_uscc(serial).rjust(8, "0")
    if len(serial) != 8 or any(c not in ALPHABET for c in serial) or len(region_code) != 6:
        raise ValueError(f"serial must be 1–8 characters of {ALPHABET} and region a 6-digit code: {serial!r}")
    type_digit = USCC_TYPE_DIGIT[OrgType(org_type)] if org_type else OTHER_TYPE_DIGIT
    first17 = CIVIL_AFFAIRS_DIGIT + type_digit + region_code + serial + org_code_check_char(serial)
    return first17 + uscc_check_char(first17)
