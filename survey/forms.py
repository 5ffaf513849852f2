from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import EmailAddressField
from core.audit import EVENT_LABELS
from core.numbers import whole_number
from core.uploads import TABLE, UploadField
from survey.models import Contact, County, ReportingUnit
from survey.selectors.reminders import ReminderStatus
from survey.xlsform.parser import QUESTIONNAIRE


def _year_field(label: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=settings.FIRST_SURVEY_YEAR,
        max_value=timezone.localdate().year + 5,
        initial=timezone.localdate().year,
    )


class UnitCreateForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^\d{4}(-\d{2})?$",
        help_text=_("Four digits for a municipality; the municipality's code, a hyphen and two digits for a district."),
        error_messages={"invalid": _("Enter a code such as 0114 or 0180-18.")},
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportingUnit.Kind.choices)
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.all(), required=False)
    parent = forms.ModelChoiceField(
        label=_("Municipality (for a district)"),
        queryset=ReportingUnit.objects.filter(kind=ReportingUnit.Kind.MUNICIPALITY),
        required=False,
    )
    organisation_type = forms.CharField(label=_("Type of organisation"), max_length=100, required=False)
    first_year = _year_field(_("Reports from year"), _("The first survey year the unit answers."))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == ReportingUnit.Kind.MUNICIPALITY and not data.get("county"):
            self.add_error("county", _("Choose the county of the municipality."))
        if data.get("kind") and data["kind"] != ReportingUnit.Kind.MUNICIPALITY and not data.get("parent"):
            self.add_error("parent", _("Choose the municipality the district belongs to."))
        return data


class UnitRetireForm(forms.Form):
    first_year_without = _year_field(
        _("No longer reports from year"), _("The first survey year in which the unit does not answer.")
    )
    successor = forms.ModelChoiceField(
        label=_("Successor (optional)"), queryset=ReportingUnit.objects.all(), required=False
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason, shown to the respondents"), max_length=1000)
    # Needed once the unit's deadline has passed (survey.services.reopen_part).
    until = forms.DateTimeField(
        label=_("New closing time"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class ExtensionForm(forms.Form):
    until = forms.DateTimeField(
        label=_("New closing time"),
        help_text=_("For example 2025-03-31 23:59."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Shown to the unit's respondents and sent to its contact persons by e-mail with the new deadline."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionnaireUploadForm(forms.Form):
    year = forms.IntegerField(label=_("Survey year"), min_value=2016, max_value=2100)
    file = UploadField(
        kind=QUESTIONNAIRE,
        label=_("XLSForm file"),
        help_text=_("An .xlsx file or XLSForm's markdown form (.md), at most 2 MB."),
    )


class AnswerImportForm(forms.Form):
    file = UploadField(
        kind=TABLE,
        label=_("File with answers"),
        help_text=_("CSV or XLSX with the columns unit_code, question_code, value and, if you like, submitted_at."),
    )
    dry_run = forms.BooleanField(label=_("Only check the file (dry run)"), required=False, initial=True)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = EmailAddressField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
        error_messages={"invalid": _("Enter an e-mail address such as anna.lind@kommun.se.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=Contact.Role.choices, initial=Contact.Role.RESPONSIBLE)


class ContactImportForm(forms.Form):
    file = UploadField(
        kind=TABLE,
        label=_("File with contact persons"),
        help_text=_(
            "CSV (also Swedish Excel's, with semicolons) or XLSX with the columns unit_code, name, email and, "
            "if you like, role (responsible or co_respondent)."
        ),
    )
    dry_run = forms.BooleanField(label=_("Only check the file (dry run)"), required=False, initial=True)


class ReminderForm(forms.Form):
    status = forms.ChoiceField(label=_("Units"), choices=ReminderStatus.choices)
    part = forms.ChoiceField(label=_("Part (for “a given part not submitted”)"), required=False)
    note = forms.CharField(
        label=_("Your own words in the e-mail (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, parts: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.parts = {part.code: part for part in parts}
        self.fields["part"].choices = [("", "—")] + [(part.code, part.label) for part in parts]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("status") == ReminderStatus.PART_NOT_SUBMITTED and not data.get("part"):
            self.add_error("part", _("Choose the part."))
        data["part_obj"] = self.parts.get(data.get("part") or "")
        return data


class ReminderDaysForm(forms.Form):
    reminder_days = forms.CharField(
        label=_("Reminder days before the deadline"),
        required=False,
        help_text=_("Whole days, separated by commas, e.g. 14, 7, 2. Leave empty for no scheduled reminders."),
    )

    def clean_reminder_days(self) -> list[int]:
        text = self.cleaned_data["reminder_days"].replace(";", ",")
        days = set()
        for word in filter(None, (w.strip() for w in text.split(","))):
            day = whole_number(word)
            if day is None or not 1 <= day <= 90:
                raise forms.ValidationError(_("“%(word)s” is not a number of days from 1 to 90.") % {"word": word})
            days.add(day)
        return sorted(days, reverse=True)


class AuditLogFilterForm(forms.Form):
    """Filters of the audit log (survey:audit-log); every field may be left empty."""

    code = forms.ChoiceField(
        label=_("Kind of event"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    unit = forms.CharField(
        label=_("Unit (code or name)"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip
    date_from = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    date_to = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        kinds = sorted(((code, str(label)) for code, label in EVENT_LABELS.items()), key=lambda kind: kind[1])
        self.fields["code"].choices = [("", _("All kinds"))] + kinds
