"""Forms of the public site: the search, the complaint (with an offline captcha) and the status look-up. The
complaint service (socorg.complaints.services.complaint_receive) validates and writes."""

from captcha.fields import CaptchaField
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from socorg.core.forms import RefuseControlCharactersMixin, ServiceErrorsMixin

from .queries import QUERY_MAX


class StyledMixin:
    """Bootstrap classes on every widget (the public layout renders fields itself)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class SearchForm(RefuseControlCharactersMixin, forms.Form):
    q = forms.CharField(label=_("Name, pinyin or unified social credit code"), required=False, max_length=QUERY_MAX,
                        error_messages={"max_length": _("Type at most %(limit_value)d characters.")})


def complaint_categories():
    from socorg.complaints.choices import Category

    return Category.choices


class ComplaintForm(StyledMixin, RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    category = forms.ChoiceField(label=_("What the complaint is about"), choices=())
    organization_uscc = forms.CharField(label=_("Unified social credit code of the organization"), required=False,
                                        max_length=18)
    organization_name = forms.CharField(label=_("Name of the organization"), required=False, max_length=200)
    region = forms.CharField(label=_("Region code (if the organization is not registered)"), required=False,
                             max_length=6, help_text=_("Six digits, e.g. 530102; needed only when the organization "
                                                       "cannot be found by its code."))
    description = forms.CharField(label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    anonymous = forms.BooleanField(label=_("Complain anonymously"), required=False)
    complainant_name = forms.CharField(label=_("Your name"), required=False, max_length=64)
    complainant_phone = forms.CharField(label=_("Your phone"), required=False, max_length=20)
    complainant_contact = forms.CharField(label=_("Other contact (address or e-mail)"), required=False,
                                          max_length=200)
    attachment = forms.FileField(label=_("Evidence (optional)"), required=False,
                                 help_text=_("One PDF, picture, Word or Excel file, at most 10 MB."))
    captcha = CaptchaField(label=_("Verification: the result of the sum in the picture"),
                           error_messages={"invalid": _("The verification answer is wrong; try the new picture.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", gettext("Choose…")), *complaint_categories()]


class StatusForm(StyledMixin, RefuseControlCharactersMixin, forms.Form):
    receipt_no = forms.CharField(label=_("Receipt number"), max_length=32)
    code = forms.CharField(label=_("Status code"), max_length=32)
