"""A fast yes/no check of unified social credit codes for large imports.

socorg.registry.uscc.uscc_problems() builds one message per problem and goes through python-stdnum's generic
cleaning; on a 100,000-row workbook that was the largest single cost of validation. Almost every code in a ledger is
valid, so the import asks this function first and calls uscc_problems() only for the codes it rejects, to report
them. It checks exactly what uscc_problems() checks (a property test holds the two equal): 18 characters of the
alphabet, department 5, the type digit, a GB/T 2260 region code (current or retired), the GB 11714 check character
of the organization code, and the mod-31 check character.
"""

from collections.abc import Container

from socorg.registry.choices import USCC_TYPE_DIGIT, OrgType
from socorg.registry.uscc import ALPHABET, CIVIL_AFFAIRS_DIGIT, LENGTH, ORG_CODE_WEIGHTS, OTHER_TYPE_DIGIT

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
    """True when uscc_problems(code, org_type) would find nothing. `code` is already normalised (clean_code);
    `regions` holds every region code, retired ones included."""
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
