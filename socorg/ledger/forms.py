from django import forms
from django.utils.translation import gettext_lazy as _

from socorg.core.forms import RefuseControlCharactersMixin

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(RefuseControlCharactersMixin, forms.Form):
    file = forms.FileField(label=_("Ledger workbook (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook ending in .xlsx (got “%(name)s”).")
                                        % {"name": upload.name})
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(max)d MB; split the ledger into several "
                                          "workbooks.") % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload
