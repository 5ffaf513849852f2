from django import forms
from django.utils.translation import gettext_lazy as _


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
