"""The rating rules, pure and database-free: scorecard validation, points and stars, evaluation eligibility and
grade validity.

Sources (docs/domain.md): star ratings (评星定级) follow a local scorecard, 1–5 stars; the evaluation grade
(社会组织等级评估) is 5A…1A and valid 5 years; an organization is eligible after 2 full years of registration and is
excluded when last year's annual report was missed or failed, when it was penalized in the past year, or while it
is on a credit list. The warning 6 months before a grade expires is practice (configurable:
SOCORG_GRADE_EXPIRY_WARNING_MONTHS)."""

import datetime
import math
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from .choices import CriterionKind, Grade

GRADE_VALID_YEARS = 5
ELIGIBLE_AFTER_YEARS = 2
PENALTY_LOOKBACK_YEARS = 1
STAR_LEVELS = ("5", "4", "3", "2", "1")

# The measures a computed criterion may name (ratings.compute implements them) and the parameters each accepts.
MEASURES: dict[str, dict[str, tuple]] = {
    "activity_periods": {"type": ("member_assembly", "committee_meeting", "group_meeting", "party_lecture",
                                  "themed_party_day", "life_meeting", "member_appraisal"),
                         "period": ("month", "quarter", "half_year", "year"),
                         "applies": ("all", "committee", "party_groups"),
                         "min_count": (1, 31)},
    "secretary_in_post": {"months": (0, 24)},
    "term_on_time": {},
    "standalone_where_should_build": {},
    "instructor_in_post": {},
    "party_clause": {},
    "annual_report_party_section": {},
    "sync_items": {},
    "no_open_alerts": {"per_open": (0, 100), "per_overdue": (0, 100)},
    "rectifications_on_time": {},
    "org_coverage": {},
    "work_coverage": {},
}
# Measures that make sense for one social organization (the evaluation's party-building section).
ORG_MEASURES = ("party_clause", "org_coverage", "work_coverage", "standalone_where_should_build",
                "annual_report_party_section", "sync_items", "instructor_in_post")
VETOES = ("serious_list", "abnormal_list", "open_high_alert", "unqualified_report")


