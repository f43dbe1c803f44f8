"""The rules of funded projects and of needs matching, pure and database-free.

- Service categories: a configurable vocabulary accepted by its Chinese label (SOCORG_SERVICE_CATEGORIES).
- Calls: eligibility rules as configuration — a list of {"rule": code, …parameters} validated here, evaluated here
  against the facts projects.queries gathers for an organization (one function per rule's data).
- Applications: budget lines that add up to the amount requested, within the call's limits; review scores within
  each criterion's maximum.
- Matching: the score of an offer for a need, with one reason per factor, from configurable weights
  (SOCORG_MATCH_WEIGHTS).
"""

import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from .choices import EvaluationConclusion, MatchFactor, RuleCode

DEFAULT_CATEGORIES = ("养老服务", "助残服务", "儿童关爱", "教育支持", "医疗卫生", "就业帮扶", "乡村振兴", "社区治理",
                      "环境保护", "文化体育", "法律服务", "心理健康", "应急救灾")
# Points of each factor: same category first, then the area (covering > inside / same county > prefecture >
# province), capacity, no credit-list entry, then rating and completed projects as tie-breakers. With these defaults
# each factor outweighs all those after it (a deployment may change them).
DEFAULT_WEIGHTS = {"category": 100, "area": 80, "capacity": 8, "credit": 5, "rating": 2, "track_record": 1}
DEFAULT_CRITERIA = (("需求分析", 20), ("项目设计", 30), ("执行能力", 25), ("预算合理性", 15), ("预期成效", 10))
TRACK_RECORD_FULL = 5  # completed projects that earn the whole track-record weight
GRADE_MAX = 5
UNAVAILABLE = "unavailable"  # the data's app is not installed (projects.queries)


# --- vocabulary ------------------------------------------------------------------------------------------------

def categories() -> tuple[str, ...]:
    configured = getattr(settings, "SOCORG_SERVICE_CATEGORIES", None) or DEFAULT_CATEGORIES
    return tuple(str(c).strip() for c in configured if str(c).strip())


def category_problem(label: str) -> str | None:
    if (label or "").strip() not in categories():
        return _("“%(label)s” is not a service category; choose one of: %(known)s.") % {
            "label": label, "known": "、".join(categories())}
    return None


def categories_problem(labels) -> str | None:
    if not isinstance(labels, list | tuple) or not labels:
        return _("Choose at least one service category.")
    unknown = [str(label) for label in labels if str(label).strip() not in categories()]
    if unknown:
        return _("Not service categories: %(unknown)s; choose from: %(known)s.") % {
            "unknown": "、".join(unknown), "known": "、".join(categories())}
    if len(set(labels)) != len(labels):
        return _("A category is listed twice.")
    return None


def weights() -> dict[str, float]:
    configured = getattr(settings, "SOCORG_MATCH_WEIGHTS", None) or {}
    merged = {**DEFAULT_WEIGHTS, **{k: v for k, v in configured.items() if k in DEFAULT_WEIGHTS}}
    return {k: float(v) for k, v in merged.items()}


# --- dates and money ---------------------------------------------------------------------------------------------

def period_problems(starts_on: datetime.date | None, ends_on: datetime.date | None, *, start="starts_on",
                    end="ends_on") -> dict[str, str]:
    if starts_on and ends_on and ends_on < starts_on:
        return {end: _("The end date %(end)s lies before the start date %(start)s.") % {
            "end": ends_on.isoformat(), "start": starts_on.isoformat()}}
    return {}


def money(value) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if amount.is_finite() else None


