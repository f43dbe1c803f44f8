"""The published proof of a draw (socorg-draw-v1): everything a third party needs to re-run it, and nothing
personal beyond each inspector's name and unit. `socorg verify-draw` and inspections.draw.verify_proof check it."""

from .draw import ALGORITHM
from .models import InspectionPlan


def _share_text(plan: InspectionPlan) -> str | None:
    return None if plan.share is None else format(plan.share.normalize(), "f")


def build_proof(plan: InspectionPlan) -> dict:
    """The proof of a drawn plan, fields in the documented order."""
    inspectors = list(plan.inspectors.order_by("code"))
    selections = plan.selections.order_by("position").values_list("uscc", "key", "inspector_codes")
    return {
        "algorithm": ALGORITHM,
        "plan_uid": plan.plan_uid,
        "pool": plan.pool.as_list(),
        "pool_sha256": plan.pool_sha256,
        "committed_at": plan.committed_at.isoformat() if plan.committed_at else None,
        "public_value": plan.public_value,
        "seed": plan.seed,
        "n": plan.n,
        "per_org": plan.per_org,
        "share": _share_text(plan),
        "count": plan.count,
        "max_per_inspector": plan.max_per_inspector,
        "drawn_at": plan.drawn_at.isoformat() if plan.drawn_at else None,
        "inspectors": [{"id": i.code, "name": i.name, "unit": i.unit, "excluded_for": list(i.excluded_for)}
                       for i in inspectors],
        "selected": [{"uscc": uscc, "key": key, "inspectors": list(codes)} for uscc, key, codes in selections],
    }
