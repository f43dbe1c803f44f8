"""Complaint figures: by region, category, outcome and timeliness, over the complaints received in a period.

One definition per figure (FIGURES: a Q over Complaint), shared by the counts and by the list of complaints behind
each number (`complaints_behind`, and the list page's `figure` filter), so a number and its list always agree."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socorg.core.crypto import blind_index
from socorg.core.scope import in_subtree
from socorg.regions.models import Region

from . import rules
from .choices import AWAITING_ACCEPTANCE, CLOSED, IN_PROGRESS, Category, Outcome, Status
from .models import Complaint


def overdue_q(today: datetime.date) -> Q:
    """Past a deadline today: not yet decided after the acceptance deadline, or accepted and not concluded after
    the conclusion deadline."""
    return (Q(status__in=AWAITING_ACCEPTANCE, accept_due_on__lt=today)
            | Q(status__in=IN_PROGRESS, conclude_due_on__lt=today))


def figure_conditions(today: datetime.date) -> dict[str, Q]:
    return {
        "received": Q(),
        "awaiting": Q(status__in=AWAITING_ACCEPTANCE),
        "not_accepted": ~Q(not_accepted_reasons=""),
        "in_progress": Q(status__in=IN_PROGRESS),
        "founded": Q(outcome=Outcome.FOUNDED),
        "unfounded": Q(outcome=Outcome.UNFOUNDED),
        "replied": Q(status=Status.REPLIED),
        "accepted_late": Q(accepted_on__isnull=False, accepted_late=True),
        "concluded_late": Q(concluded_on__isnull=False, concluded_late=True),
        "concluded_on_time": Q(concluded_on__isnull=False, concluded_late=False),
        "overdue": overdue_q(today),
        "escalated": Q(escalated_to__isnull=False),
        "unknown_org": Q(organization_unknown=True),
    }


FIGURE_LABELS = {
    "received": _("received"), "awaiting": _("awaiting acceptance"), "not_accepted": _("not accepted"),
    "in_progress": _("under investigation"), "founded": _("founded"), "unfounded": _("unfounded"),
    "replied": _("replied"), "accepted_late": _("acceptance late"), "concluded_late": _("concluded late"),
    "concluded_on_time": _("concluded on time"), "overdue": _("overdue now"), "escalated": _("escalated"),
    "unknown_org": _("organization not in the registry"),
}
FIGURES = tuple(FIGURE_LABELS)
# The columns of the region and category tables.
TABLE_FIGURES = ("received", "not_accepted", "in_progress", "founded", "unfounded", "concluded_on_time",
                 "concluded_late", "overdue")


def period_q(year: int | None) -> Q:
    return Q(received_on__year=year) if year else Q()


def scoped(user, region: Region, year: int | None):
    """The complaints of the period under the region that `user` may see (None: the command, everything)."""
    complaints = Complaint.objects.filter(in_subtree("region__code", region.scope_prefix)).filter(period_q(year))
    if user is not None:
        complaints = complaints & Complaint.objects.visible_to(user, "view")
    return complaints


def _aggregates(today):
    # Named apart from the model's fields (accepted_late, concluded_late …): an annotation may not shadow a column.
    return {f"n_{name}": Count("pk", filter=condition) for name, condition in figure_conditions(today).items()}


def _counts(row: dict) -> dict:
    return {key[2:]: value for key, value in row.items() if key.startswith("n_")}


@dataclass
class ComplaintFigures:
    region: Region
    year: int | None
    totals: dict
    by_category: list
    by_region: list

    def as_json(self) -> dict:
        return {"region": self.region.code, "year": self.year, **self.totals,
                "by_category": [{"category": c, **counts} for c, _label, counts in self.by_category],
                "by_region": [{"region": r.code, "name": r.name, "direct": direct, **counts}
                              for r, direct, counts in self.by_region]}


def complaint_totals(*, region: Region, year: int | None, user=None, today: datetime.date | None = None) -> dict:
    """The totals of complaint_figures alone (the list page's panel): one aggregate query."""
    return _counts(scoped(user, region, year).aggregate(**_aggregates(today or timezone.localdate())))


def complaint_figures(*, region: Region, year: int | None, user=None,
                      today: datetime.date | None = None) -> ComplaintFigures:
    """Totals, one row per category, and one row per child region (plus the region's own level, 本级), from three
    aggregate queries."""
    today = today or timezone.localdate()
    complaints = scoped(user, region, year)
    aggregates = _aggregates(today)
    totals = complaint_totals(region=region, year=year, user=user, today=today)
    per_category = {row["category"]: _counts(row) for row in complaints.order_by().values("category")
                    .annotate(**aggregates)}
    by_category = [(value, label, per_category[value]) for value, label in Category.choices if value in per_category]
    per_code: dict[str, dict] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for row in complaints.order_by().values("region_id").annotate(**aggregates):
        code = row["region_id"]
        for key, value in _counts(row).items():
            per_code[code][key] += value
    children = list(region.children.order_by("code")) if region.level != "county" else []
    by_prefix = {child.scope_prefix: child for child in children}
    lengths = sorted({len(prefix) for prefix in by_prefix}, reverse=True)
    direct = dict.fromkeys(FIGURES, 0)
    per_child: dict[str, dict] = {}
    for code, counts in per_code.items():
        child = next((by_prefix[code[:n]] for n in lengths if code[:n] in by_prefix), None)
        target = direct if child is None or code == region.code else per_child.setdefault(
            child.code, dict.fromkeys(FIGURES, 0))
        for key, value in counts.items():
            target[key] += value
    rows = [(region, True, direct)] if any(direct.values()) else []
    rows += [(child, False, per_child[child.code]) for child in children if child.code in per_child]
    return ComplaintFigures(region=region, year=year, totals=totals, by_category=by_category, by_region=rows)


def complaints_behind(*, figure: str, region: Region, year: int | None, user=None, category: str = "",
                      direct: bool = False, today: datetime.date | None = None):
    """The complaints one number counts (the same condition as complaint_figures); `direct` keeps the region's own
    level only (the 本级 row)."""
    today = today or timezone.localdate()
    conditions = figure_conditions(today)
    if figure not in conditions:
        raise ValueError(figure)
    complaints = scoped(user, region, year).filter(conditions[figure])
    if category:
        complaints = complaints.filter(category=category)
    if direct:
        complaints = complaints.filter(region=region)
    return complaints


def complaint_status_public(receipt_no: str, code: str) -> dict | None:
    """What the complainant may read on the public status page, given the receipt number and the status code
    (None when either is wrong: the same answer for an unknown number and a wrong code). No names, no contacts,
    no internal notes: the status, the dates, the reasons for not accepting and the reply."""
    receipt_no, code = rules.normalize_code(receipt_no), rules.normalize_code(code)
    if not receipt_no or not code:
        return None
    complaint = Complaint.objects.filter(receipt_no=receipt_no).first()
    candidate = blind_index(receipt_no + ":" + code)
    if complaint is None or not rules.codes_match(complaint.lookup_code_hash, candidate):
        return None
    answer = {"receipt_no": complaint.receipt_no, "status": complaint.status,
              "status_label": str(complaint.get_status_display()), "received_on": complaint.received_on,
              "accept_due_on": complaint.accept_due_on, "accepted_on": complaint.accepted_on,
              "closed": complaint.status in CLOSED}
    if complaint.status == Status.NOT_ACCEPTED or (complaint.status == Status.REPLIED
                                                   and complaint.not_accepted_reasons):
        answer["not_accepted_reasons"] = complaint.not_accepted_reasons
    if complaint.status == Status.REPLIED:
        answer["replied_on"], answer["reply"] = complaint.replied_on, complaint.reply
    return answer


def investigators(region: Region):
    """Active accounts holding complaints.change over `region` (through a grant on it or a region above)."""
    from socorg.accounts.models import User
    from socorg.accounts.roles import ROLE_CAPABILITIES

    roles = [role for role, capabilities in ROLE_CAPABILITIES.items() if "complaints.change" in capabilities]
    codes, current = [], region
    while current is not None:
        codes.append(current.code)
        current = current.parent
    codes.append("100000")
    return (User.objects.filter(is_active=True, grants__role__in=roles, grants__region_id__in=codes,
                                grants__responsible_body__isnull=True).distinct().order_by("username"))