def budget_problems(lines, amount_requested, *, max_per_project=None, call_budget=None) -> dict[str, str]:
    """Budget lines [{"item", "amount"}] must name each item, be positive, add up to the amount requested, which
    stays within the call's limit per project and its budget."""
    errors: dict[str, str] = {}
    requested = money(amount_requested)
    if requested is None or requested <= 0:
        errors["amount_requested"] = _("Enter the amount requested, more than zero.")
    if not isinstance(lines, list) or not lines:
        errors["budget_lines"] = _("List the budget lines (item and amount).")
        return errors
    total = Decimal(0)
    for number, line in enumerate(lines, start=1):
        item = str((line or {}).get("item", "")).strip() if isinstance(line, dict) else ""
        amount = money(line.get("amount")) if isinstance(line, dict) else None
        if not item or amount is None or amount <= 0:
            errors["budget_lines"] = _("Budget line %(n)d needs an item and an amount above zero.") % {"n": number}
            return errors
        total += amount
    if requested is not None and "amount_requested" not in errors and total != requested:
        errors["budget_lines"] = _("The budget lines add up to %(total)s yuan, not the %(requested)s yuan "
                                   "requested.") % {"total": f"{total:,.2f}", "requested": f"{requested:,.2f}"}
    if requested is not None and "amount_requested" not in errors:
        if max_per_project is not None and requested > max_per_project:
            errors["amount_requested"] = _("%(requested)s yuan exceeds the call's limit of %(limit)s yuan per "
                                           "project.") % {"requested": f"{requested:,.2f}",
                                                          "limit": f"{max_per_project:,.2f}"}
        elif call_budget is not None and requested > call_budget:
            errors["amount_requested"] = _("%(requested)s yuan exceeds the call's whole budget of %(budget)s "
                                           "yuan.") % {"requested": f"{requested:,.2f}",
                                                       "budget": f"{call_budget:,.2f}"}
    return errors


# --- eligibility rules as configuration --------------------------------------------------------------------------

def _int_param(rule: dict, name: str, low: int, high: int) -> int | None:
    value = rule.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


def rules_problem(rules) -> str | None:
    """Why a call's rule list is not valid configuration (None: it is)."""
    if not isinstance(rules, list):
        return _("The rules must be a list of {\"rule\": …} entries.")
    seen = set()
    configurable = set(RuleCode.values) - {RuleCode.IN_REGION}
    for number, rule in enumerate(rules, start=1):
        code = rule.get("rule") if isinstance(rule, dict) else None
        if code not in configurable:
            return _("Rule %(n)d: unknown rule “%(code)s”; known rules: %(known)s.") % {
                "n": number, "code": code, "known": ", ".join(sorted(configurable))}
        if code in seen:
            return _("Rule %(n)d: “%(code)s” is listed twice.") % {"n": number, "code": code}
        seen.add(code)
        if code == RuleCode.REGISTERED_YEARS and _int_param(rule, "min", 0, 100) is None:
            return _("Rule %(n)d: registered_years needs \"min\", a whole number of years from 0 to 100.") % {
                "n": number}
        if code == RuleCode.MIN_EVALUATION_GRADE and _int_param(rule, "grade", 1, GRADE_MAX) is None:
            return _("Rule %(n)d: min_evaluation_grade needs \"grade\", 1 to 5 (1A–5A).") % {"n": number}
        if code == RuleCode.MAX_AWARDS and _int_param(rule, "max", 1, 100) is None:
            return _("Rule %(n)d: max_awards needs \"max\", a whole number from 1 to 100.") % {"n": number}
        if code == RuleCode.PARTY_COVERAGE and rule.get("require", "work") not in ("work", "organization"):
            return _("Rule %(n)d: party_coverage's \"require\" is \"work\" (party organization or party work "
                     "coverage) or \"organization\" (a party organization).") % {"n": number}
    return None


