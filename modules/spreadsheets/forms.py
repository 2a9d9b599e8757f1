from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ExcelLayout, ImportJob
from .reader import SUPPORTED_EXTENSIONS
from .selectors import layouts_for_kind


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file"),
        help_text=_("xlsx, xlsm, xls, ods or csv (UTF-8 or CP949), at most 20 MB and 200,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUPPORTED_EXTENSIONS)}),
    )
    layout = forms.ModelChoiceField(
        label=_("Excel layout"),
        queryset=ExcelLayout.objects.none(),
        required=False,
        empty_label=_("Default layout"),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["layout"].queryset = layouts_for_kind(kind)


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(choices=ImportJob.Mode.choices)


class ExportReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for downloading personal data"),
        max_length=500,
        min_length=2,
        help_text=_("Recorded in the personal data download log with your name, the time and your address."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
