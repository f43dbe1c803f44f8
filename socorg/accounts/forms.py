from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _


class PasswordChangeForm(SetPasswordForm):
    """Old password + new password twice; validation by AUTH_PASSWORD_VALIDATORS."""

    old_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)
    field_order = ["old_password", "new_password1", "new_password2"]

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError(_("The current password is not correct."), code="password_incorrect")
        return old

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password1") and cleaned.get("new_password1") == cleaned.get("old_password"):
            self.add_error("new_password1", _("The new password must differ from the current one."))
        return cleaned
