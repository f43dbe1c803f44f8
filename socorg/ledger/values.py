"""Cell values of the ledger workbook: normalisation and parsing.

Every parser takes the raw cell value as the reader returns it (str, int, float, bool, date, datetime or None) and
returns the parsed value or raises CellError with a Chinese message (through gettext) saying what is wrong and what
is expected. Text goes through NFKC first, so full-width digits, letters, punctuation and spaces become half-width.
"""

import datetime
import re
import time
import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.text import control_character_problem
from socorg.core.xlsx import FORMULA_STARTS, TEXT_MARKER
from socorg.registry import rules as registry_rules

LIST_SEPARATORS = re.compile(r"[;；、\r\n]+")
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1900-01-01 with Excel's 1900 leap-year bug folded in
MAX_EXCEL_SERIAL = 2958465  # 9999-12-31
REGION_CODE = re.compile(r"^[0-9]{6}$")
_DATE_TEXT = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_MIDNIGHT_SUFFIX = re.compile(r"[ T]00:00(:00)?$")
YES = "是"
NO = "否"


class CellError(ValueError):
    """A cell that cannot be used; the message says what is wrong and what is expected."""


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value) -> str:
    """Text as typed: NFKC (full-width → half-width), runs of white space collapsed, ends trimmed. Numbers stored
    as floats lose their ".0" (5.0 → "5"); the export's formula-injection quote is removed."""
    if type(value) is str:
        # Hot path (every text cell of a large import): ASCII text is already in NFKC form.
        text = value if value.isascii() else unicodedata.normalize("NFKC", value)
    elif value is None:
        return ""
    elif isinstance(value, bool):
        return YES if value else NO
    else:
        if isinstance(value, float):
            value = _float_text(value)
        elif isinstance(value, datetime.datetime):
            value = value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        text = unicodedata.normalize("NFKC", str(value))
    if len(text) > 1 and text[0] == TEXT_MARKER and text[1] in FORMULA_STARTS:
        text = text[1:]  # the quote socorg.core.xlsx puts before formula-like text
    return " ".join(text.split())


def _float_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def clean_code(value) -> str:
    """Codes are case-insensitive and spaces are ignored."""
    return "".join(clean_text(value).split()).upper()


def from_rule(rule, value, **kwargs):
    """Apply one of the domain rules (socorg.*.rules) to a cell value: its ValidationError becomes a CellError with
    the same message, so a value gets the same verdict in the ledger as in a form or the API."""
    try:
        return rule(value, **kwargs)
    except ValidationError as error:
        raise CellError(" ".join(error.messages)) from None


def clean_text_cell(value) -> str:
    """clean_text() of a cell that may hold no control character (checked first: the white-space folding of
    clean_text would hide some of them)."""
    problem = control_character_problem(value)
    if problem:
        raise CellError(problem)
    return clean_text(value)


def parse_text(value, *, max_length: int) -> str:
    text = clean_text_cell(value)
    if len(text) > max_length:
        raise CellError(_("The text has %(length)d characters; at most %(max)d are allowed.")
                        % {"length": len(text), "max": max_length})
    return text


def parse_uscc_cell(value) -> str:
    """The raw code text. An 18-digit code typed as a number has lost its last digits in Excel (15 significant
    digits): report that instead of a misleading check-character error."""
    if isinstance(value, float | int) and not isinstance(value, bool) and abs(value) >= 1e15:
        raise CellError(_("The code was stored as a number, so Excel kept only 15 significant digits and the code "
                          "is damaged: format the column as text and type the 18 characters again."))
    return clean_code(value)


def parse_int(value, *, minimum: int = 0, maximum: int = 1_000_000) -> int:
    """Whole numbers, also when stored as floats (5.0) or as text ("5", "５")."""
    if isinstance(value, bool):
        raise CellError(_("Expected a whole number, got a yes/no value."))
    number: float | int | None = None
    if isinstance(value, int | float):
        number = value
    else:
        text = clean_text(value).replace(",", "")
        try:
            number = float(text) if re.fullmatch(r"[+-]?\d+(\.\d+)?", text) else None
        except ValueError:
            number = None
    if number is None or (isinstance(number, float) and not number.is_integer()):
        raise CellError(_("“%(value)s” is not a whole number; enter an integer such as 3.")
                        % {"value": clean_text(value)})
    number = int(number)
    if not minimum <= number <= maximum:
        raise CellError(_("%(value)d is out of range: expected a whole number from %(min)d to %(max)d.")
                        % {"value": number, "min": minimum, "max": maximum})
    return number


