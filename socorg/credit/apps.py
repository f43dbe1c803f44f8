from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "socorg.credit"
    label = "credit"
    verbose_name = _("Credit lists and penalties")

    def ready(self):
        from socorg.core.triggers import keep_counts_after_migrate

        keep_counts_after_migrate(self, "socorg.credit.triggers")
        # The audit log shows credit actions and stored reason codes in words.
        from socorg.core.audit_labels import ACTION_LABELS, VALUE_LABELS
        from socorg.reports.choices import Conclusion

        from .rules import REASONS

        ACTION_LABELS.update({
            "credit.entry.create": _("listed on a credit list"),
            "credit.entry.remove": _("removed from a credit list on application"),
            "credit.entry.restart": _("credit-list period restarted"),
            "credit.entry.stop": _("listing stopped by the supervising unit's statement"),
            "credit.entry.objection": _("removed from a credit list after an objection"),
            "credit.entry.escalate": _("moved to the serious violation and dishonesty list"),
            "credit.entry.expire": _("credit-list entry ended"),
            "credit.objection.record": _("objection recorded"),
            "credit.objection.answer": _("objection answered"),
            "credit.statement.record": _("supervising unit's statement recorded"),
            "credit.penalty.record": _("administrative penalty recorded"),
            "credit.letter.record": _("registered letter recorded"),
            "credit.letter.answered": _("registered letter answered"),
            "credit.fact.record": _("finding of another authority recorded"),
            "credit.reason.configure": _("listing reason settings changed"),
        })
        VALUE_LABELS.update({code: reason.title for code, reason in REASONS.items()})
        VALUE_LABELS.setdefault(Conclusion.UNQUALIFIED.value, Conclusion.UNQUALIFIED.label)
