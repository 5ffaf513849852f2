"""Indicators: definitions per year, unit values, aggregates, the units' own check and publication.

"No value" is NULL everywhere and never 0: a unit that did not submit the part, or whose value is
missing in imported history, has a row with `value` NULL (or no row) and counts in no denominator."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.calculation.aggregate import Figure
from survey.models import County, Group, ReportingUnit

# How a confidential value is published, as in Kolada and Socialstyrelsen's tables ("sekretess").
CONFIDENTIAL_MARK = ".."
# A key figure counts persons: counts 1–4 are confidential unless its definition says otherwise.
KEY_FIGURE_CONFIDENTIAL_BELOW = 5


class Indicator(models.Model):
    """An indicator or key figure with a stable public code (e.g. VINR08B); its definition is per year."""

    code = models.CharField(_("code"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class IndicatorVersion(models.Model):
    """An indicator's definition for one survey year."""

    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("Indicator")
        KEY_FIGURE = "nyckeltal", _("Key figure")

    class Aggregation(models.TextChoices):
        SHARE = "share", _("Share of units (%)")
        SUM = "sum", _("Sum")

    class Direction(models.TextChoices):
        UP = "up", _("Higher is better")
        DOWN = "down", _("Lower is better")
        NONE = "", _("No desired direction")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="versions")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, help_text=_(
        "Analysis support: what the indicator measures, why it matters and how to read it."
    ))  # fmt: skip
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INDICATOR)
    part_code = models.CharField(_("part"), max_length=50)
    # An expression of the questionnaire's language (survey/xlsform/expressions.py); empty for years
    # that exist only as imported history.
    rule = models.TextField(_("rule"), blank=True)
    rule_text = models.TextField(_("the rule in words"), blank=True)
    aggregation = models.CharField(_("aggregation"), max_length=10, choices=Aggregation.choices)
    desired_direction = models.CharField(
        _("desired direction"), max_length=10, choices=Direction.choices, blank=True, default=Direction.UP
    )
    comparability_note = models.TextField(_("comparability note"), blank=True)
    # A count of persons from 1 up to below this is published as ".." (sekretess): so few persons
    # could be recognised. 0: never masked (an indicator's 1/0, shares of units). Aggregates are
    # still computed from the true values.
    confidential_below = models.PositiveSmallIntegerField(
        _("confidentiality threshold"),
        default=0,
        help_text=_('Counts from 1 up to below this number are published as ".." (confidential). 0: never.'),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = _("indicator version")
        verbose_name_plural = _("indicator versions")
        ordering = ["year", "indicator__code"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="one_version_per_indicator_year")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}"

    def is_confidential(self, value: Decimal | None) -> bool:
        """Whether a published value (a unit's count or an area's sum) is shown as "..". Only a sum
        counts persons: a share counts units and is never confidential."""
        return (
            self.aggregation == self.Aggregation.SUM and value is not None and 0 < value < self.confidential_below
        )


class UnitResult(models.Model):
    """A unit's value of an indicator in a year: 1, 0 or NULL (no value) for an indicator, a
    number or NULL for a key figure. Computed from answers or imported from history."""

    class Source(models.TextChoices):
        COMPUTED = "computed", _("Computed from the answers")
        IMPORTED = "imported", _("Imported history")

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(ReportingUnit, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="unit_results")
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("unit result")
        verbose_name_plural = _("unit results")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "indicator"], name="one_result_per_unit_indicator_year")
        ]
        indexes = [models.Index(fields=["year", "indicator"])]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.indicator.code} {self.year}: {self.value}"