def parse_date(value, *, not_after: datetime.date | None = None) -> datetime.date:
    """Excel dates, Excel serial numbers, and text YYYY-MM-DD, YYYY/MM/DD or YYYY年M月D日."""
    if isinstance(value, datetime.datetime):
        parsed = value.date()
    elif isinstance(value, datetime.date):
        parsed = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        parsed = _from_serial(value)
    else:
        parsed = _from_text(clean_text(value))
    if not_after is not None and parsed > not_after:
        raise CellError(_("The date %(date)s lies in the future; enter %(today)s or an earlier date.")
                        % {"date": parsed.isoformat(), "today": not_after.isoformat()})
    return parsed


def _from_serial(value: float) -> datetime.date:
    if not 1 <= value <= MAX_EXCEL_SERIAL:
        raise CellError(_("%(value)s is not a date: enter a date as YYYY-MM-DD, e.g. 2021-06-30.")
                        % {"value": _float_text(float(value))})
    return EXCEL_EPOCH + datetime.timedelta(days=int(value))


def _from_text(text: str) -> datetime.date:
    text = _MIDNIGHT_SUFFIX.sub("", text.strip())
    if re.fullmatch(r"\d{1,7}(\.0+)?", text):  # a serial number stored as text
        return _from_serial(float(text))
    text_no_spaces = text.replace(" ", "")
    for pattern in _DATE_TEXT:
        match = pattern.match(text_no_spaces)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                raise CellError(_("“%(value)s” is not a real calendar date; check the month and day.")
                                % {"value": text}) from None
    raise CellError(_("“%(value)s” is not a date in an accepted form: use an Excel date or YYYY-MM-DD (also "
                      "YYYY/MM/DD or YYYY年M月D日), e.g. 2021-06-30.") % {"value": text})


_today = {"date": None, "until": 0.0}


def today() -> datetime.date:
    """timezone.localdate(), cached for a minute: it is called for every date cell of a large import."""
    now = time.monotonic()
    if now >= _today["until"]:
        _today["date"], _today["until"] = timezone.localdate(), now + 60
    return _today["date"]


def not_future_date(value, *, label: str = "日期") -> datetime.date:
    """A date cell that has happened (registry.rules.past_date); `label` is the column's header."""
    return from_rule(registry_rules.past_date, parse_date(value), label=label, today=today())


def parse_region_code(value) -> str:
    code = clean_code(value)
    if not REGION_CODE.match(code):
        raise CellError(_("“%(value)s” is not a region code: expected the 6-digit GB/T 2260 code, e.g. 530102.")
                        % {"value": clean_text(value)})
    return code


def parse_yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = clean_code(value)
    if text in {YES, "Y", "YES", "TRUE", "1"}:
        return True
    if text in {NO, "N", "NO", "FALSE", "0"}:
        return False
    raise CellError(_("“%(value)s” is not 是 or 否; enter 是 (yes) or 否 (no).") % {"value": clean_text(value)})


def parse_choice(value, labels: dict[str, str]) -> str:
    """`labels` maps accepted Chinese labels (and synonyms) to stored values; spaces are ignored."""
    text = "".join(clean_text(value).split())
    if text in labels:
        return labels[text]
    lowered = text.lower()
    for stored in labels.values():  # the stored English value is accepted too (exports from the API)
        if lowered == stored:
            return stored
    expected = " / ".join(dict.fromkeys(labels))
    raise CellError(_("“%(value)s” is not an accepted value; expected one of: %(expected)s.")
                    % {"value": clean_text(value), "expected": expected})


def split_list(value) -> list[str]:
    """A list cell: items separated by ; ； 、 or line breaks (mixed separators are fine), empty items dropped."""
    if value is None:
        return []
    raw = unicodedata.normalize("NFKC", str(value)) if not isinstance(value, float) else _float_text(value)
    return [item.strip() for item in LIST_SEPARATORS.split(raw) if item.strip()]


def join_list(items: Iterable[str]) -> str:
    """How the export writes a list cell."""
    return ";".join(items)
