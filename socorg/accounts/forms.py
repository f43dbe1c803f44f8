from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .roles import Role


def apply_service_error(form: forms.Form, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: each message under the field it names (renamed through
    `field_map` where the form calls it differently), anything else above the form."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = field_map.get(name, name)
        form.add_error(target if target in form.fields else None, [m for e in errors for m in e.messages])


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


class TwoPasswordsForm(forms.Form):
    """A password typed twice. The policy itself is checked by the service, which knows the account."""

    password1 = forms.CharField(label=_("Initial password"), strip=False, widget=forms.PasswordInput,
                                help_text=_("At least 8 characters mixing 3 of: lower-case letters, upper-case "
                                            "letters, digits, symbols. The user must change it at the first login."))
    password2 = forms.CharField(label=_("Initial password again"), strip=False, widget=forms.PasswordInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", _("The two passwords differ; type the same password twice."))
        return cleaned


class UserCreateForm(TwoPasswordsForm):
    username = forms.CharField(label=_("User name"), max_length=150,
                               help_text=_("Letters, digits and @ . + - _ only; used to log in."))
    display_name = forms.CharField(label=_("Display name"), max_length=64, required=False)
    field_order = ["username", "display_name", "password1", "password2"]


class PasswordResetForm(TwoPasswordsForm):
    pass


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    region = forms.CharField(label=_("Region code"), max_length=6,
                             validators=[RegexValidator(r"^\d{6}$", _("Enter a 6-digit region code such as 530102."))],
                             help_text=_("6-digit GB/T 2260 code: 100000 = the whole country, 530000 = Yunnan, "
                                         "530100 = Kunming, 530102 = Wuhua District."))


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("User name or display name"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("any"))] + list(Role.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("any")), ("active", _("active")), ("inactive", _("deactivated")), ("locked", _("locked")),
    ])


class FailureFilterForm(forms.Form):
    username = forms.CharField(label=_("User name"), required=False)


class OrgAccountsForm(forms.Form):
    organizations = forms.CharField(
        label=_("Organizations"), widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Unified social credit codes of the organizations, one per line (up to %(max)d). Each gets its "
                    "own account; the user name is the credit code.") % {"max": 500})

    def lines(self) -> list[str]:
        return self.cleaned_data["organizations"].splitlines()

    def clean_organizations(self):
        value = self.cleaned_data["organizations"]
        if len([line for line in value.splitlines() if line.strip()]) > 500:
            raise forms.ValidationError(_("At most %(max)d organizations at a time; split the list.") % {"max": 500})
        return value


class OtpCodeForm(forms.Form):
    """The code of the second sign-in step, or of the enrolment (what the authenticator app shows now)."""

    token = forms.CharField(label=_("Verification code"), max_length=32, strip=True,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text",
                                                          "autofocus": True}))
