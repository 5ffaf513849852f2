"""Reading results: national series, a year's overview for the analyst, county tables, publications."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from indicators.calculation.aggregate import Figure
from indicators.models import (
    AggregateResult,
    IndicatorVersion,
    Publication,
    RevisionAggregateChange,
    RevisionChange,
    UnitResult,
)
from survey.models import County


def plain_number(value: Decimal | None) -> Decimal | None:
    """A stored decimal without trailing zeros (12.5000 → 12.5, 40.0000 → 40)."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def unit_value_text(value: Decimal | None, *, kind: str) -> str:
    """A unit's value as readers see it: Ja/Nej/– for an indicator, the number for a key figure."""
    if value is None:
        return "–"
    if kind == IndicatorVersion.Kind.INDICATOR:
        return _("Yes") if value == 1 else _("No")
    return number_format(plain_number(value))


def fulfilment_text(value: Decimal | None, *, kind: str) -> str:
    """A unit's value in words: Uppfyllt / Ej uppfyllt / Inget värde, or the key figure."""
    if value is None:
        return _("No value")
    if kind == IndicatorVersion.Kind.INDICATOR:
        return _("Fulfilled") if value == 1 else _("Not fulfilled")
    return unit_value_text(value, kind=kind)


def national_series(indicator_code: str) -> list[tuple[int, AggregateResult]]:
    """The country's aggregate of an indicator for every year that has one, oldest first."""
    aggregates = AggregateResult.objects.filter(
        indicator__code=indicator_code, level=AggregateResult.Level.COUNTRY
    ).order_by("year")
    return [(aggregate.year, aggregate) for aggregate in aggregates]


@dataclass
class Figures:
    """An aggregate's numbers as readers see them: trailing zeros dropped, "no aggregate" as None."""

    aggregate: AggregateResult | None

    @property
    def numerator(self) -> Decimal | None:
        return plain_number(self.aggregate.numerator) if self.aggregate else None

    @property
    def denominator(self) -> int | None:
        return self.aggregate.denominator if self.aggregate else None

    @property
    def display_value(self) -> Decimal | None:
        return plain_number(self.aggregate.display_value) if self.aggregate else None


@dataclass(kw_only=True)
class IndicatorYear(Figures):
    """One indicator in a year's overview; `aggregate` is the country's."""

    version: IndicatorVersion
    sources: set[str] = field(default_factory=set)
    units_with_result: int = 0  # units with a row, "no value" included
    units_with_value: int = 0

    @property
    def code(self) -> str:
        return self.version.indicator.code

    @property
    def is_share(self) -> bool:
        return self.version.aggregation == IndicatorVersion.Aggregation.SHARE

    @property
    def source(self) -> str:
        """computed, imported, mixed, or "" without results."""
        if len(self.sources) > 1:
            return "mixed"
        return next(iter(self.sources), "")

    @property
    def source_label(self) -> str:
        return {
            "computed": _("Computed from the answers"),
            "imported": _("Imported history"),
            "mixed": _("Computed and imported"),
            "": _("No results"),
        }[self.source]


def year_overview(year: int) -> list[IndicatorYear]:
    """Every indicator defined for `year` with the country's value and where the values came from,
    in three queries."""
    versions = IndicatorVersion.objects.filter(year=year).select_related("indicator").order_by("indicator__code")
    country = {
        a.indicator_id: a for a in AggregateResult.objects.filter(year=year, level=AggregateResult.Level.COUNTRY)
    }
    rows = {v.indicator_id: IndicatorYear(country.get(v.indicator_id), version=v) for v in versions}
    counts = (
        UnitResult.objects.filter(year=year)
        .values("indicator_id", "source")
        .annotate(units=Count("pk"), with_value=Count("value"))
    )
    for count in counts:
        row = rows.get(count["indicator_id"])
        if row is None:
            continue
        row.sources.add(count["source"])
        row.units_with_result += count["units"]
        row.units_with_value += count["with_value"]
    return list(rows.values())


@dataclass(kw_only=True)
class CountyFigures(Figures):
    county: County


