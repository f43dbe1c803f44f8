"""The credit-list rules, pure and database-free: the reasons (codes, lists, citations, parameters), when an entry is
due, when it ends by itself, when it may be removed, what a penalty must carry.

Source: 民政部《社会组织信用信息管理办法》（2018）. The citations below name the document and the content of the
provision; article numbers are not given because they were not checked against the published text (a deployment
may put its own, checked citation in credit.ReasonSetting.citation, e.g. with the article number).

- Information is entered within 5 working days (ENTRY_WORKDAYS) of the decision; removals likewise within 5 working
  days of the verification.
- Abnormal list (活动异常名录): annual report missing or not compliant; no party organization set up as required;
  rectification deadline missed; unreachable at the registered address (two registered letters at least 20 and at
  most 60 days apart unanswered); a warning or a fine under 50,000 yuan; public-fundraising charity conditions.
  Removal on application once the obligation is fulfilled; where there was nothing to rectify (a small penalty)
  automatically 6 months after listing. A written statement of the supervising unit (or another competent
  department) that the organization is not directly responsible stops a listing.
- Serious list (严重违法失信名单): 2 years on the abnormal list; 限期停止活动; a fine of 50,000 yuan or more; two or
  more small penalties within 3 years; 失信被执行人; 吊销登记证书 or 撤销登记; a change registration obtained by
  fraud and revoked. Removal 5 years after listing.
- Listing again while listed restarts the period (of the automatic removal) on that list.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socorg.alerts.periods import add_months, add_years
from socorg.alerts.rules import Param

from . import workdays
from .choices import CreditList, FactKind, PenaltyKind

ENTRY_WORKDAYS = 5
REMOVAL_WORKDAYS = 5
SERIOUS_REMOVAL_YEARS = 5
MAJOR_FINE_YUAN = Decimal("50000")

DOCUMENT = "民政部《社会组织信用信息管理办法》（2018）"


@dataclass(frozen=True)
class Reason:
    code: str
    list: str
    title: Any
    citation: str
    param_specs: tuple[Param, ...] = ()
    # Months after listing at which the entry ends by itself (nothing to rectify); None = only on application.
    auto_remove_months: int | None = None
    # Which recorded finding feeds the reason (FactKind), for the reasons the platform cannot compute.
    fact_kind: str = ""

    @property
    def default_params(self) -> dict:
        return {p.name: p.current_default() for p in self.param_specs}

    def clean_params(self, params: dict | None) -> dict:
        """Defaults overlaid with `params`; ValueError names every problem."""
        params = params or {}
        if not isinstance(params, dict):
            raise ValueError(_("Parameters must be a JSON object such as {\"days\": 90}."))
        known = {p.name: p for p in self.param_specs}
        problems, cleaned = [], self.default_params
        for name, value in params.items():
            if name not in known:
                problems.append(_("Unknown parameter “%(name)s”; this reason accepts: %(names)s.")
                                % {"name": name, "names": ", ".join(known) or _("none")})
                continue
            try:
                cleaned[name] = known[name].clean(value)
            except ValueError as error:
                problems.append(_("Parameter “%(name)s” is %(value)r: %(problem)s.")
                                % {"name": name, "value": value, "problem": error})
        if problems:
            raise ValueError(" ".join(problems))
        return cleaned


def _cite(content: str) -> str:
    return f"{DOCUMENT}：{content}"


REASONS: dict[str, Reason] = {r.code: r for r in (
    # --- abnormal list ---
    Reason("annual_report_missing", CreditList.ABNORMAL, gettext_lazy("Annual report not filed on time or not "
                                                                       "compliant"),
           _cite("未按照规定时限和要求向登记管理机关报送年度工作报告的，列入活动异常名录")),
    Reason("no_party_org", CreditList.ABNORMAL, gettext_lazy("No party organization set up as required"),
           _cite("未按照有关规定设立党组织的，列入活动异常名录"),
           (Param("alert_age_days", gettext_lazy("days the should-build alert has been open"), 90, 0, 3650),)),
    Reason("rectification_overdue", CreditList.ABNORMAL, gettext_lazy("Rectification deadline missed"),
           _cite("登记管理机关在抽查和其他监督检查中发现问题，责令限期整改，社会组织未按期完成整改的，列入活动异常名录"),
           (Param("grace_days", gettext_lazy("days after the deadline before it counts"), 0, 0, 365),)),
    Reason("unreachable", CreditList.ABNORMAL, gettext_lazy("Unreachable at the registered address"),
           _cite("登记管理机关通过登记的住所无法与社会组织取得联系的（两次邮寄专用信函无人签收，间隔不少于20日、"
                 "不超过60日），列入活动异常名录"),
           (Param("min_gap_days", gettext_lazy("fewest days between the two letters"), 20, 1, 365),
            Param("max_gap_days", gettext_lazy("most days between the two letters"), 60, 1, 365),
            Param("reply_days", gettext_lazy("days the second letter waits for an answer"), 15, 0, 365))),
    Reason("minor_penalty", CreditList.ABNORMAL, gettext_lazy("Warning or fine under 50,000 yuan"),
           _cite("受到警告或者不满5万元罚款处罚的，列入活动异常名录；不存在应当整改情形的，列入满6个月后移出"),
           (Param("lookback_months", gettext_lazy("months within which a penalty is proposed"), 6, 1, 60),),
           auto_remove_months=6),
    Reason("fundraising_conditions", CreditList.ABNORMAL,
           gettext_lazy("Charity no longer meets the public-fundraising conditions"),
           _cite("法律、行政法规规定应当列入的其他情形") + "；《中华人民共和国慈善法》（公开募捐资格条件）",
           fact_kind=FactKind.FUNDRAISING_CONDITIONS),
    # --- serious list ---
    Reason("abnormal_two_years", CreditList.SERIOUS, gettext_lazy("On the abnormal-activity list for 2 years"),
           _cite("被列入活动异常名录满2年的，列入严重违法失信名单"),
           (Param("years", gettext_lazy("years on the abnormal-activity list"), 2, 1, 10),)),
    Reason("suspension_penalty", CreditList.SERIOUS, gettext_lazy("Activities suspended for a set period"),
           _cite("受到限期停止活动行政处罚的，列入严重违法失信名单")),
    Reason("major_fine", CreditList.SERIOUS, gettext_lazy("Fine of 50,000 yuan or more"),
           _cite("受到5万元以上罚款处罚的，列入严重违法失信名单")),
    Reason("repeated_penalties", CreditList.SERIOUS, gettext_lazy("Two or more small penalties within 3 years"),
           _cite("三年内两次以上受到警告或者不满5万元罚款处罚的，列入严重违法失信名单"),
           (Param("window_years", gettext_lazy("years counted back"), 3, 1, 10),
            Param("min_count", gettext_lazy("small penalties within them"), 2, 2, 20))),
    Reason("dishonest_debtor", CreditList.SERIOUS, gettext_lazy("Dishonest judgment debtor (失信被执行人)"),
           _cite("被司法机关纳入“失信被执行人”名单的，列入严重违法失信名单"),
           fact_kind=FactKind.DISHONEST_DEBTOR),
    Reason("registration_revoked", CreditList.SERIOUS,
           gettext_lazy("Registration certificate revoked or registration revoked"),
           _cite("被登记管理机关作出吊销登记证书、撤销成立登记决定的，列入严重违法失信名单")),
    Reason("fraudulent_change", CreditList.SERIOUS, gettext_lazy("Change registration obtained by fraud"),
           _cite("弄虚作假办理变更登记，被撤销变更登记的，列入严重违法失信名单"),
           fact_kind=FactKind.FRAUDULENT_CHANGE),
)}

ABNORMAL_REASONS = tuple(code for code, r in REASONS.items() if r.list == CreditList.ABNORMAL)
SERIOUS_REASONS = tuple(code for code, r in REASONS.items() if r.list == CreditList.SERIOUS)
FACT_REASONS = {r.fact_kind: code for code, r in REASONS.items() if r.fact_kind}


def reason_label(code: str) -> str:
    reason = REASONS.get(code)
    return str(reason.title) if reason else _("Unknown reason")


# --- dates -----------------------------------------------------------------------------------------------------

def entry_due_on(decided_on: datetime.date) -> datetime.date:
    """The 5th working day after the decision: the day by which the entry must be in the system."""
    return workdays.add_workdays(decided_on, ENTRY_WORKDAYS)


def removal_due_on(verified_on: datetime.date) -> datetime.date:
    """The 5th working day after the verification: the day by which a removal must be done."""
    return workdays.add_workdays(verified_on, REMOVAL_WORKDAYS)


def expires_on(list_code: str, reason: str, period_start: datetime.date) -> datetime.date | None:
    """When an entry ends by itself: serious-list entries after 5 years; abnormal entries with nothing to rectify
    after their reason's months (minor_penalty: 6); None = only on application. `period_start` is the latest listing
    on that list (listing again while listed restarts the period)."""
    if list_code == CreditList.SERIOUS:
        return add_years(period_start, SERIOUS_REMOVAL_YEARS)
    months = REASONS[reason].auto_remove_months if reason in REASONS else None
    return add_months(period_start, months) if months else None


def escalation_day(oldest_listing: datetime.date, years: int = 2) -> datetime.date:
    """The day an organization has been on the abnormal list for `years` (moved to the serious list from then)."""
    return add_years(oldest_listing, years)


# --- validation ----------------------------------------------------------------------------------------------------

def date_problem(value, today: datetime.date, *, required: bool = True) -> str | None:
    if value in (None, ""):
        return _("Enter the date.") if required else None
    if not isinstance(value, datetime.date):
        return _("Enter a date as YYYY-MM-DD.")
    if value > today:
        return _("The date %(date)s lies in the future.") % {"date": value.isoformat()}
    if value.year < 1988:
        return _("The date %(date)s is before social organizations were registered.") % {"date": value.isoformat()}
    return None


def listing_problems(*, list_code: str, reason: str, decision_no: str, decided_on, today: datetime.date,
                     enabled_reasons: set[str]) -> dict[str, str]:
    """Field errors of a listing decision: a known list, a configured reason of that list, a decision number and a
    decision date that is not in the future."""
    errors: dict[str, str] = {}
    if list_code not in CreditList.values:
        errors["list"] = _("Choose the abnormal-activity list or the serious violation and dishonesty list.")
    if reason not in REASONS or reason not in enabled_reasons:
        errors["reason"] = _("“%(reason)s” is not a reason in this deployment's configuration.") % {"reason": reason}
    elif list_code in CreditList.values and REASONS[reason].list != list_code:
        errors["reason"] = _("“%(reason)s” is a reason of the other list.") % {"reason": reason_label(reason)}
    if not (decision_no or "").strip():
        errors["decision_no"] = _("Enter the decision number (决定书文号).")
    elif len(decision_no.strip()) > 100:
        errors["decision_no"] = _("The decision number has at most 100 characters.")
    problem = date_problem(decided_on, today)
    if problem:
        errors["decided_on"] = problem
    return errors


def removal_problems(*, list_code: str, reason: str, listed_on: datetime.date, expires: datetime.date | None,
                     decided_on, today: datetime.date, still_holds: str | None,
                     removal_reason: str) -> dict[str, str]:
    """Field errors of a removal on application. `still_holds` is why the listing condition still holds (None = it
    no longer does, or the platform cannot tell). A serious-list entry and an entry that ends by itself (nothing to
    rectify) cannot be removed on application before their period ends."""
    errors: dict[str, str] = {}
    if not (removal_reason or "").strip():
        errors["reason"] = _("Say how the obligation was fulfilled or the problem rectified.")
    problem = date_problem(decided_on, today)
    if problem:
        errors["decided_on"] = problem
        return errors
    if decided_on < listed_on:
        errors["decided_on"] = _("The removal cannot be decided before the listing (%(date)s).") % {
            "date": listed_on.isoformat()}
        return errors
    if list_code == CreditList.SERIOUS and expires and decided_on < expires:
        errors["decided_on"] = _("An entry on the serious violation and dishonesty list is removed 5 years after "
                                 "listing, on %(date)s.") % {"date": expires.isoformat()}
    elif expires and decided_on < expires:
        errors["decided_on"] = _("There was nothing to rectify: the entry ends by itself on %(date)s.") % {
            "date": expires.isoformat()}
    elif still_holds:
        errors["reason"] = still_holds
    return errors


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal("NaN")


def penalty_problems(*, kind: str, amount, decision_no: str, decided_on, facts: str, legal_basis: str,
                     issuing_authority: str, suspension_until, today: datetime.date) -> dict[str, str]:
    """Field errors of an administrative penalty: a known kind, an amount for a fine (positive) and only for a fine
    or a confiscation, an end date for a suspension (after the decision), the decision number, date, facts, legal
    basis and the issuing authority."""
    errors: dict[str, str] = {}
    if kind not in PenaltyKind.values:
        errors["kind"] = _("Choose the kind of penalty.")
    value = _amount(amount)
    if value is not None and (value.is_nan() or value <= 0):
        errors["amount"] = _("The amount must be a positive number of yuan.")
    elif value is not None and value >= Decimal("1e12"):
        errors["amount"] = _("The amount is too large.")
    elif kind == PenaltyKind.FINE and value is None:
        errors["amount"] = _("A fine needs its amount in yuan.")
    elif value is not None and kind not in (PenaltyKind.FINE, PenaltyKind.CONFISCATION, ""):
        errors["amount"] = _("Only a fine or a confiscation has an amount.")
    if not (decision_no or "").strip():
        errors["decision_no"] = _("Enter the decision number (决定书文号).")
    problem = date_problem(decided_on, today)
    if problem:
        errors["decided_on"] = problem
    if not (facts or "").strip():
        errors["facts"] = _("Describe the facts of the violation.")
    if not (legal_basis or "").strip():
        errors["legal_basis"] = _("Name the legal basis of the penalty.")
    if not (issuing_authority or "").strip():
        errors["issuing_authority"] = _("Name the authority that issued the penalty.")
    if kind == PenaltyKind.SUSPENSION:
        if not suspension_until:
            errors["suspension_until"] = _("A suspension needs the day its period ends.")
        elif isinstance(decided_on, datetime.date) and suspension_until <= decided_on:
            errors["suspension_until"] = _("The suspension must end after the decision date.")
    elif suspension_until:
        errors["suspension_until"] = _("Only a suspension (限期停止活动) has an end date.")
    return errors


def is_small_penalty(kind: str, amount, threshold: Decimal = MAJOR_FINE_YUAN) -> bool:
    """A warning or a fine under 50,000 yuan."""
    value = _amount(amount)
    return kind == PenaltyKind.WARNING or (kind == PenaltyKind.FINE and value is not None and value < threshold)


def is_major_fine(kind: str, amount, threshold: Decimal = MAJOR_FINE_YUAN) -> bool:
    value = _amount(amount)
    return kind == PenaltyKind.FINE and value is not None and value >= threshold


def unreachable_pair(letters: list[tuple[datetime.date, bool]], as_of: datetime.date, *, min_gap_days: int,
                     max_gap_days: int, reply_days: int) -> tuple[datetime.date, datetime.date] | None:
    """Two unanswered registered letters sent between min_gap_days and max_gap_days apart, the second unanswered
    for reply_days by `as_of`: (first sent, second sent) of the latest such pair, or None. `letters` are
    (sent_on, answered) pairs."""
    unanswered = sorted(sent for sent, answered in letters if not answered and sent <= as_of)
    best = None
    for i, first in enumerate(unanswered):
        for second in unanswered[i + 1:]:
            gap = (second - first).days
            if min_gap_days <= gap <= max_gap_days and second + datetime.timedelta(days=reply_days) <= as_of:
                best = (first, second)
    return best
