"""The party domain's validation rules, in one place: pure functions with no database access.

The party services (and through them the pages and the API), the forms and serializers and the ledger's 「党组织」 and
「党建工作指导员」 sheets all ask these functions, so a row gets the same verdict wherever it is entered. Each rule
returns the cleaned value or raises Django's ValidationError with a Chinese message saying what is wrong and what is
expected. Phones and free text follow the registry's rules (socorg.registry.rules), the same for everyone.

Rules (docs/domain.md, decided here where the sources leave room):
- kinds rank 党委 > 党总支 > 党支部: a parent must rank above its child (a 党委 may sit under another 党委);
- 单独组建 (standalone) covers exactly one organization; a regular (non-functional) 党支部 or 党总支 covers at least
  one: it is formed in or across organizations. A 党委 may cover none (a 综合/行业党委 leads branches instead), and so
  may a functional party organization, set up for an activity or project;
- a term lasts 3 or 5 years, by default 5 for a 党委 and 3 for a 总支 or 支部, and starts no earlier than the founding;
- the should-build minimum of full members is one deployment setting;
- resident ID numbers (GB 11643) with their check character, birth date and place code.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from .choices import Formation, PartyOrgKind

KIND_RANK = {PartyOrgKind.BRANCH: 1, PartyOrgKind.GENERAL_BRANCH: 2, PartyOrgKind.COMMITTEE: 3}
# 中共中央办公厅《关于党的基层组织任期的意见》(2018) 一: a 基层党委 elected by a 党员大会 or 代表大会 serves 5 years,
# a 总支 and a 支部 3 years (5 where the higher committee approved it); 《中国共产党章程》第三十一条 allows 3 to 5.
TERM_YEARS_BY_KIND = {PartyOrgKind.COMMITTEE: 5, PartyOrgKind.GENERAL_BRANCH: 3, PartyOrgKind.BRANCH: 3}
TERM_YEARS_ALLOWED = (3, 5)


# --- party organizations ------------------------------------------------------------------------------------------

def requires_coverage(kind: str, formation: str, is_functional: bool) -> bool:
    """Does a party organization of this shape have to cover at least one organization? (see the module docstring)"""
    if formation == Formation.STANDALONE:
        return True
    return kind != PartyOrgKind.COMMITTEE and not is_functional


def coverage_count(*, kind: str, formation: str, is_functional: bool, count: int) -> None:
    """Formation against the number of organizations covered."""
    if formation == Formation.STANDALONE and count > 1:
        raise ValidationError(_("A standalone (单独组建) party organization covers exactly one social organization, "
                                "not %(count)d; choose a joint formation to cover several.") % {"count": count},
                              code="standalone_covers_one")
    if count == 0 and requires_coverage(kind, formation, is_functional):
        raise ValidationError(_("A standalone party organization, or a regular party branch or general branch, must "
                                "cover at least one social organization; enter the organization it is formed in "
                                "(only a party committee or a functional party organization may cover none)."),
                              code="coverage_required")


def ranks_above(parent_kind: str, child_kind: str) -> bool:
    """May a `parent_kind` lead a `child_kind`? A 党委 leads anything (also another 党委)."""
    if parent_kind == PartyOrgKind.COMMITTEE:
        return True
    return KIND_RANK[PartyOrgKind(parent_kind)] > KIND_RANK[PartyOrgKind(child_kind)]


def parent_rank(*, parent_kind: str, kind: str) -> None:
    if kind in KIND_RANK and parent_kind in KIND_RANK and not ranks_above(parent_kind, kind):
        raise ValidationError(_("A %(kind)s cannot be placed under a %(parent_kind)s: the parent must be a party "
                                "committee, or a general branch for a branch.")
                              % {"kind": PartyOrgKind(kind).label, "parent_kind": PartyOrgKind(parent_kind).label},
                              code="parent_rank")


def default_term_years(kind: str) -> int:
    """The term length a party organization of `kind` has when the form, API or ledger leaves it empty."""
    return TERM_YEARS_BY_KIND.get(kind, 3)


def term_years(years, *, kind: str | None = None) -> int:
    """The length of a term in years: 3 or 5 (Party Constitution art. 31) for every kind; see default_term_years
    for the length when none is given."""
    if isinstance(years, bool) or years not in TERM_YEARS_ALLOWED:
        raise ValidationError(_("A term lasts 3 or 5 years; %(value)s is not allowed.") % {"value": years},
                              code="term_years")
    return years


def term_order(*, term_started_on: datetime.date | None, founded_on: datetime.date | None) -> None:
    """The current term starts on or after the founding."""
    if term_started_on and founded_on and term_started_on < founded_on:
        raise ValidationError(_("The term start %(start)s is before the founding date %(founded)s; expected a date on "
                                "or after it.") % {"start": term_started_on.isoformat(),
                                                   "founded": founded_on.isoformat()}, code="term_order")


def should_build_min_full_members() -> int:
    """Full members from which an organization must form its own branch (应建). One deployment setting
    (SOCORG_SHOULD_BUILD_MIN_FULL_MEMBERS, 3 by default — 支部工作条例 第四条) read by the coverage counts, the
    organization filters and the should_build_missing rule alike."""
    return settings.SOCORG_SHOULD_BUILD_MIN_FULL_MEMBERS


SHOULD_BUILD_BASES = ("employed", "full_time_staff")


def should_build_basis() -> str:
    """Whose full members count toward the should-build minimum: "employed" (every full member employed by the
    organization, the default) or "full_time_staff" (only the full-time staff of its standing office, as the 1998
    joint notice of the Organization Department and the Ministry of Civil Affairs counts them). One deployment
    setting, SOCORG_SHOULD_BUILD_BASIS, read by coverage.state.refresh_member_counts and the ledger template."""
    basis = settings.SOCORG_SHOULD_BUILD_BASIS
    if basis not in SHOULD_BUILD_BASES:
        raise ImproperlyConfigured(f"SOCORG_SHOULD_BUILD_BASIS is {basis!r}; expected one of {SHOULD_BUILD_BASES}")
    return basis


def _fill_min(text) -> str:
    return str(text) % {"min": should_build_min_full_members()}


# A lazy label naming the should-build minimum, e.g. with_should_build_min(gettext_lazy("… ≥%(min)d …")): translated
# and filled when shown, so it always names the deployment's setting.
with_should_build_min = lazy(_fill_min, str)


# --- people ---------------------------------------------------------------------------------------------------------

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