class AggregateResult(models.Model):
    """An indicator for a county, the country or a group in a year. For `share`: `numerator` is
    the number of units with 1 and `denominator` the number with a value; for `sum`: the sum
    and the number of units with a value. The exact value is numerator / denominator."""

    class Level(models.TextChoices):
        COUNTRY = "country", _("The country")
        COUNTY = "county", _("County")
        GROUP = "group", _("Group")

    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="aggregates")
    level = models.CharField(max_length=10, choices=Level.choices)
    county = models.ForeignKey(County, on_delete=models.CASCADE, null=True, blank=True)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, blank=True)
    aggregation = models.CharField(max_length=10, choices=IndicatorVersion.Aggregation.choices)
    numerator = models.DecimalField(max_digits=20, decimal_places=4)
    denominator = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "indicator", "level", "county", "group"],
                name="one_aggregate_per_area",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["year", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} {self.level}"

    @property
    def figure(self) -> Figure:
        return Figure(self.numerator, self.denominator, self.aggregation)

    @property
    def share(self) -> Decimal | None:
        """The exact percentage for `share`, None without units with a value."""
        return self.figure.exact if self.aggregation == IndicatorVersion.Aggregation.SHARE else None

    @property
    def display_value(self) -> Decimal | None:
        """A share as a whole percent rounded half up (12.5 → 13); a sum as it is."""
        return self.figure.display


class YearComputation(models.Model):
    """When a year's results were last computed from the answers (unit values and aggregates), even
    if no value changed: what the staff start page shows and what `setup_demo` compares with the
    answers to skip a year that is up to date."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    computed_at = models.DateTimeField(_("computed"))
    # What it was computed from (selectors/freshness.py, inputs_fingerprint): not a time, since
    # answers may carry the time they were given, earlier than the computation that missed them.
    inputs = models.CharField(max_length=400, blank=True, editable=False)

    def __str__(self) -> str:
        return f"{self.year} {self.computed_at:%Y-%m-%d %H:%M}"


class Publication(models.Model):
    """A publication of a year's results: the first (revision 1) freezes them; each correction
    after it is a new revision with a date and a reason, listed in the public revision log."""

    year = models.PositiveSmallIntegerField(_("year"))
    revision = models.PositiveSmallIntegerField(_("revision"))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-year", "-revision"]
        constraints = [models.UniqueConstraint(fields=["year", "revision"], name="one_publication_per_revision")]

    def __str__(self) -> str:
        return f"{self.year} rev. {self.revision}"


class PublishedValue(models.Model):
    """The published value of a unit's result: what the file and the API show until a revision."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(ReportingUnit, on_delete=models.CASCADE, related_name="published_results")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="published_values")
    value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    source = models.CharField(max_length=10, choices=UnitResult.Source.choices)
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="values")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "indicator"], name="one_published_value_per_unit")
        ]
        indexes = [models.Index(fields=["year", "indicator"])]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.indicator.code} {self.year}: {self.value}"


class RevisionChange(models.Model):
    """One value a revision changed, for the public revision log."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="changes")
    unit = models.ForeignKey(ReportingUnit, on_delete=models.CASCADE)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE)
    old_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    new_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["unit__code", "indicator__code"]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.indicator.code}: {self.old_value} → {self.new_value}"


class ResultCheck(models.Model):
    """A unit's own check of a preliminary result before publication: confirmed, or flagged as
    wrong with a comment; a coordinator resolves a flag, and the unit sees the outcome."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        FLAGGED = "flagged", _("Flagged as wrong")
        RESOLVED = "resolved", _("Resolved")

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(ReportingUnit, on_delete=models.CASCADE, related_name="result_checks")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="checks")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    comment = models.TextField(_("comment"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField()
    resolution = models.TextField(_("outcome"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("result check")
        verbose_name_plural = _("result checks")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "indicator"], name="one_check_per_unit_indicator_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.indicator.code} {self.year}: {self.status}"


class RevisionAggregateChange(models.Model):
    """An aggregate (the country, a county or a group) that a revision changed through the unit
    values it changed, before and after, for the public revision log."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="aggregate_changes")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE)
    level = models.CharField(max_length=10, choices=AggregateResult.Level.choices)
    county = models.ForeignKey(County, on_delete=models.CASCADE, null=True, blank=True)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, blank=True)
    aggregation = models.CharField(max_length=10, choices=IndicatorVersion.Aggregation.choices)
    old_numerator = models.DecimalField(max_digits=20, decimal_places=4)
    old_denominator = models.PositiveIntegerField()
    new_numerator = models.DecimalField(max_digits=20, decimal_places=4)
    new_denominator = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.level}: {self.old_numerator}/{self.old_denominator} → " + (
            f"{self.new_numerator}/{self.new_denominator}"
        )