def one_decimal(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def tenth(value: float) -> float:
    """A float rounded half up to one decimal (the fast path of one_decimal for computed points)."""
    return math.floor(value * 10 + 0.5 + 1e-9) / 10


def share_points(maximum, met: int, checked: int) -> float:
    """Points in proportion to what was met (nothing to check = full points: the criterion does not apply)."""
    if checked <= 0:
        return float(maximum)
    return tenth(maximum * met / checked)


def effective_float(criterion: dict) -> float:
    """effective_points as a float (bulk computation)."""
    if criterion.get("reviewed_points") is not None:
        return float(criterion["reviewed_points"])
    if criterion.get("kind") == CriterionKind.JUDGED:
        return float(criterion.get("claimed_points") or 0)
    return float(criterion.get("points") or 0)


# --- scorecards ----------------------------------------------------------------------------------------------

def _is_points(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def scorecard_problems(definition, *, kind: str = "star", where: dict | None = None) -> dict[str, list[str]]:
    """Every problem of a scorecard definition, by part ("total", "sections", "thresholds", "grades", "vetoes"):
    points that do not add up to the declared total, unknown measures or parameters, codes used twice, thresholds
    out of order. Empty = valid. Given a dict `where`, the problems of one section or criterion are also filed
    under its position — ("section", i) or ("criterion", i, j), counted from 0 — for a form to show them beside
    that row."""
    from .scorecards import LABELS

    problems: dict[str, list[str]] = {}

    def add(part, message, at=None):
        problems.setdefault(part, []).append(message)
        if at is not None and where is not None:
            where.setdefault(at, []).append(message)

    if not isinstance(definition, dict):
        return {"definition": [_("A scorecard is a JSON object with a total, sections, and thresholds.")]}
    total = definition.get("total")
    if not _is_points(total) or total <= 0:
        add("total", _("The total must be a positive number of points."))
        total = None
    sections = definition.get("sections")
    if not isinstance(sections, list) or not sections:
        add("sections", _("A scorecard needs at least one section."))
        sections = []
    codes: set[str] = set()
    section_codes: set[str] = set()
    section_sum = Decimal(0)
    party_sections = 0
    for index, section in enumerate(sections, start=1):
        at = ("section", index - 1)
        if not isinstance(section, dict):
            add("sections", _("Section %(n)d is not an object.") % {"n": index}, at)
            continue
        code = str(section.get("code") or "")
        name = section.get("label") or (str(LABELS[code]) if code in LABELS else code or str(index))
        if not code:
            add("sections", _("Section %(n)d has no code.") % {"n": index}, at)
        elif code not in LABELS and not section.get("label"):
            add("sections", _("Section “%(code)s” needs a label.") % {"code": code}, at)
        if code and code in section_codes:
            add("sections", _("The section code “%(code)s” is used twice.") % {"code": code}, at)
        section_codes.add(code)
        party_sections += bool(section.get("party_building"))
        points = section.get("points")
        if not _is_points(points):
            add("sections", _("Section “%(name)s” has no points.") % {"name": name}, at)
            points = None
        else:
            section_sum += Decimal(str(points))
        criteria = section.get("criteria")
        if not isinstance(criteria, list) or not criteria:
            add("sections", _("Section “%(name)s” has no criteria.") % {"name": name}, at)
            continue
        criteria_sum = Decimal(0)
        for position, criterion in enumerate(criteria):
            cat = ("criterion", index - 1, position)
            if not isinstance(criterion, dict):
                add("sections", _("A criterion of section “%(name)s” is not an object.") % {"name": name}, cat)
                continue
            ccode = str(criterion.get("code") or "")
            if not ccode:
                add("sections", _("A criterion of section “%(name)s” has no code.") % {"name": name}, cat)
                continue
            if ccode in codes:
                add("sections", _("The criterion code “%(code)s” is used twice.") % {"code": ccode}, cat)
            codes.add(ccode)
            if ccode not in LABELS and not criterion.get("label"):
                add("sections", _("Criterion “%(code)s” needs a label.") % {"code": ccode}, cat)
            cpoints = criterion.get("points")
            if not _is_points(cpoints) or cpoints <= 0:
                add("sections", _("Criterion “%(code)s” must carry a positive number of points.") % {"code": ccode},
                    cat)
            else:
                criteria_sum += Decimal(str(cpoints))
            ckind = criterion.get("kind")
            if ckind not in CriterionKind.values:
                add("sections", _("Criterion “%(code)s” must be computed or judged.") % {"code": ccode}, cat)
            elif ckind == CriterionKind.COMPUTED:
                for message in _measure_problems(ccode, criterion, kind):
                    add("sections", message, cat)
        if points is not None and criteria_sum != Decimal(str(points)):
            add("sections", _("The criteria of section “%(name)s” add up to %(sum)s points, not the section's "
                              "%(points)s.") % {"name": name, "sum": _num(criteria_sum), "points": _num(points)}, at)
    if total is not None and sections and section_sum != Decimal(str(total)):
        add("total", _("The sections add up to %(sum)s points, not the declared total of %(total)s.")
            % {"sum": _num(section_sum), "total": _num(total)})
    if kind == "star":
        _threshold_problems(definition.get("thresholds"), STAR_LEVELS, total, "thresholds", add)
        vetoes = definition.get("vetoes", [])
        if not isinstance(vetoes, list):
            add("vetoes", _("Vetoes are a list of {\"code\", \"cap\"}."))
            vetoes = []
        for veto in vetoes:
            code = veto.get("code") if isinstance(veto, dict) else None
            if code not in VETOES:
                add("vetoes", _("“%(code)s” is not a known veto; known: %(known)s.")
                    % {"code": code, "known": "、".join(VETOES)})
                continue
            cap = veto.get("cap")
            if not isinstance(cap, int) or isinstance(cap, bool) or not 0 <= cap <= 4:
                add("vetoes", _("The veto “%(code)s” must cap the stars at 0 to 4.") % {"code": code})
    else:
        _threshold_problems(definition.get("grades"), tuple(Grade.values), total, "grades", add)
        if party_sections != 1:
            add("sections", _("An evaluation scorecard marks exactly one section as party building."))
    return problems


def _num(value) -> str:
    value = Decimal(str(value))
    return str(value.quantize(Decimal(1))) if value == value.to_integral() else str(value)


def _threshold_problems(thresholds, levels, total, part, add) -> None:
    if not isinstance(thresholds, dict) or not thresholds:
        add(part, _("Give the lowest total for each level, e.g. {\"5\": 90, \"4\": 80}."))
        return
    unknown = [key for key in thresholds if key not in levels]
    if unknown:
        add(part, _("Unknown levels: %(levels)s; expected %(known)s.") % {"levels": "、".join(map(str, unknown)),
                                                                         "known": "、".join(levels)})
    previous = None
    for level in levels:
        if level not in thresholds:
            continue
        value = thresholds[level]
        if not _is_points(value) or (total is not None and value > total):
            add(part, _("The threshold of %(level)s must lie between 0 and the total.") % {"level": level})
            continue
        if previous is not None and value >= previous:
            add(part, _("Thresholds must fall with the level: %(level)s needs fewer points than the level above.")
                % {"level": level})
        previous = value


def _measure_problems(code: str, criterion: dict, kind: str) -> list[str]:
    measure = criterion.get("measure")
    if measure not in MEASURES:
        return [_("Criterion “%(code)s”: “%(measure)s” is not a known measure.") % {"code": code,
                                                                                    "measure": measure}]
    if kind == "evaluation" and measure not in ORG_MEASURES:
        return [_("Criterion “%(code)s”: the measure cannot be computed for one social organization.")
                % {"code": code}]
    params = criterion.get("params", {})
    if not isinstance(params, dict):
        return [_("Criterion “%(code)s”: parameters must be an object.") % {"code": code}]
    problems = []
    spec = MEASURES[measure]
    for name, value in params.items():
        allowed = spec.get(name)
        if allowed is None:
            problems.append(_("Criterion “%(code)s”: unknown parameter “%(name)s”.") % {"code": code, "name": name})
        elif isinstance(allowed[0], int):
            if isinstance(value, bool) or not isinstance(value, int) or not allowed[0] <= value <= allowed[1]:
                problems.append(_("Criterion “%(code)s”: “%(name)s” must be a whole number from %(min)d to %(max)d.")
                                % {"code": code, "name": name, "min": allowed[0], "max": allowed[1]})
        elif value not in allowed:
            problems.append(_("Criterion “%(code)s”: “%(name)s” must be one of %(allowed)s.")
                            % {"code": code, "name": name, "allowed": "、".join(allowed)})
    if measure == "activity_periods" and ("type" not in params or "period" not in params):
        problems.append(_("Criterion “%(code)s”: name the activity type and the period.") % {"code": code})
    return problems


# --- stars ---------------------------------------------------------------------------------------------------

def stars_for(total_points, thresholds: dict, caps: list[int] = ()) -> int:
    """The stars a total earns (the highest level whose threshold it reaches; none below the lowest), capped by
    the vetoes that apply."""
    earned = 0
    total = float(total_points)
    for level in STAR_LEVELS:
        if level in thresholds and total >= float(thresholds[level]) - 1e-9:
            earned = int(level)
            break
    return min([earned, *caps])


def grade_for(total_points, grades: dict) -> str | None:
    """The evaluation grade a total earns (None below 1A's threshold)."""
    for grade in Grade.values:
        if grade in grades and Decimal(str(total_points)) >= Decimal(str(grades[grade])):
            return grade
    return None


def effective_points(criterion: dict):
    """A criterion's points as they stand: the committee's figure when it adjusted it, else the self-assessment of
    a judged item, else the computed points (a judged item not yet assessed: 0)."""
    if criterion.get("reviewed_points") is not None:
        return Decimal(str(criterion["reviewed_points"]))
    if criterion.get("kind") == CriterionKind.JUDGED:
        return Decimal(str(criterion.get("claimed_points") or 0))
    return Decimal(str(criterion.get("points") or 0))


def points_problem(value, maximum) -> str | None:
    """A figure someone enters for a criterion: a number from 0 to the criterion's maximum, one decimal."""
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError):
        return _("Enter a number of points.")
    if not number.is_finite():
        return _("Enter a number of points.")
    if number < 0 or number > Decimal(str(maximum)):
        return _("Points must lie between 0 and %(max)s.") % {"max": _num(maximum)}
    if number != one_decimal(number):
        return _("Points have at most one decimal.")
    return None


# --- evaluation grades ---------------------------------------------------------------------------------------

def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_valid_to(valid_from: datetime.date) -> datetime.date:
    """A grade is valid 5 years: from the decision to the day before its fifth anniversary."""
    return add_years(valid_from, GRADE_VALID_YEARS) - datetime.timedelta(days=1)


def grade_problems(grade: str, valid_from, valid_to, decision_number: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if grade not in Grade.values:
        errors["grade"] = _("The grade is one of 5A, 4A, 3A, 2A and 1A.")
    if not decision_number.strip():
        errors["decision_number"] = _("Give the number of the decision that awarded the grade.")
    if valid_from and valid_to:
        if valid_to < valid_from:
            errors["valid_to"] = _("The validity ends before it begins.")
        elif valid_to > default_valid_to(valid_from):
            errors["valid_to"] = _("A grade is valid at most %(years)d years: until %(last)s at the latest.") % {
                "years": GRADE_VALID_YEARS, "last": default_valid_to(valid_from).isoformat()}
    return errors


def periods_overlap(a_from, a_to, b_from, b_to) -> bool:
    return a_from <= b_to and b_from <= a_to


def expiry_warning_months() -> int:
    return int(getattr(settings, "SOCORG_GRADE_EXPIRY_WARNING_MONTHS", 6))


def warning_from(valid_to: datetime.date) -> datetime.date:
    """From this day on a grade is about to expire (6 months ahead by default)."""
    from socorg.alerts.periods import add_months

    return add_months(valid_to, -expiry_warning_months())


def eligibility_reasons(*, registered_on, on: datetime.date, last_report: dict | None, report_year: int,
                        penalties: list[dict], listings: list[dict]) -> list[dict]:
    """The four eligibility rules, each with passed and a detail in Chinese:
    registered ≥ 2 full years; last year's annual report submitted and not 不合格; no penalty in the past year;
    not on a credit list. `last_report`: {"submitted": bool, "conclusion": str} or None (no report);
    `penalties`: [{"decided_on", "kind"}] decided within the past year; `listings`: [{"list", "since"}] in force."""
    reasons = []
    if registered_on is None:
        reasons.append({"rule": "registered_two_years", "passed": False,
                        "detail": _("The registration date is not recorded.")})
    else:
        needed = add_years(registered_on, ELIGIBLE_AFTER_YEARS)
        passed = on >= needed
        detail = (_("Registered on %(day)s: two full years reached on %(needed)s.") if passed
                  else _("Registered on %(day)s: two full years are reached only on %(needed)s."))
        reasons.append({"rule": "registered_two_years", "passed": passed,
                        "detail": detail % {"day": registered_on.isoformat(), "needed": needed.isoformat()}})
    from socorg.reports.choices import Conclusion

    if last_report is None or not last_report.get("submitted"):
        reasons.append({"rule": "last_annual_report", "passed": False,
                        "detail": _("The annual report for %(year)d has not been submitted.") % {"year": report_year}})
    elif last_report.get("conclusion") == Conclusion.UNQUALIFIED:
        reasons.append({"rule": "last_annual_report", "passed": False,
                        "detail": _("The annual report for %(year)d was concluded unqualified.")
                        % {"year": report_year}})
    else:
        reasons.append({"rule": "last_annual_report", "passed": True,
                        "detail": _("The annual report for %(year)d was submitted and not concluded unqualified.")
                        % {"year": report_year}})
    if penalties:
        listed = "；".join(f"{p['decided_on']} {p['kind']}" for p in penalties)
        reasons.append({"rule": "no_penalty_past_year", "passed": False,
                        "detail": _("Penalized within the past year: %(list)s.") % {"list": listed}})
    else:
        reasons.append({"rule": "no_penalty_past_year", "passed": True,
                        "detail": _("No administrative penalty since %(day)s.")
                        % {"day": add_years(on, -PENALTY_LOOKBACK_YEARS).isoformat()}})
    if listings:
        listed = "；".join(_("%(list)s since %(since)s") % {"list": item["list"], "since": item["since"]}
                          for item in listings)
        reasons.append({"rule": "not_on_credit_list", "passed": False,
                        "detail": _("On a credit list: %(list)s.") % {"list": listed}})
    else:
        reasons.append({"rule": "not_on_credit_list", "passed": True,
                        "detail": _("Not on the list of abnormal activities nor on the serious list.")})
    return reasons
