"""Rules of random inspections as pure functions: no database, no request.

Minimum shares (domain.md): each year at least 3 % of the organizations a county registered, 4 % for a prefecture,
5 % for a province, 10 % nationally; a deployment may set its own (settings.SOCORG_INSPECTION_MIN_SHARES), and a
plan below the minimum needs a recorded reason. At least two inspectors on site."""

import datetime
import math
from decimal import Decimal

from django.utils.translation import gettext as _

from .choices import ITEM_LABELS, PARTY_BUILDING_CODES, InspectionResult, ItemState
from .draw import MIN_PUBLIC_VALUE_LENGTH

DEFAULT_MIN_SHARES = {"national": Decimal("0.10"), "province": Decimal("0.05"), "prefecture": Decimal("0.04"),
                      "county": Decimal("0.03")}
MIN_INSPECTORS = 2


def minimum_share(level: str, overrides: dict | None = None) -> Decimal:
    table = {**DEFAULT_MIN_SHARES, **{k: Decimal(str(v)) for k, v in (overrides or {}).items()}}
    return table[level]


def percent(share: Decimal) -> str:
    return f"{(Decimal(share) * 100).normalize():f}%"


def share_problems(*, share: Decimal | None, count: int | None, level: str, reason: str,
                   population: int | None, overrides: dict | None = None) -> dict[str, str]:
    """How many to draw: exactly one of share (0 < share ≤ 1) or count (≥ 1); below the level's minimum share (a
    count is compared with the population when it is known) only with a reason."""
    errors: dict[str, str] = {}
    if (share is None) == (count is None):
        errors["share"] = _("Give either the share to draw (between 0 and 1) or the number of organizations, not "
                            "both.")
        return errors
    if share is not None and not (Decimal(0) < Decimal(share) <= Decimal(1)):
        errors["share"] = _("The share must lie above 0 and at most 1 (e.g. 0.05 for 5 %).")
        return errors
    if count is not None and count < 1:
        errors["count"] = _("Draw at least one organization.")
        return errors
    minimum = minimum_share(level, overrides)
    if share is not None:
        below = Decimal(share) < minimum
    else:
        below = bool(population) and count < math.ceil(minimum * population)
    if below and not (reason or "").strip():
        field = "share" if share is not None else "count"
        errors[field] = _("At this level at least %(minimum)s of the registered organizations are inspected each "
                          "year; record the reason for drawing fewer.") % {"minimum": percent(minimum)}
    return errors


def count_problem(count: int | None, pool_size: int) -> str | None:
    if count is not None and count > pool_size:
        return _("The plan asks for %(count)d organizations but the pool holds only %(size)d.") % {
            "count": count, "size": pool_size}
    return None


def per_org_problem(per_org: int | None) -> str | None:
    if per_org is None or per_org < MIN_INSPECTORS:
        return _("At least %(n)d inspectors go to each organization.") % {"n": MIN_INSPECTORS}
    return None


def items_problem(items: list) -> str | None:
    unknown = [item for item in items if item not in ITEM_LABELS]
    if unknown:
        return _("Unknown inspection items: %(items)s.") % {"items": "、".join(map(str, unknown))}
    return None


def with_party_building(items: list) -> list[str]:
    """The plan's checklist: the items asked for (in catalogue order), party-building items always included."""
    chosen = set(items or ITEM_LABELS) | set(PARTY_BUILDING_CODES)
    return [code for code in ITEM_LABELS if code in chosen]


def public_value_problem(value: str) -> str | None:
    value = value or ""
    if len(value.strip()) < MIN_PUBLIC_VALUE_LENGTH:
        return _("The public value must have at least %(n)d characters (e.g. the lottery result read out at the "
                 "draw session).") % {"n": MIN_PUBLIC_VALUE_LENGTH}
    if value != value.strip():
        return _("The public value must not start or end with spaces: it is hashed exactly as entered.")
    return None


def year_problem(year: int, today: datetime.date) -> str | None:
    if not (2000 <= year <= today.year + 1):
        return _("The year must lie between 2000 and next year.")
    return None


def checklist_problems(items: list[str], checklist: dict) -> str | None:
    missing = [ITEM_LABELS.get(code, code) for code in items if checklist.get(code) not in ItemState.values]
    if missing:
        return _("Record a result for every inspection item: %(items)s.") % {"items": "；".join(map(str, missing))}
    extra = [code for code in checklist if code not in items]
    if extra:
        return _("These items are not on the plan's checklist: %(items)s.") % {"items": "、".join(extra)}
    return None


def problems_found(checklist: dict, result: str) -> bool:
    return result != InspectionResult.QUALIFIED or any(v == ItemState.PROBLEM for v in checklist.values())


def inspection_problems(*, items: list[str], checklist: dict, present: int, result: str, findings: str,
                        order: str, deadline: datetime.date | None, inspected_on: datetime.date | None,
                        today: datetime.date) -> dict[str, str]:
    """Every problem of an inspection record at once, as {field: message}."""
    errors: dict[str, str] = {}
    if inspected_on is None:
        errors["inspected_on"] = _("Enter the date of the inspection.")
    elif inspected_on > today:
        errors["inspected_on"] = _("The inspection date lies in the future.")
    if present < MIN_INSPECTORS:
        errors["inspectors_present"] = _("At least %(n)d inspectors must be present on site; tick who was there.") \
            % {"n": MIN_INSPECTORS}
    problem = checklist_problems(items, checklist)
    if problem:
        errors["checklist"] = problem
    if result not in InspectionResult.values:
        errors["result"] = _("Choose qualified, ordered to rectify or referred for penalty.")
        return errors
    if any(v == ItemState.PROBLEM for v in checklist.values()) and result == InspectionResult.QUALIFIED:
        errors["result"] = _("A problem was found on the checklist: the result cannot be qualified.")
    if result != InspectionResult.QUALIFIED and not (findings or "").strip():
        errors["findings"] = _("Describe what was found.")
    if result == InspectionResult.RECTIFY:
        if not (order or "").strip():
            errors["rectification_order"] = _("Say what the organization must rectify.")
        if deadline is None:
            errors["rectification_deadline"] = _("Set the deadline for the rectification.")
        elif inspected_on is not None and deadline <= inspected_on:
            errors["rectification_deadline"] = _("The deadline must lie after the inspection date.")
    elif deadline is not None or (order or "").strip():
        errors["rectification_deadline"] = _("A rectification order goes with the result “ordered to rectify”.")
    return errors


def rectified_on_time(deadline: datetime.date | None, rectified_on: datetime.date | None) -> bool:
    return deadline is not None and rectified_on is not None and rectified_on <= deadline


def rectification_overdue(deadline: datetime.date | None, rectified_on: datetime.date | None,
                          as_of: datetime.date) -> bool:
    """The deadline passed (before `as_of`) and the rectification was not done by it."""
    if deadline is None or deadline >= as_of:
        return False
    return rectified_on is None or rectified_on > deadline
