from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanStatus(models.TextChoices):
    """draft → committed (pool frozen, hash published) → drawn → closed (results published); cancelled from draft or
    committed, with a reason, and still shown."""

    DRAFT = "draft", pgettext_lazy("inspection plan status", "Draft")
    COMMITTED = "committed", pgettext_lazy("inspection plan status", "Pool committed")
    DRAWN = "drawn", pgettext_lazy("inspection plan status", "Drawn")
    CLOSED = "closed", pgettext_lazy("inspection plan status", "Closed and published")
    CANCELLED = "cancelled", pgettext_lazy("inspection plan status", "Cancelled")


class InspectionResult(models.TextChoices):
    QUALIFIED = "qualified", pgettext_lazy("inspection result", "Qualified")
    RECTIFY = "rectify", pgettext_lazy("inspection result", "Ordered to rectify")
    REFER_PENALTY = "refer_penalty", pgettext_lazy("inspection result", "Referred for penalty")


class ItemState(models.TextChoices):
    CONFORMS = "conforms", _("Conforms")
    PROBLEM = "problem", _("Problem found")
    NOT_APPLICABLE = "not_applicable", pgettext_lazy("inspection item", "Not applicable")


# The inspection items a plan may check (检查事项). Party-building items are always part of a plan's checklist.
PARTY_BUILDING_ITEMS = (
    ("party_standalone_branch", _("Party building: a standalone branch where there are at least 3 full members")),
    ("party_organizational_life", _("Party building: organizational life (三会一课) held")),
    ("party_instructor", _("Party building: an instructor or liaison where there is no party organization")),
)
OTHER_ITEMS = (
    ("registration_matters", _("Registration matters: name, address, legal representative as registered")),
    ("charter_compliance", _("Activities within the charter and the registered scope")),
    ("governance", _("Governance: assemblies, council meetings and re-elections on time")),
    ("finances", _("Finances and assets, charitable spending")),
    ("annual_report", _("Annual work report filed and truthful")),
    ("information_disclosure", _("Information disclosure")),
)
ITEMS = (*PARTY_BUILDING_ITEMS, *OTHER_ITEMS)
PARTY_BUILDING_CODES = tuple(code for code, _label in PARTY_BUILDING_ITEMS)
ITEM_LABELS = dict(ITEMS)
