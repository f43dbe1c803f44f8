"""Chinese working days: weekends and the State Council's public holidays are off, make-up working days (调休上班,
often a Saturday or Sunday) are on.

The calendar comes from the kept library chinese-calendar (pinned in pyproject.toml and requirements.lock). It knows
the years its release was built with (1.11.0: 2004–2026) and raises for later years, because the State Council
publishes each year's schedule only in November of the year before. **Yearly update** (docs/credit.md): once the
schedule is published, pin the chinese-calendar release that carries it and reinstall. Until then — or for a
correction — a deployment lists extra days in SOCORG_EXTRA_HOLIDAYS and SOCORG_EXTRA_WORKDAYS (comma-separated ISO
dates); for a year the library does not know, Monday to Friday are working days apart from those lists, and
`calendar_known(day)` says so, so pages can warn that a due date is provisional.
"""

import datetime
from functools import lru_cache

import chinese_calendar
from django.conf import settings


def _dates(setting: str) -> frozenset[datetime.date]:
    raw = getattr(settings, setting, "") or ""
    items = raw if isinstance(raw, list | tuple | set | frozenset) else str(raw).split(",")
    return frozenset(datetime.date.fromisoformat(str(item).strip()) for item in items if str(item).strip())


@lru_cache(maxsize=4)
def _overrides(holidays: str, workdays: str) -> tuple[frozenset, frozenset]:
    return _dates("SOCORG_EXTRA_HOLIDAYS"), _dates("SOCORG_EXTRA_WORKDAYS")


def _current_overrides() -> tuple[frozenset, frozenset]:
    return _overrides(str(getattr(settings, "SOCORG_EXTRA_HOLIDAYS", "")),
                      str(getattr(settings, "SOCORG_EXTRA_WORKDAYS", "")))


def calendar_known(day: datetime.date) -> bool:
    """Does the installed calendar carry the official schedule of `day`'s year?"""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_workday(day: datetime.date) -> bool:
    holidays, workdays = _current_overrides()
    if day in workdays:
        return True
    if day in holidays:
        return False
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_workdays(day: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `day` (`day` itself not counted): a decision on 2026-09-30 with 5 → 2026-10-13
    (1–7 October National Day, Saturday 10 October worked)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    current = day
    found = 0
    while found < count:
        current += datetime.timedelta(days=1)
        if is_workday(current):
            found += 1
    return current


def workdays_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end ≤ start)."""
    count, current = 0, start
    while current < end:
        current += datetime.timedelta(days=1)
        count += is_workday(current)
    return count
