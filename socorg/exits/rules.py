"""Zombie screening rules (僵尸型社会组织, 2021 national campaign), pure and database-free: which criteria a deployment
uses and with which parameters, the years a "missed consecutive reports" check looks at, what closing a case needs.

Configuration (settings, per deployment): SOCORG_ZOMBIE_CRITERIA — the enabled criteria, comma-separated (default:
all five); SOCORG_ZOMBIE_MISSED_REPORTS — consecutive annual reports missed (default 2); SOCORG_ZOMBIE_ABNORMAL_DAYS —
days on the abnormal list (default 365); SOCORG_ZOMBIE_OUTSIDE_SCOPE_DAYS — how far back a founded complaint about
activities outside the registered scope counts (default 730). A run records the configuration it used."""

import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from .choices import CaseStatus, Criterion

DEFAULTS = {"missed_reports": 2, "abnormal_days": 365, "outside_scope_days": 730}


def configuration() -> dict:
    """{"criteria": [codes], "missed_reports": n, "abnormal_days": n, "outside_scope_days": n}."""
    raw = getattr(settings, "SOCORG_ZOMBIE_CRITERIA", "") or ""
    codes = [c.strip() for c in str(raw).split(",") if c.strip()] or list(Criterion.values)
    unknown = sorted(set(codes) - set(Criterion.values))
    if unknown:
        raise ValueError(f"SOCORG_ZOMBIE_CRITERIA names unknown criteria: {', '.join(unknown)}")
    return {
        "criteria": [c for c in Criterion.values if c in codes],
        "missed_reports": int(getattr(settings, "SOCORG_ZOMBIE_MISSED_REPORTS", DEFAULTS["missed_reports"])),
        "abnormal_days": int(getattr(settings, "SOCORG_ZOMBIE_ABNORMAL_DAYS", DEFAULTS["abnormal_days"])),
        "outside_scope_days": int(getattr(settings, "SOCORG_ZOMBIE_OUTSIDE_SCOPE_DAYS",
                                          DEFAULTS["outside_scope_days"])),
    }


def reported_years(as_of: datetime.date, count: int, *, last_deadline: datetime.date) -> list[int]:
    """The `count` most recent report years whose (latest) deadline has passed by `as_of`, newest first.
    `last_deadline` is the deadline of the report on as_of.year - 1."""
    newest = as_of.year - 1 if as_of > last_deadline else as_of.year - 2
    return [newest - n for n in range(count)]


def deregistration_problems(*, liquidation_done: bool, certificate_returned: bool, documents: list) -> dict:
    """注销: the liquidation is done and the certificate (and seals) returned, with the documents to prove it."""
    errors = {}
    if not liquidation_done:
        errors["liquidation_done"] = _("Deregistration needs the liquidation to be finished (清算完毕).")
    if not certificate_returned:
        errors["certificate_returned"] = _("Deregistration needs the registration certificate and seals returned.")
    if not documents:
        errors["documents"] = _("Attach the deregistration documents (liquidation report, application).")
    return errors


def outcome_for_penalty(kind: str) -> str:
    from socorg.credit.choices import PenaltyKind

    return {PenaltyKind.REGISTRATION_REVOKED: CaseStatus.REVOKED,
            PenaltyKind.CERTIFICATE_REVOKED: CaseStatus.CERTIFICATE_REVOKED}[kind]