def county_results(year: int, indicator_code: str) -> list[CountyFigures]:
    """Every county with its aggregate of the indicator in `year` (None where it has none)."""
    aggregates = {
        a.county_id: a
        for a in AggregateResult.objects.filter(
            year=year, indicator__code=indicator_code, level=AggregateResult.Level.COUNTY
        )
    }
    return [CountyFigures(aggregates.get(county.pk), county=county) for county in County.objects.order_by("name")]


def publications_of_year(year: int) -> list[Publication]:
    """The year's publications, the latest first."""
    return list(Publication.objects.filter(year=year).order_by("-revision"))


@dataclass
class ChangeRow:
    change: RevisionChange
    old: str
    new: str


@dataclass
class AggregateChangeRow:
    change: RevisionAggregateChange
    area: str  # Riket, a county's name, or a group's grouping and name
    old: str
    new: str


@dataclass
class LogEntry:
    publication: Publication
    changes: list[ChangeRow]
    aggregates: list[AggregateChangeRow] = field(default_factory=list)


def _figure_text(numerator: Decimal, denominator: int, aggregation: str) -> str:
    """An aggregate as the pages show it, with its units: "33 % (4 av 12)", or a sum."""
    figure = Figure(numerator, denominator, aggregation)
    if figure.display is None:
        return "–"
    if aggregation == IndicatorVersion.Aggregation.SHARE:
        return _("%(percent)s %% (%(numerator)s of %(denominator)d)") % {
            "percent": number_format(figure.display), "numerator": number_format(plain_number(numerator)),
            "denominator": denominator,
        }  # fmt: skip
    return number_format(plain_number(figure.display))


def _aggregate_rows(publications: list[Publication]) -> dict[int, list[AggregateChangeRow]]:
    rows: dict[int, list[AggregateChangeRow]] = defaultdict(list)
    changes = (
        RevisionAggregateChange.objects.filter(publication__in=publications)
        .select_related("indicator", "county", "group", "group__grouping")
        .order_by("indicator__code", "level", "county__code", "group__grouping__code", "group__code")
    )
    level_order = {"country": 0, "county": 1, "group": 2}
    for change in sorted(changes, key=lambda c: (c.indicator.code, level_order.get(c.level, 3))):
        if change.level == AggregateResult.Level.COUNTRY:
            area = str(AggregateResult.Level.COUNTRY.label)
        elif change.level == AggregateResult.Level.COUNTY and change.county:
            area = change.county.name
        else:
            area = f"{change.group.grouping.name}: {change.group.name}" if change.group else "–"
        rows[change.publication_id].append(
            AggregateChangeRow(
                change, area, _figure_text(change.old_numerator, change.old_denominator, change.aggregation),
                _figure_text(change.new_numerator, change.new_denominator, change.aggregation),
            )
        )  # fmt: skip
    return rows


def revision_log() -> list[tuple[int, list[LogEntry]]]:
    """Every publication per year (latest year first, latest revision first) with the values each
    revision changed, for the public revision log."""
    publications = list(Publication.objects.order_by("-year", "-revision"))
    changes: dict[int, list[RevisionChange]] = defaultdict(list)
    for change in RevisionChange.objects.filter(publication__in=publications).select_related("unit", "indicator"):
        changes[change.publication_id].append(change)
    kinds = {
        (v.year, v.indicator_id): v.kind
        for v in IndicatorVersion.objects.filter(year__in={p.year for p in publications})
    }
    aggregates = _aggregate_rows(publications)
    years: dict[int, list[LogEntry]] = {}
    for publication in publications:
        rows = []
        for change in changes[publication.pk]:
            kind = kinds.get((publication.year, change.indicator_id), IndicatorVersion.Kind.INDICATOR)
            old, new = (unit_value_text(v, kind=kind) for v in (change.old_value, change.new_value))
            rows.append(ChangeRow(change, old, new))
        years.setdefault(publication.year, []).append(LogEntry(publication, rows, aggregates[publication.pk]))
    return list(years.items())
