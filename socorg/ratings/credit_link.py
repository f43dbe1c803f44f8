"""The one place where ratings read the credit records (penalties, credit lists) of socorg.credit (helper H3's app).

`credit_facts(org_ids, on)` answers, for a set of social organizations, the penalties decided within the year
before `on` and the credit-list entries in force on `on`. Evaluation eligibility (no penalty within a year, not on
a credit list) and the star-rating vetoes (serious list, abnormal list) read only this function.

While socorg.credit is not installed the platform holds no penalty or list records: `available()` is False, the
facts are empty and the eligibility reasons say the check could not be made."""

import datetime
from dataclasses import dataclass, field

from django.apps import apps


@dataclass
class CreditFacts:
    penalties: list[dict] = field(default_factory=list)  # [{"decided_on": "YYYY-MM-DD", "kind": label}]
    listings: list[dict] = field(default_factory=list)   # [{"list": label, "code": "abnormal"|"serious", "since"}]

    def on_list(self, code: str) -> bool:
        return any(item["code"] == code for item in self.listings)


def available() -> bool:
    return apps.is_installed("socorg.credit")


def credit_facts(org_ids, on: datetime.date) -> dict[int, CreditFacts]:
    """{org_id: CreditFacts} for the organizations (ids, or a values("…id") queryset) with any record (absent =
    nothing on record): penalties decided
    in the year up to `on` (a year back to the same calendar day) and the list entries in force on `on`. Two queries
    (credit.queries: penalties, active_entries)."""
    if not available():
        return {}
    from django.db.models import QuerySet

    from socorg.credit import queries
    from socorg.credit.choices import CreditList, PenaltyKind

    from .rules import PENALTY_LOOKBACK_YEARS, add_years

    ids = org_ids if isinstance(org_ids, QuerySet) else list(org_ids)  # a subquery stays one (national runs)
    found: dict[int, CreditFacts] = {}
    since = add_years(on, -PENALTY_LOOKBACK_YEARS)
    for org_id, kind, decided_on in (queries.penalties(since=since, until=on).filter(organization_id__in=ids)
                                     .order_by("decided_on").values_list("organization_id", "kind", "decided_on")):
        found.setdefault(org_id, CreditFacts()).penalties.append(
            {"decided_on": decided_on.isoformat(), "kind": str(PenaltyKind(kind).label)})
    for org_id, code, decided_on in (queries.active_entries(on=on).filter(organization_id__in=ids)
                                     .order_by("decided_on").values_list("organization_id", "list", "decided_on")):
        found.setdefault(org_id, CreditFacts()).listings.append(
            {"list": str(CreditList(code).label), "code": code, "since": decided_on.isoformat()})
    return found
