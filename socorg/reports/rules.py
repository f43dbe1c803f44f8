"""The annual-report rules, pure and database-free: deadlines, who is due, exemption, the figures' arithmetic.

Sources (docs/domain.md, "Supervision of social organizations"): organizations report once a year, to the
supervising unit by 31 March where there is one and to the registration authority by 31 May; an organization
registered less than six months before 31 December of the year is exempt for that year; deregistered or revoked
organizations are not due. The deadlines are per deployment (settings SOCORG_REPORT_SUPERVISOR_DEADLINE and
SOCORG_REPORT_AUTHORITY_DEADLINE, "MM-DD").

An organization files once on the platform: one with a supervising unit files by the supervisor's deadline (the
supervisor's preliminary review is the first step), one registered directly by the authority's deadline.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

INCOME_PARTS = ("donation_income", "government_income", "service_income", "other_income")
NON_NEGATIVE = (*INCOME_PARTS, "total_income", "total_expenditure", "charitable_spending")


def _month_day(setting: str, default: str) -> tuple[int, int]:
    month, day = str(getattr(settings, setting, default) or default).split("-")
    return int(month), int(day)


def deadline(year: int, *, has_supervisor: bool) -> datetime.date:
    """When the report for `year` is due (in the following year)."""
    if has_supervisor:
        month, day = _month_day("SOCORG_REPORT_SUPERVISOR_DEADLINE", "03-31")
    else:
        month, day = _month_day("SOCORG_REPORT_AUTHORITY_DEADLINE", "05-31")
    return datetime.date(year + 1, month, day)


def exemption_cutoff(year: int) -> datetime.date:
    """Registered after this day (less than six months before 31 December) → exempt for `year`."""
    return datetime.date(year, 6, 30)


def is_exempt(registered_on: datetime.date | None, year: int) -> bool:
    """Unknown registration date is not "late in the year": such an organization is due."""
    return registered_on is not None and exemption_cutoff(year) < registered_on <= datetime.date(year, 12, 31)


def ended_before(status_active: bool, status_changed_on: datetime.date | None, day: datetime.date) -> bool:
    """Deregistered or revoked on or before `day` (an unknown date of a closed record counts as before)."""
    return not status_active and (status_changed_on is None or status_changed_on <= day)


def year_problem(year: int, registered_on: datetime.date | None, today: datetime.date) -> str | None:
    """Why no report can exist for `year` (None: it can): the year must have ended and not precede registration."""
    if year >= today.year:
        return _("The year %(year)d has not ended yet: reports cover a finished year.") % {"year": year}
    if registered_on is not None and year < registered_on.year:
        return _("The organization was registered in %(registered)d; there is no report for %(year)d.") % {
            "registered": registered_on.year, "year": year}
    return None


def review_problems(conclusion: str, reasons: str, *, should_build_missing: bool) -> dict[str, str]:
    """Field errors of a review: a known conclusion; reasons for anything but 合格, and for 合格 where the
    organization should have built a standalone party organization and has not (三同步: 应建未建)."""
    from .choices import Conclusion

    if conclusion not in Conclusion.values:
        return {"conclusion": _("Choose 合格, 基本合格 or 不合格.")}
    if conclusion != Conclusion.QUALIFIED and not reasons.strip():
        return {"reasons": _("Give the reasons for a conclusion other than qualified.")}
    if conclusion == Conclusion.QUALIFIED and should_build_missing and not reasons.strip():
        from socorg.party.rules import should_build_min_full_members

        return {"reasons": _("The organization has at least %(min)d full party members but no standalone party "
                             "organization (应建未建): document why it is still qualified.")
                % {"min": should_build_min_full_members()}}
    return {}


def submission_problem(year: int, submitted_on: datetime.date) -> str | None:
    """A report on `year` is submitted after the year has ended."""
    if submitted_on.year <= year:
        return _("A report on %(year)d is submitted in %(next)d or later; %(date)s is too early.") % {
            "year": year, "next": year + 1, "date": submitted_on.isoformat()}
    return None


def finance_problems(values: dict) -> dict[str, str]:
    """Field errors of the finance section: amounts that cannot be negative, and income equal to its parts."""
    errors: dict[str, str] = {}
    for name in NON_NEGATIVE:
        value = values.get(name)
        if value is not None and Decimal(value) < 0:
            errors[name] = _("This amount cannot be negative.")
    parts = [values.get(name) for name in INCOME_PARTS]
    total = values.get("total_income")
    if total is not None and any(p is not None for p in parts) and "total_income" not in errors:
        expected = sum((Decimal(p) for p in parts if p is not None), Decimal(0))
        if Decimal(total) != expected:
            errors["total_income"] = _("Total income %(total)s does not equal the sum of its parts %(sum)s.") % {
                "total": f"{Decimal(total):,.2f}", "sum": f"{expected:,.2f}"}
    return errors
