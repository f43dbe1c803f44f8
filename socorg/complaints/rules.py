"""The complaint rules, pure and database-free: deadlines in working days, receipt numbers and status codes, what a
conclusion must contain, which step may follow which.

Deadlines are per deployment (settings): SOCORG_COMPLAINT_ACCEPT_WORKING_DAYS (decide whether to accept within N
working days of receipt, default 7) and SOCORG_COMPLAINT_CONCLUDE_WORKING_DAYS (conclude within M working days of
acceptance, default 60). Both are local practice, not a national number: set them to the province's rules.

Working days follow the State Council's holiday schedule, make-up working days included (docs/domain.md), through the
platform's one calendar, socorg.credit.workdays; `working_days_after` is this app's only caller of it."""

import datetime
import hmac
import secrets

from django.conf import settings
from django.utils.translation import gettext as _

from .choices import Outcome, Status

DEFAULT_ACCEPT_WORKING_DAYS = 7
DEFAULT_CONCLUDE_WORKING_DAYS = 60
# Receipt numbers and status codes avoid characters people confuse when reading them out (0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_PREFIX = "TS"
LOOKUP_CODE_LENGTH = 8
MAX_ATTACHMENTS = 5


def working_days_after(day: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `day` (the day itself not counted): a complaint received on a Friday with
    one working day to decide is due the next working Monday. The calendar is the platform's one
    (socorg.credit.workdays: the State Council's holidays and make-up working days, yearly update documented
    there)."""
    from socorg.credit.workdays import add_workdays

    if count < 0:
        raise ValueError("count must not be negative")
    return add_workdays(day, count) if count else day


def accept_working_days() -> int:
    return int(getattr(settings, "SOCORG_COMPLAINT_ACCEPT_WORKING_DAYS", DEFAULT_ACCEPT_WORKING_DAYS))


def conclude_working_days() -> int:
    return int(getattr(settings, "SOCORG_COMPLAINT_CONCLUDE_WORKING_DAYS", DEFAULT_CONCLUDE_WORKING_DAYS))


def accept_due_on(received_on: datetime.date) -> datetime.date:
    return working_days_after(received_on, accept_working_days())


def conclude_due_on(accepted_on: datetime.date) -> datetime.date:
    return working_days_after(accepted_on, conclude_working_days())


def new_receipt_no(received_on: datetime.date) -> str:
    """TS + the receipt date + 6 random characters, e.g. TS20261128K7M3QX: unique in practice (the database
    enforces it) and not guessable from the previous one."""
    tail = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    return f"{RECEIPT_PREFIX}{received_on:%Y%m%d}{tail}"


def new_lookup_code() -> str:
    """The status code given to the complainant with the receipt number (shown once; only its keyed hash is kept)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(LOOKUP_CODE_LENGTH))


def mask_name(name: str) -> str:
    """"张三丰" -> "张**": the family name only."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


def normalize_code(value: str) -> str:
    return "".join(str(value or "").split()).upper()


def codes_match(stored_hash: str, candidate_hash: str) -> bool:
    return bool(stored_hash) and hmac.compare_digest(stored_hash, candidate_hash)


# --- workflow ------------------------------------------------------------------------------------------------------

NEXT_STEPS: dict[str, tuple[str, ...]] = {
    Status.RECEIVED: (Status.ACCEPTED, Status.NOT_ACCEPTED),
    Status.ACCEPTED: (Status.ASSIGNED,),
    Status.ASSIGNED: (Status.ASSIGNED, Status.INVESTIGATED),
    Status.INVESTIGATED: (Status.CONCLUDED,),
    Status.NOT_ACCEPTED: (Status.REPLIED,),
    Status.CONCLUDED: (Status.REPLIED,),
    Status.REPLIED: (),
}


def step_problem(current: str, target: str) -> str | None:
    """Why `target` cannot follow `current` (None: it can)."""
    if target in NEXT_STEPS.get(current, ()):
        return None
    return _("This step is not possible now: the complaint is “%(status)s”.") % {"status": Status(current).label}


def date_problem(day: datetime.date | None, *, after: datetime.date | None, today: datetime.date,
                 after_label: str) -> str | None:
    """A workflow date: not in the future and not before the step it follows."""
    if day is None:
        return _("Enter the date.")
    if day > today:
        return _("%(date)s lies in the future; enter today's date or an earlier one.") % {"date": day.isoformat()}
    if after is not None and day < after:
        return _("%(date)s is before %(what)s (%(after)s).") % {
            "date": day.isoformat(), "what": after_label, "after": after.isoformat()}
    return None


def conclusion_problems(*, outcome: str, conclusion: str, concluded_on: datetime.date,
                        rectification_deadline: datetime.date | None, rectification_requirements: str,
                        penalty: str, referred_to: str) -> dict[str, str]:
    """Field errors of a conclusion: a known outcome and its reasons; a founded complaint orders at least one
    measure (rectification with a deadline after the conclusion, a penalty, or a referral); an unfounded one none."""
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        return {"outcome": _("Choose founded or unfounded.")}
    if not conclusion.strip():
        errors["conclusion"] = _("State the findings the conclusion rests on.")
    measures = bool(rectification_deadline or rectification_requirements.strip() or penalty.strip()
                    or referred_to.strip())
    if outcome == Outcome.UNFOUNDED:
        if measures:
            errors["outcome"] = _("An unfounded complaint orders no rectification, penalty or referral; remove them "
                                  "or conclude it founded.")
        return errors
    if not measures:
        errors["outcome"] = _("A founded complaint needs at least one measure: a rectification order with a "
                              "deadline, a penalty, or a referral to another department.")
    if rectification_requirements.strip() and rectification_deadline is None:
        errors["rectification_deadline"] = _("A rectification order needs a deadline.")
    if rectification_deadline is not None:
        if not rectification_requirements.strip():
            errors["rectification_requirements"] = _("Say what the organization must rectify.")
        if rectification_deadline <= concluded_on:
            errors["rectification_deadline"] = _("The rectification deadline %(deadline)s must come after the "
                                                 "conclusion (%(date)s).") % {
                "deadline": rectification_deadline.isoformat(), "date": concluded_on.isoformat()}
    return errors


def contact_problems(*, anonymous: bool, name: str, phone: str, contact: str) -> dict[str, str]:
    """A named complaint gives the complainant's name and a way to reply (phone or other contact); an anonymous
    one gives no name (a phone or address for the reply is allowed)."""
    errors: dict[str, str] = {}
    if anonymous:
        if name:
            errors["complainant_name"] = _("An anonymous complaint records no name; clear the name or untick "
                                           "anonymous.")
        return errors
    if not name:
        errors["complainant_name"] = _("Enter the complainant's name, or mark the complaint anonymous.")
    if not phone and not contact:
        errors["complainant_phone"] = _("Enter a phone number or another contact for the reply.")
    return errors


def is_overdue(status: str, today: datetime.date, *, accept_due: datetime.date | None,
               conclude_due: datetime.date | None) -> str | None:
    """Which deadline a complaint has missed today ("acceptance", "conclusion") or None."""
    from .choices import AWAITING_ACCEPTANCE, IN_PROGRESS, Stage

    if status in AWAITING_ACCEPTANCE and accept_due is not None and today > accept_due:
        return Stage.ACCEPTANCE
    if status in IN_PROGRESS and conclude_due is not None and today > conclude_due:
        return Stage.CONCLUSION
    return None