def years_between(start: datetime.date, end: datetime.date) -> int:
    """Whole years from `start` to `end` (a birthday-style count)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def rule_check(rule: dict, today: datetime.date) -> Callable[[dict], bool]:
    """One configured rule's verdict as a function of an organization's facts (projects.queries) — decided once per
    rule, so a whole region's check (hundreds of thousands of organizations) only applies the functions."""
    code = rule["rule"]
    if code == RuleCode.IN_REGION:
        return lambda facts: facts["in_region"]
    if code == RuleCode.NOT_ON_CREDIT_LIST:
        return lambda facts: facts.get("credit_listing") is None
    if code == RuleCode.REGISTERED_YEARS:
        least = rule["min"]
        return lambda facts: (facts.get("registered_on") is not None
                              and years_between(facts["registered_on"], today) >= least)
    if code == RuleCode.ANNUAL_REPORT_OK:
        return lambda facts: facts.get("last_report") is None or facts["last_report"]["conclusion"] != "unqualified"
    if code == RuleCode.MIN_EVALUATION_GRADE:
        least = rule["grade"]
        return lambda facts: facts.get("evaluation_grade") not in (None, UNAVAILABLE) and \
            facts["evaluation_grade"] >= least
    if code == RuleCode.PARTY_COVERAGE:
        if rule.get("require", "work") == "organization":
            return lambda facts: facts["org_covered"]
        return lambda facts: facts["org_covered"] or facts["work_covered"]
    if code == RuleCode.NO_HIGH_ALERT:
        return lambda facts: facts.get("high_alerts", 0) == 0
    if code == RuleCode.MAX_AWARDS:
        most = rule["max"]
        return lambda facts: facts.get("projects_in_progress", 0) < most
    raise ValueError(code)


def rule_passed(rule: dict, facts: dict, today: datetime.date) -> bool:
    """Whether one configured rule passes for one organization's facts; evaluate_rule adds the reason."""
    return rule_check(rule, today)(facts)


def rule_detail(rule: dict, facts: dict, today: datetime.date, passed: bool) -> str:
    """The reason of one rule's verdict, in the user's language (Chinese by default)."""
    code = rule["rule"]
    if code == RuleCode.IN_REGION:
        names = {"region": facts["region_name"], "call": facts["call_region_name"]}
        if passed:
            return _("Registered in %(region)s, within the call's region %(call)s.") % names
        return _("Registered in %(region)s, outside the call's region %(call)s, or no longer registered.") % names
    if code == RuleCode.NOT_ON_CREDIT_LIST:
        listing = facts.get("credit_listing")
        if listing == UNAVAILABLE:
            return _("The credit lists are not kept on this platform yet: the rule cannot be checked.")
        if listing is None:
            return _("Not on the abnormal-activity list nor on the serious-violation list.")
        return _("On the %(list)s since %(since)s.") % {"list": listing["list"], "since": listing["since"]}
    if code == RuleCode.REGISTERED_YEARS:
        registered = facts.get("registered_on")
        if registered is None:
            return _("The registration date is not recorded; at least %(min)d years are required.") % {
                "min": rule["min"]}
        return _("Registered on %(date)s, %(years)d full years ago; at least %(min)d required.") % {
            "date": registered.isoformat(), "years": years_between(registered, today), "min": rule["min"]}
    if code == RuleCode.ANNUAL_REPORT_OK:
        report = facts.get("last_report")
        if report is None:
            return _("No reviewed annual report yet: nothing unqualified on record.")
        return _("Last reviewed annual report (%(year)d): %(conclusion)s.") % {
            "year": report["year"], "conclusion": report["conclusion_label"]}
    if code == RuleCode.MIN_EVALUATION_GRADE:
        grade = facts.get("evaluation_grade")
        if grade == UNAVAILABLE:
            return _("Evaluation grades are not kept on this platform yet: the rule cannot be checked.")
        if grade is None:
            return _("No valid evaluation grade; at least %(min)dA is required.") % {"min": rule["grade"]}
        return _("Evaluation grade %(grade)dA; at least %(min)dA required.") % {"grade": grade, "min": rule["grade"]}
    if code == RuleCode.PARTY_COVERAGE:
        if facts["org_covered"]:
            return _("Covered by a party organization.")
        if rule.get("require", "work") == "organization":
            return _("No party organization covers the organization; the call requires one.")
        if facts["work_covered"]:
            return _("No party organization, but party work reaches it (instructor or liaison).")
        return _("Neither a party organization nor party work (instructor or liaison) covers the "
                 "organization.")
    if code == RuleCode.NO_HIGH_ALERT:
        count = facts.get("high_alerts", 0)
        if count == 0:
            return _("No open high-severity alert.")
        return _("%(count)d open high-severity alert(s): %(rules)s.") % {
            "count": count, "rules": "、".join(facts.get("high_alert_titles", []))}
    if code == RuleCode.MAX_AWARDS:
        return _("%(held)d funded project(s) in progress; at most %(max)d allowed.") % {
            "held": facts.get("projects_in_progress", 0), "max": rule["max"]}
    raise ValueError(code)


