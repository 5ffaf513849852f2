"""Forms of the analyst's result pages: importing history and publishing a year."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import TABLE, UploadField


class HistoryImportForm(forms.Form):
    file = UploadField(
        kind=TABLE,
        label=_("File with results"),
        help_text=_("CSV or XLSX with the columns year, unit_code, indicator_code and value."),
    )
    dry_run = forms.BooleanField(label=_("Only check the file (dry run)"), required=False, initial=True)


class PublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a revision; shown in the public revision log."),
    )
