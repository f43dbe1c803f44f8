from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "socorg.accounts"
    label = "accounts"
    verbose_name = _("Accounts and security")

    def ready(self):
        from socorg.core.audit_labels import ACTION_LABELS, EXTRA_KEY_LABELS, VALUE_LABELS

        from . import signals  # noqa: F401  (connects the audit receivers)

        # The audit page names these actions, details and values in words (never by their codes).
        ACTION_LABELS.update({
            "accounts.login.otp": _("second sign-in factor passed"),
            "accounts.login.otp_failed": _("second sign-in factor failed"),
            "accounts.otp.enrol": _("two-factor sign-in set up"),
            "accounts.otp.recovery_codes": _("new recovery codes made"),
            "accounts.otp.reset": _("two-factor sign-in reset"),
            "accounts.password.reset_admin": _("administrator password reset"),
            "accounts.token.revoke": _("API token revoked"),
        })
        # Generic keys and values may also be labelled by other apps: theirs are kept (setdefault).
        for key, label in {
            "method": _("factor"), "reason": _("reason"), "recovery_codes_left": _("recovery codes left"),
            "recovery_codes": _("recovery codes"), "device": _("factor"), "roles": _("administrator roles"),
            "by": _("by"),
        }.items():
            EXTRA_KEY_LABELS.setdefault(key, label)
        for value, label in {
            "totp": _("authenticator app code"), "recovery": _("recovery code"), "wrong_code": _("wrong code"),
            "throttled": _("too many attempts"),
        }.items():
            VALUE_LABELS.setdefault(value, label)