def evaluate_rule(rule: dict, facts: dict, today: datetime.date) -> tuple[bool, str]:
    """(passed, detail in Chinese) of one configured rule for one organization's facts."""
    passed = rule_passed(rule, facts, today)
    return passed, rule_detail(rule, facts, today, passed)


def with_region(rules: list[dict]) -> list[dict]:
    return [{"rule": RuleCode.IN_REGION.value}, *rules]


def eligibility(rules: list[dict], facts: dict, today: datetime.date) -> dict:
    """{"eligible", "reasons": [{"rule", "passed", "detail"}]}: the call's region first, then every configured
    rule in its order, passed or not."""
    reasons = []
    for rule in with_region(rules):
        passed, detail = evaluate_rule(rule, facts, today)
        reasons.append({"rule": rule["rule"], "passed": passed, "detail": detail})
    return {"eligible": all(r["passed"] for r in reasons), "reasons": reasons}


def rule_checks(rules: list[dict], today: datetime.date) -> list[tuple[str, Callable[[dict], bool]]]:
    """(code, check) of the call's region and every configured rule, for failed_rules."""
    return [(rule["rule"], rule_check(rule, today)) for rule in with_region(rules)]


def failed_rules(checks: list[tuple[str, Callable[[dict], bool]]], facts: dict) -> list[str]:
    """The codes of the rules that fail (the set-based check: the same verdicts as eligibility(), no reasons);
    `checks` from rule_checks(call rules, today)."""
    return [code for code, check in checks if not check(facts)]


# --- reviews -----------------------------------------------------------------------------------------------------

def criteria_of(configured) -> list[dict]:
    if configured:
        return [{"name": c["name"], "max": c["max"]} for c in configured]
    return [{"name": name, "max": high} for name, high in DEFAULT_CRITERIA]


def criteria_problem(criteria) -> str | None:
    if not criteria:
        return None
    if not isinstance(criteria, list):
        return _("The criteria must be a list of {\"name\", \"max\"}.")
    names = set()
    for number, c in enumerate(criteria, start=1):
        name = str(c.get("name", "")).strip() if isinstance(c, dict) else ""
        high = c.get("max") if isinstance(c, dict) else None
        if not name or isinstance(high, bool) or not isinstance(high, int) or not 1 <= high <= 1000:
            return _("Criterion %(n)d needs a name and a maximum score from 1 to 1000.") % {"n": number}
        if name in names:
            return _("Criterion “%(name)s” is listed twice.") % {"name": name}
        names.add(name)
    return None


def score_problems(scores, criteria: list[dict]) -> dict[str, str]:
    if not isinstance(scores, dict):
        return {"scores": _("Give a score for each criterion.")}
    problems = []
    for c in criteria:
        value = money(scores.get(c["name"]))
        if value is None or not 0 <= value <= c["max"]:
            problems.append(_("%(name)s: a score from 0 to %(max)d") % {"name": c["name"], "max": c["max"]})
    unknown = sorted(set(scores) - {c["name"] for c in criteria})
    if unknown:
        problems.append(_("not criteria of this call: %(names)s") % {"names": "、".join(unknown)})
    return {"scores": "；".join(problems)} if problems else {}


