from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "socorg.complaints"
    label = "complaints"
    verbose_name = _("Complaints and reports")

    def ready(self):
        from socorg.core.home import register_home_todos

        from .home import complaint_todos

        register_home_todos(complaint_todos)
        # The audit log's words for this app's actions and summary keys (core.audit_labels).
        from socorg.core.audit_labels import ACTION_LABELS, EXTRA_KEY_LABELS

        ACTION_LABELS.update({
            "complaints.complaint.receive": _("complaint received"),
            "complaints.complaint.accept": _("complaint accepted"),
            "complaints.complaint.not_accept": _("complaint not accepted"),
            "complaints.complaint.assign": _("complaint assigned"),
            "complaints.complaint.investigate": _("complaint investigated"),
            "complaints.complaint.conclude": _("complaint concluded"),
            "complaints.complaint.reply": _("complainant answered"),
            "complaints.complaint.escalate": _("complaint escalated"),
            "complaints.complaint.reveal": _("complainant's contact revealed"),
        })
        EXTRA_KEY_LABELS.update({
            "attachments": _("attachments"),
            "complainant_given": _("complainant's contact recorded"),
            "fields": _("fields read"),
        })
