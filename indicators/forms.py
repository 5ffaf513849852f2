"""The analysts' forms: a year's definition of an indicator, checking results, importing history
and publishing a year."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import TABLE, UploadField
from indicators.models import IndicatorVersion


class VersionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description (analysis support)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the indicator measures, why it matters and how to read it."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=IndicatorVersion.Kind.choices)
    part_code = forms.CharField(
        label=_("Part of the questionnaire"), max_length=50, help_text=_("The part's code, e.g. vinr.")
    )
    rule = forms.CharField(
        label=_("Rule"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "font-monospace", "spellcheck": "false"}),
        help_text=_(
            "An expression over the question codes, e.g. ${skola_rutin} = 'ja' or "
            "selected(${overensk}, 'polis'). It is checked against the year's questionnaire. "
            "Empty only for a year with imported history alone."
        ),
    )
    rule_text = forms.CharField(label=_("The rule in words"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    aggregation = forms.ChoiceField(label=_("Aggregation"), choices=IndicatorVersion.Aggregation.choices)
    desired_direction = forms.ChoiceField(
        label=_("Desired direction"), required=False, choices=IndicatorVersion.Direction.choices
    )
    comparability_note = forms.CharField(
        label=_("Comparability note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for a year whose definition changed, e.g. how the change affects comparisons over time."),
    )

    confidential_below = forms.IntegerField(
        label=_("Confidentiality threshold"),
        min_value=0,
        max_value=1000,
        help_text=_(
            'Counts of persons from 1 up to below this number are published as ".." (confidential), in the '
            "file, the pages and the API; 0 never masks. Aggregates are computed from the true values."
        ),
    )

    def __init__(self, *args: object, read_only: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if read_only:
            for field in self.fields.values():
                field.disabled = True


class FlagForm(forms.Form):
    """A unit's flag of one preliminary value; the field names match the page's per-indicator form."""

    indicator = forms.CharField(max_length=20)
    comment = forms.CharField(
        label=_("What is wrong with the value?"),
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"required": _("Write what is wrong with the value.")},
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Outcome, shown to the unit"),
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"required": _("Write the outcome; it is shown to the unit.")},
    )


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
    confirmed = forms.BooleanField(
        label=_("I have read the warnings above and publish anyway"),
        required=False,
        help_text=_("Your confirmation is kept with the publication in the audit trail."),
    )
