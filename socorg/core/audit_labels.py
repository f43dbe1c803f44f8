"""Audit entries as people read them: the action and the changed fields in the user's language, never the codes
stored in the log (`registry.org.update`, `phone_changed`, `social_group`). Used by the audit log page and by every
page that shows an object's change history."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACTION_LABELS = {
    "registry.org.register": gettext_lazy("organization registered"),
    "registry.org.create": gettext_lazy("organization registered"),
    "registry.org.update": gettext_lazy("organization changed"),
    "registry.org.deregister": gettext_lazy("organization deregistered"),
    "registry.org.revoke": gettext_lazy("registration revoked"),
    "registry.org.delete": gettext_lazy("organization deleted"),
    "party.org.create": gettext_lazy("party organization founded"),
    "party.org.update": gettext_lazy("party organization changed"),
    "party.org.dissolve": gettext_lazy("party organization dissolved"),
    "party.coverage.add": gettext_lazy("coverage of an organization started"),
    "party.coverage.end": gettext_lazy("coverage of an organization ended"),
    "party.member.add": gettext_lazy("party member added"),
    "party.member.update": gettext_lazy("party member changed"),
    "party.member.leave": gettext_lazy("party member left"),
    "party.member.reveal": gettext_lazy("ID number or phone revealed"),
    "party.member.dues": gettext_lazy("party dues recorded"),
    "party.instructor.create": gettext_lazy("instructor added"),
    "party.instructor.update": gettext_lazy("instructor changed"),
    "party.instructor.leave": gettext_lazy("instructor left the post"),
    "party.assignment.add": gettext_lazy("instructor assigned to an organization"),
    "party.assignment.end": gettext_lazy("instructor assignment ended"),
    "activity.create": gettext_lazy("activity recorded"),
    "activity.update": gettext_lazy("activity changed"),
    "activity.delete": gettext_lazy("activity deleted"),
    "activity.import": gettext_lazy("activity imported"),
    "activity.import_update": gettext_lazy("activity updated by an import"),
    "activity.attendance": gettext_lazy("attendance recorded"),
    "activity.attachment_add": gettext_lazy("attachment added"),
    "activity.attachment_remove": gettext_lazy("attachment removed"),
    "alert.assign": gettext_lazy("alert assigned"),
    "alert.submit": gettext_lazy("rectification submitted"),
    "alert.accept": gettext_lazy("rectification accepted"),
    "alert.return": gettext_lazy("rectification returned"),
    "alert.escalate": gettext_lazy("alert escalated"),
    "alerts.scan": gettext_lazy("alert scan run"),
    "alerts.rule_setting": gettext_lazy("alert rule settings changed"),
    "coverage.snapshot": gettext_lazy("coverage snapshot taken"),
    "ledger.import": gettext_lazy("ledger imported"),
    "ledger.export": gettext_lazy("ledger exported"),
    "reports.report.save": gettext_lazy("annual report saved"),
    "reports.report.submit": gettext_lazy("annual report submitted"),
    "reports.report.return": gettext_lazy("annual report returned"),
    "reports.report.review": gettext_lazy("annual report reviewed"),
    "reports.report.import": gettext_lazy("annual report imported"),
    "reports.report.import_update": gettext_lazy("annual report updated by an import"),
    "accounts.login": gettext_lazy("signed in"),
    "accounts.logout": gettext_lazy("signed out"),
    "accounts.login.failed": gettext_lazy("sign-in failed"),
    "accounts.login.locked": gettext_lazy("account locked after failed sign-ins"),
    "accounts.login.unlock": gettext_lazy("account unlocked"),
    "accounts.user.add": gettext_lazy("account created"),
    "accounts.user.activate": gettext_lazy("account activated"),
    "accounts.user.deactivate": gettext_lazy("account deactivated"),
    "accounts.grant.add": gettext_lazy("role granted"),
    "accounts.grant.remove": gettext_lazy("role revoked"),
    "accounts.password.set": gettext_lazy("password set"),
    "accounts.token.create": gettext_lazy("API token created"),
    "demo.load": gettext_lazy("demo data loaded"),
    "demo.activities": gettext_lazy("demo activities loaded"),
}

# Keys of before/after that are no model field: markers and summaries written by the services.
EXTRA_KEY_LABELS = {
    "phone_set": gettext_lazy("phone recorded"),
    "phone_changed": gettext_lazy("phone changed"),
    "id_number_set": gettext_lazy("ID number recorded"),
    "id_number_changed": gettext_lazy("ID number changed"),
    "note": gettext_lazy("note"),
    "organizations": gettext_lazy("covered social organizations"),
    "region_prefix": gettext_lazy("region"),
    "opened": gettext_lazy("alerts opened"),
    "resolved": gettext_lazy("alerts resolved"),
    "unchanged": gettext_lazy("alerts unchanged"),
    "escalated": gettext_lazy("alerts escalated"),
    "file": gettext_lazy("file"),
    "size": gettext_lazy("size (bytes)"),
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("updated"),
    "rows": gettext_lazy("rows"),
    "role": gettext_lazy("role"),
    "region": gettext_lazy("region"),
}

# Stored text values that are codes of another app (registered from its AppConfig.ready()).
VALUE_LABELS: dict[str, object] = {}


def actor_label(entry) -> str:
    """Who acted: the account's name, or "the system" for scheduled work recorded without an account."""
    if entry.actor_id is None and entry.actor_name in ("", "system"):
        return _("the system")
    return entry.actor_name


def action_label(action: str, object_type: str = "") -> str:
    """The action in words; an action without a label says which kind of record changed."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    kind = object_type_label(object_type)
    return _("%(kind)s changed") % {"kind": kind} if kind else _("other change")


def _model(object_type: str):
    try:
        return apps.get_model(object_type) if "." in (object_type or "") else None
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else ""


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def key_label(model, key: str) -> str:
    if key in EXTRA_KEY_LABELS:
        return str(EXTRA_KEY_LABELS[key])
    field = _field(model, key)
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    return _("other detail")


def value_text(model, key: str, value) -> str:
    """Choice values as their labels, booleans as 是/否, lists joined; everything else as stored."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return "、".join(value_text(model, key, item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{key_label(model, k)}：{value_text(model, k, v)}" for k, v in value.items())
    field = _field(model, key)
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    return str(VALUE_LABELS.get(value, value)) if isinstance(value, str) else str(value)


def changes(entry) -> list[tuple[str, str, str]]:
    """(label, before, after) for each key of the entry, in the user's language."""
    model = _model(entry.object_type)
    before, after = entry.before or {}, entry.after or {}
    return [(key_label(model, key), value_text(model, key, before.get(key)), value_text(model, key, after.get(key)))
            for key in {**before, **after}]
