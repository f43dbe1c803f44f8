"""Calendar arithmetic for the rules: months back and forth, and the last full month / quarter / half-year / year
before a date."""

import calendar
import datetime
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PERIODS = ("month", "quarter", "half_year", "year")
_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), clamped to the month's last day (31 May − 3 months = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def add_years(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, 12 * years)


def last_full_period(as_of: datetime.date, period: str) -> tuple[datetime.date, datetime.date, str]:
    """(first day, last day, label) of the last complete period ending before `as_of`'s period began.

    Labels: 2025-03, 2025Q1, 2025H1, 2025."""
    months = _MONTHS[period]
    start_index = ((as_of.year * 12 + as_of.month - 1) // months) * months - months
    year, month0 = divmod(start_index, 12)
    start = datetime.date(year, month0 + 1, 1)
    end = add_months(start, months) - datetime.timedelta(days=1)
    if period == "month":
        label = f"{year}-{month0 + 1:02d}"
    elif period == "quarter":
        label = f"{year}Q{month0 // 3 + 1}"
    elif period == "half_year":
        label = f"{year}H{month0 // 6 + 1}"
    else:
        label = str(year)
    return start, end, label


PERIOD_LABELS = {"month": gettext_lazy("month"), "quarter": gettext_lazy("quarter"),
                 "half_year": gettext_lazy("half year"), "year": gettext_lazy("year")}
_QUARTERS = {"1": gettext_lazy("first quarter"), "2": gettext_lazy("second quarter"),
             "3": gettext_lazy("third quarter"), "4": gettext_lazy("fourth quarter")}
_HALVES = {"1": gettext_lazy("first half"), "2": gettext_lazy("second half")}


def period_label(code: str) -> str:
    """A period code of last_full_period as people write it: 2026Q3 → 2026年第三季度, 2026H1 → 2026年上半年,
    2026-03 → 2026年3月, 2026 → 2026年 (in the user's language). Anything else is returned unchanged."""
    match = re.fullmatch(r"(\d{4})(?:Q([1-4])|H([12])|-(\d{2}))?", code or "")
    if not match:
        return code
    year, quarter, half, month = match.groups()
    if quarter:
        return _("%(part)s of %(year)s") % {"year": year, "part": _QUARTERS[quarter]}
    if half:
        return _("%(part)s of %(year)s") % {"year": year, "part": _HALVES[half]}
    if month:
        return _("%(month)s/%(year)s") % {"year": year, "month": int(month)}
    return _("year %(year)s") % {"year": year}
