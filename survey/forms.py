from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import EmailAddressField
from core.audit import EVENT_LABELS
from core.numbers import whole_number
from core.uploads import TABLE, UploadField
from survey.models import Contact, County, ReportingUnit, SurveyRound
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


class RoundCreateForm(forms.Form):
    """The round of a year: its fielding period in days and its questionnaire as the starting point."""

    year = _year_field(_("Survey year"), "")
    opens_on = forms.DateField(
        label=_("Opens"), help_text=_("At 00:00 of this day."), widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=_("Closes"), help_text=_("At 23:59 of this day."), widget=forms.DateInput(attrs={"type": "date"})
    )
    copy_from = forms.TypedChoiceField(
        label=_("Copy the questionnaire of"), coerce=int, required=False, empty_value=None
    )
    file = UploadField(
        kind=QUESTIONNAIRE,
        label=_("or load it from an XLSForm file"),
        help_text=_("An .xlsx file or XLSForm's markdown form (.md), at most 2 MB."),
        required=False,
    )

    def __init__(self, *args: object, years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].choices = [("", "—")] + [(year, str(year)) for year in years]
        self.fields["year"].help_text = ""
        if years:
            self.fields["copy_from"].initial = years[0]
            self.fields["year"].initial = years[0] + 1

    def clean(self) -> dict:
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The closing day must not be before the opening day."))
        if data.get("file") and data.get("copy_from"):
            self.add_error("file", _("Either copy a questionnaire or load a file, not both."))
        elif not data.get("file") and not data.get("copy_from") and not self.errors.get("file"):
            self.add_error("copy_from", _("Choose a questionnaire to copy, or load a file."))
        return data


def _minute(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(second=0, microsecond=0)


class RoundTimesForm(forms.Form):
    """A round's opening and closing time, to the minute. A closing time such as 23:59 means the end
    of that minute; a time left as shown keeps its exact value (e.g. a round closed with *Stäng nu*)."""

    opens_at = forms.DateTimeField(label=_("Opens"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        help_text=_("The round closes at the end of this minute, e.g. 23:59."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, survey_round: SurveyRound, **kwargs: object) -> None:
        self.survey_round = survey_round
        initial = {
            "opens_at": _minute(survey_round.opens_at).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": _minute(survey_round.closes_at).strftime("%Y-%m-%dT%H:%M"),
        }
        super().__init__(*args, initial=initial, **kwargs)

    def clean_opens_at(self) -> datetime:
        opens_at = self.cleaned_data["opens_at"].replace(second=0, microsecond=0)
        return self.survey_round.opens_at if opens_at == _minute(self.survey_round.opens_at) else opens_at

    def clean_closes_at(self) -> datetime:
        closes_at = self.cleaned_data["closes_at"].replace(second=0, microsecond=0)
        if closes_at == _minute(self.survey_round.closes_at):
            return self.survey_round.closes_at
        return closes_at + timedelta(seconds=59)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The round must close after it opens."))
        return data


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