def total_score(scores: dict, criteria: list[dict]) -> Decimal:
    return sum((Decimal(str(scores[c["name"]])) for c in criteria), Decimal(0))


# --- evaluations -------------------------------------------------------------------------------------------------

def evaluation_problems(*, score, conclusion: str, findings: str, rectification: str,
                        rectification_due: datetime.date | None, evaluated_on: datetime.date,
                        site_visit_on: datetime.date | None, awarded_on: datetime.date,
                        today: datetime.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    value = money(score)
    if value is None or not 0 <= value <= 100:
        errors["score"] = _("Enter a score from 0 to 100.")
    if conclusion not in EvaluationConclusion.values:
        errors["conclusion"] = _("Choose excellent, good, pass or fail.")
    if not (findings or "").strip():
        errors["findings"] = _("Record the findings.")
    if evaluated_on > today:
        errors["evaluated_on"] = _("The evaluation date lies in the future.")
    elif evaluated_on < awarded_on:
        errors["evaluated_on"] = _("The evaluation cannot precede the award (%(date)s).") % {
            "date": awarded_on.isoformat()}
    if site_visit_on is not None and (site_visit_on > today or site_visit_on < awarded_on):
        errors["site_visit_on"] = _("The site visit lies between the award and today.")
    if conclusion == EvaluationConclusion.FAIL and not (rectification or "").strip():
        errors["rectification"] = _("Say what must be rectified after a failed evaluation.")
    if (rectification or "").strip() and rectification_due is None:
        errors["rectification_due"] = _("Set the deadline of the rectification.")
    elif rectification_due is not None and rectification_due < evaluated_on:
        errors["rectification_due"] = _("The rectification deadline lies before the evaluation.")
    return errors


# --- matching ----------------------------------------------------------------------------------------------------

def prefix_of(code: str) -> str:
    """The subtree prefix of a GB/T 2260 code: 100000 → "", 530000 → "53", 530100 → "5301", 530102 → "530102"."""
    if code == "100000":
        return ""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


AREA_COVERS, AREA_INSIDE, AREA_PREFECTURE, AREA_PROVINCE, AREA_NONE = 4, 3, 2, 1, 0
AREA_FRACTION = {AREA_COVERS: 1.0, AREA_INSIDE: 0.75, AREA_PREFECTURE: 0.5, AREA_PROVINCE: 0.25, AREA_NONE: 0.0}


def area_tier(need_code: str, offer_code: str) -> int:
    """How an offer's service region relates to the need's place: covers it (the offer region contains it), lies
    inside it or in the same county, in the same prefecture, in the same province, or elsewhere."""
    offer_prefix, need_prefix = prefix_of(offer_code), prefix_of(need_code)
    if need_prefix.startswith(offer_prefix):
        return AREA_COVERS
    if offer_prefix.startswith(need_prefix) or offer_code[:6] == need_code[:6]:
        return AREA_INSIDE
    if len(need_prefix) >= 4 and offer_code[:4] == need_code[:4]:
        return AREA_PREFECTURE
    if len(need_prefix) >= 2 and offer_code[:2] == need_code[:2]:
        return AREA_PROVINCE
    return AREA_NONE


def best_area(need_code: str, offer_codes) -> tuple[int, str | None]:
    """The best area tier of an offer's service regions for the need's place, and the region that reaches it (the
    smallest code of those that do)."""
    best, where = AREA_NONE, None
    for code in offer_codes:
        tier = area_tier(need_code, code)
        if tier > best or (tier == best and tier != AREA_NONE and code < where):
            best, where = tier, code
    return best, where


def _points(weight: float, fraction: float) -> float:
    return round(weight * fraction, 2)


def match_fractions(*, need: dict, offer: dict) -> dict[str, float]:
    """Each factor's fraction (0–1) of its weight for an offer and a need — the ranking's one definition."""
    listing, grade = offer.get("credit_listing"), offer.get("grade")
    return {
        "category": 1.0 if need["category"] in offer["categories"] else 0.0,
        "area": AREA_FRACTION[offer["area"][0]],
        "capacity": 1.0 if offer["capacity"] >= need["people"] else offer["capacity"] / max(need["people"], 1),
        "credit": 0.0 if listing else 1.0,  # listed, or lists not kept (UNAVAILABLE)
        "rating": 0.0 if grade is None or grade == UNAVAILABLE else grade / GRADE_MAX,
        "track_record": min(offer.get("completed", 0), TRACK_RECORD_FULL) / TRACK_RECORD_FULL,
    }


def match_points(*, need: dict, offer: dict, weights: dict[str, float]) -> float:
    """The score (the sum of each factor's points, to 2 decimals), as the ranking sorts by it."""
    fractions = match_fractions(need=need, offer=offer)
    return round(sum(weights[f] * x for f, x in fractions.items()), 2)


def match_score(*, need: dict, offer: dict, weights: dict[str, float]) -> tuple[float, list[dict]]:
    """The score of an offer for a need and its reasons [{"factor", "weight", "detail"}]: "weight" is the points
    the factor contributed, to 2 decimals (the score is their sum), out of the configured weight ("max").

    need: {"category", "region", "region_names": {code: name}, "people"}; offer: {"categories", "area": (tier,
    code), "capacity", "credit_listing", "grade", "completed"}."""
    names = need.get("region_names", {})
    fractions = match_fractions(need=need, offer=offer)
    place = names.get(need["region"], need["region"])
    tier, where = offer["area"]
    area = names.get(where, where or "")
    listing, grade = offer.get("credit_listing"), offer.get("grade")
    if listing == UNAVAILABLE:
        credit = _("Credit lists are not kept on this platform yet.")
    elif listing:
        credit = _("On the %(list)s since %(since)s.") % {"list": listing["list"], "since": listing["since"]}
    else:
        credit = _("Not on a credit list.")
    if grade == UNAVAILABLE:
        rating = _("Evaluation grades are not kept on this platform yet.")
    else:
        rating = _("Evaluation grade %(grade)dA.") % {"grade": grade} if grade else _("No valid evaluation grade.")
    enough = offer["capacity"] >= need["people"]
    details = {
        MatchFactor.CATEGORY.value: (
            _("Offers %(category)s, the need's category.") % {"category": need["category"]}
            if fractions[MatchFactor.CATEGORY.value] else
            _("Offers %(offered)s, not %(category)s.") % {"offered": "、".join(offer["categories"]),
                                                         "category": need["category"]}),
        MatchFactor.AREA.value: {
            AREA_COVERS: _("Its service area %(area)s covers %(place)s."),
            AREA_INSIDE: _("Its service area %(area)s lies within %(place)s or its county."),
            AREA_PREFECTURE: _("Its service area %(area)s lies in the same prefecture as %(place)s."),
            AREA_PROVINCE: _("Its service area %(area)s lies in the same province as %(place)s."),
            AREA_NONE: _("Its service area does not reach %(place)s's province."),
        }[tier] % {"area": area, "place": place},
        MatchFactor.CAPACITY.value: (
            _("Capacity %(capacity)d people covers the %(people)d affected.") if enough else
            _("Capacity %(capacity)d people, fewer than the %(people)d affected."))
        % {"capacity": offer["capacity"], "people": need["people"]},
        MatchFactor.CREDIT.value: credit,
        MatchFactor.RATING.value: rating,
        MatchFactor.TRACK_RECORD.value: _("%(n)d funded project(s) completed.") % {"n": offer.get("completed", 0)},
    }
    reasons = [{"factor": factor, "weight": _points(weights[factor], fraction), "max": weights[factor],
                "detail": details[factor]} for factor, fraction in fractions.items()]
    return round(sum(weights[f] * x for f, x in fractions.items()), 2), reasons
