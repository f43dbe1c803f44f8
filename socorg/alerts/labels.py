"""What the early-warning pages show instead of codes: evidence keys, parameter values and resolution reasons in the
user's language."""

from django.utils.translation import gettext_lazy

from .periods import period_label

EVIDENCE_LABELS = {
    "period": gettext_lazy("period"),
    "period_start": gettext_lazy("period from"),
    "period_end": gettext_lazy("period until"),
    "held": gettext_lazy("held"),
    "required": gettext_lazy("required at least"),
    "last_held_on": gettext_lazy("last held on"),
    "full_members": gettext_lazy("full party members"),
    "min_full_members": gettext_lazy("full members that oblige a party organization"),
    "vacant_since": gettext_lazy("vacant since"),
    "months": gettext_lazy("months"),
    "term_started_on": gettext_lazy("current term started on"),
    "term_years": gettext_lazy("term (years)"),
    "term_ends_on": gettext_lazy("term ends on"),
    "organizations": gettext_lazy("covered organizations"),
    "max_orgs": gettext_lazy("at most organizations"),
    "members": gettext_lazy("members"),
    "max_members": gettext_lazy("at most members"),
    "registered_on": gettext_lazy("registration date"),
    "count": gettext_lazy("number"),
    "without_life": gettext_lazy("without organizational life"),
    "without_dues": gettext_lazy("without dues paid"),
}
RESOLUTION_LABELS = {"rectification accepted": gettext_lazy("rectification accepted")}


def evidence_rows(evidence: dict) -> list[tuple[str, object]]:
    """(label, value) of an alert's evidence, in the rule's order; a key without a label is left out."""
    rows = []
    for key, value in (evidence or {}).items():
        if key in EVIDENCE_LABELS:
            if key == "period":
                value = period_label(value)
            elif key == "members" and isinstance(value, list):  # member_lapse: member numbers, never names
                value = "、".join(f"#{m['member']}" for m in value)
            rows.append((str(EVIDENCE_LABELS[key]), value))
    return rows


def resolution_text(reason: str) -> str:
    return str(RESOLUTION_LABELS.get(reason, reason))
