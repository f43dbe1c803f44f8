from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "socorg.inspections"
    label = "inspections"
    verbose_name = _("Random inspections")

    def ready(self):
        # The audit log shows this app's actions, summary keys and stored codes in words.
        from socorg.core import audit_labels

        from .choices import ITEM_LABELS, ItemState

        audit_labels.ACTION_LABELS.update({
            "inspections.inspector.mark": _("account put on the inspector roster"),
            "inspections.inspector.unmark": _("account taken off the inspector roster"),
            "inspections.plan.create": _("inspection plan created"),
            "inspections.plan.commit": _("inspection pool committed"),
            "inspections.plan.draw": _("inspection draw made"),
            "inspections.plan.cancel": _("inspection plan cancelled"),
            "inspections.plan.close": _("inspection plan closed and published"),
            "inspections.conflict.declare": _("inspector conflict declared"),
            "inspections.inspection.record": _("inspection recorded"),
            "inspections.inspection.rectified": _("rectification after inspection recorded"),
        })
        audit_labels.EXTRA_KEY_LABELS.update({
            **ITEM_LABELS,
            "selected": _("organizations selected"),
            "inspectors_present": _("inspectors present"),
            "documents": _("documents"),
            "inspector": _("inspector"),
            "uscc": _("unified social credit code"),
            "reason": _("reason"),
        })
        audit_labels.VALUE_LABELS.update({**ITEM_LABELS, **dict(ItemState.choices)})
