"""What the public results pages show: a unit's year, a county's year, the country's year and the
list of published years. Everything comes from the published results (`published_results`,
cached until the next publication) and a few queries for names, so the number of queries does not
grow with the number of units. Preliminary values never appear here."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.text import swedish_sort_key
from indicators.calculation.aggregate import COUNTRY, Area
from indicators.models import CONFIDENTIAL_MARK, IndicatorVersion, Publication
from indicators.selectors.results import fulfilment_text, plain_number, unit_value_text
from reporting.models import Export
from reporting.pages.charts import COUNTRY_COLOUR, COUNTY_COLOUR, GROUP_COLOUR, Series, TrendChart, trend_chart
from reporting.pages.summary import unit_summary
from reporting.selectors.exports import public_files
from reporting.selectors.published import Figure, PublishedYear, published_results
from survey.models import County, Group, GroupMembership, Part, ReportingUnit
from survey.selectors.responses import answers_by_code

FIRST_YEAR = 2016
SKR_PREFIX = "skr"  # SKR's kommungruppsindelning: skr-2017 for 2017–2022, skr-2023 from 2023
POPULATION_GROUPING = "population"
FILE_URL = "/resultat/{year}/resultatfil.xlsx"  # served by reporting/urls.py (exports:results-file)


class PageNotFound(Exception):
    """The page does not exist: the year is not published or the unit did not report. The message
    is shown to the visitor (in Swedish) with `links` [(text, url)] to pages that do exist."""

    def __init__(self, message: str, *, links: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.links = list(links)


def display(figure: Figure | None) -> Decimal | None:
    """A share as a whole percent rounded half up; a sum without trailing zeros; None: no value."""
    return plain_number(figure.display) if figure else None


def units_behind(figure: Figure | None, *, with_districts: bool) -> str:
    """The units behind an aggregate in words: "12 av 28 svarande kommuner och stadsdelar" for a
    share, "från 28 svarande kommuner" for a sum; "" without units with a value. Districts are named
    only when some of the units are districts."""
    if figure is None or not figure.denominator:
        return ""
    words = {"numerator": plain_number(figure.numerator), "count": figure.denominator}
    if figure.aggregation != IndicatorVersion.Aggregation.SHARE:
        if with_districts:
            text = ngettext(
                "from %(count)d responding municipality or city district",
                "from %(count)d responding municipalities and city districts",
                figure.denominator,
            )
        else:
            text = ngettext(
                "from %(count)d responding municipality", "from %(count)d responding municipalities", figure.denominator
            )
    elif with_districts:
        text = ngettext(
            "%(numerator)s of %(count)d responding municipality or city district",
            "%(numerator)s of %(count)d responding municipalities and city districts",
            figure.denominator,
        )
    else:
        text = ngettext(
            "%(numerator)s of %(count)d responding municipality",
            "%(numerator)s of %(count)d responding municipalities",
            figure.denominator,
        )
    return text % words


def _counties_with_districts(published: PublishedYear) -> dict[str, set[int]]:
    """{indicator code: the counties where a city district has a value}: there the units behind an
    aggregate are municipalities and districts (and in the country, if any county is there)."""
    county_of_district = dict(
        ReportingUnit.objects.filter(kind=ReportingUnit.Kind.DISTRICT).values_list("pk", "county_id")
    )
    found: dict[str, set[int]] = defaultdict(set)
    for (unit_id, code), (value, _source) in published.values.items():
        if value is not None and unit_id in county_of_district:
            found[code].add(county_of_district[unit_id])
    return found


def comparability_notes(versions: Iterable[IndicatorVersion]) -> list[str]:
    """The notes of the years whose definition changed, each starting with its year."""
    notes = []
    for version in versions:
        note = version.comparability_note.strip()
        if note:
            notes.append(note if note.startswith(str(version.year)) else f"{version.year}: {note}")
    return notes


@dataclass
class TrendPoint:
    """A year of an indicator's trend; a confidential count (…_withheld) has no value and is
    shown as ".." under `threshold`, that year's."""

    year: int
    unit_text: str
    county: Decimal | None
    country: Decimal | None
    threshold: int = 0
    unit_withheld: bool = False
    county_withheld: bool = False
    country_withheld: bool = False
    skr_group: Group | None = None  # the unit's kommungrupp (SKR) that year, None: it has none
    skr_value: Decimal | None = None  # that group's figure
    skr_withheld: bool = False

    @property
    def withheld(self) -> bool:
        return self.unit_withheld or self.county_withheld or self.country_withheld or self.skr_withheld


@dataclass
class IndicatorRow:
    """An indicator in the page's year: the unit's value (unit pages), the county's and the
    country's figure, and its trend over the published years up to the page's year."""

    code: str
    version: IndicatorVersion
    county: Decimal | None
    country: Decimal | None
    trend: list[TrendPoint]
    chart: TrendChart
    notes: list[str]
    unit_value: Decimal | None = None
    unit_text: str = ""
    # The page year's units behind the county's and the country's figure, in words ("12 av 28 …").
    county_units: str = ""
    country_units: str = ""
    skr_group: Group | None = None  # the unit's kommungrupp (SKR) in the page's year
    skr_value: Decimal | None = None
    skr_units: str = ""

    @property
    def current(self) -> TrendPoint:
        return self.trend[-1]

    @property
    def is_share(self) -> bool:
        return self.version.aggregation == IndicatorVersion.Aggregation.SHARE

    @property
    def fulfilled(self) -> bool | None:
        if self.unit_value is None or self.version.kind != IndicatorVersion.Kind.INDICATOR:
            return None
        return self.unit_value == 1


@dataclass
class PartSection:
    code: str
    label: str
    rows: list[IndicatorRow] = field(default_factory=list)


@dataclass
class YearLink:
    year: int
    url: str
    current: bool
    available: bool  # False: the unit has no published values that year


def _year_links(
    years: Iterable[int], current: int, url_name: str, *, available: Iterable[int] | None = None, **kwargs: str
) -> list[YearLink]:
    """The year selector: every published year, linking to the same page of that year."""
    ordered = sorted(years)
    possible = set(ordered if available is None else available)
    return [YearLink(y, reverse(url_name, kwargs={"year": y, **kwargs}), y == current, y in possible) for y in ordered]


def _published(year: int) -> tuple[PublishedYear, dict[int, PublishedYear]]:
    results = published_results()
    if year not in results:
        links = [(str(y), reverse("reporting:country-page", kwargs={"year": y})) for y in sorted(results, reverse=True)]
        raise PageNotFound(_("The results of %(year)d have not been published.") % {"year": year}, links=links)
    return results[year], {y: data for y, data in results.items() if FIRST_YEAR <= y <= year}


def _part_labels(year: int) -> dict[str, str]:
    return dict(Part.objects.filter(round__year=year).values_list("code", "label"))


def _indicator_rows(
    published: PublishedYear,
    history: dict[int, PublishedYear],
    *,
    unit: ReportingUnit | None = None,
    county_id: int | None = None,
    skr_groups: dict[int, Group] | None = None,
) -> list[PartSection]:
    """The year's indicators grouped by part, with trends over `history` (the published years up to
    the page's year); the unit's values when `unit`, the county's figures when `county_id`, the
    figures of the unit's kommungrupp of each year when `skr_groups` ({year: group})."""
    county_area = Area("county", county_id=county_id) if county_id else None
    labels = _part_labels(published.year)
    with_districts = _counties_with_districts(published)
    group = (skr_groups or {}).get(published.year)
    group_districts = _districts_in_group(group, published.year) if group else set()
    sections: dict[str, PartSection] = {}
    for code in sorted(published.versions):
        version = published.versions[code]
        years = [y for y in sorted(history) if code in history[y].versions]
        trend = [_trend_point(history[y], code, unit=unit, county_area=county_area) for y in years]
        # What the chart draws: a confidential count is left out, as on the rest of the page.
        unit_values = {p.year: _charted_unit_value(history[p.year], code, unit, p) for p in trend} if unit else {}
        county_values = {p.year: p.county for p in trend}
        country_values = {p.year: p.country for p in trend}
        skr_figures = _group_figures(code, history, years, skr_groups) if skr_groups is not None else {}
        for point in trend:
            point.skr_group = (skr_groups or {}).get(point.year)
            figure = skr_figures.get(point.year)
            point.skr_withheld = figure is not None and history[point.year].is_confidential(code, figure.numerator)
            point.skr_value = None if point.skr_withheld else display(figure)
        is_share = version.aggregation == IndicatorVersion.Aggregation.SHARE
        if is_share:
            lines = [Series(_("The country"), country_values, COUNTRY_COLOUR)]
            if county_area:
                lines.append(Series(_("County"), county_values, COUNTY_COLOUR, "5 3"))
            if skr_groups is not None:
                lines += _group_lines({p.year: p.skr_value for p in trend if p.skr_group}, skr_groups)
            chart = trend_chart(years=years, lines=lines, markers=unit_values if unit else None)
        else:  # a key figure: the unit's own numbers, or the area's sum, on their own scale
            own = unit_values if unit else county_values if county_area else country_values
            chart = trend_chart(years=years, lines=[Series("", own, COUNTRY_COLOUR)], share=False)
        value = published.value(unit.pk, code) if unit else None
        row = IndicatorRow(
            code=code,
            version=version,
            county=county_values.get(published.year),
            country=country_values.get(published.year),
            trend=trend,
            chart=chart,
            notes=comparability_notes(history[y].versions[code] for y in years),
            unit_value=value,
            unit_text=fulfilment_text(value, kind=version.kind) if unit and not trend[-1].unit_withheld else "",
            county_units=units_behind(
                published.figure(code, county_area) if county_area else None,
                with_districts=county_id in with_districts[code],
            ),
            country_units=units_behind(published.figure(code, COUNTRY), with_districts=bool(with_districts[code])),
            skr_group=(skr_groups or {}).get(published.year),
            skr_value=trend[-1].skr_value if trend and trend[-1].year == published.year else None,
            skr_units=units_behind(
                skr_figures.get(published.year),
                with_districts=any(published.value(d, code) is not None for d in group_districts),
            ),
        )
        part = sections.setdefault(
            version.part_code, PartSection(version.part_code, labels.get(version.part_code, version.part_code))
        )
        part.rows.append(row)
    return list(sections.values())


def _trend_point(data: PublishedYear, code: str, *, unit: ReportingUnit | None, county_area: Area | None) -> TrendPoint:
    """An indicator's year for a unit page (`unit`), a county page (`county_area`) or the country's."""
    kind = data.versions[code].kind
    unit_value = data.value(unit.pk, code) if unit else None
    county = data.figure(code, county_area) if county_area else None
    country = data.figure(code, COUNTRY)
    unit_withheld = data.is_confidential(code, unit_value)
    county_withheld = county is not None and data.is_confidential(code, county.numerator)
    country_withheld = country is not None and data.is_confidential(code, country.numerator)
    return TrendPoint(
        year=data.year,
        unit_text=unit_value_text(unit_value, kind=kind) if unit and not unit_withheld else "",
        county=None if county_withheld else display(county),
        country=None if country_withheld else display(country),
        threshold=data.versions[code].confidential_below,
        unit_withheld=unit_withheld,
        county_withheld=county_withheld,
        country_withheld=country_withheld,
    )


def _charted_unit_value(data: PublishedYear, code: str, unit: ReportingUnit, point: TrendPoint) -> Decimal | None:
    return None if point.unit_withheld else data.value(unit.pk, code)


def confidentiality_thresholds(sections: Iterable[PartSection], units: Iterable["UnitRow"] = ()) -> list[int]:
    """The thresholds of the confidential counts a page withholds, for its note on ".."; none: no note."""
    found = {point.threshold for section in sections for row in section.rows for point in row.trend if point.withheld}
    found |= {cell.threshold for unit in units for cell in unit.cells if cell.withheld}
    return sorted(found)


def _group_figures(
    code: str, history: dict[int, PublishedYear], years: Iterable[int], groups: dict[int, Group]
) -> dict[int, Figure | None]:
    """{year: the figure of that year's group} for the years in which the unit has a group."""
    return {y: history[y].figure(code, Area("group", group_id=groups[y].pk)) for y in years if y in groups}


def _districts_in_group(group: Group, year: int) -> set[int]:
    return set(
        GroupMembership.objects.filter(group=group, year=year, unit__kind=ReportingUnit.Kind.DISTRICT).values_list(
            "unit_id", flat=True
        )
    )


def _group_lines(values: dict[int, Decimal | None], groups: dict[int, Group]) -> list[Series]:
    """One dotted line for each run of years in the same group: the line breaks where the unit
    moves to another group (a new SKR grouping), since the two groups' figures are not one series."""
    runs: list[dict[int, Decimal | None]] = []
    previous = None
    for year in sorted(values):
        if groups[year].pk != previous:
            runs.append({})
        runs[-1][year] = values[year]
        previous = groups[year].pk
    return [Series(_("Municipality group (SKR)"), run, GROUP_COLOUR, "2 3") for run in runs]


def _unit_groups(unit: ReportingUnit, *, prefix: str, years: Iterable[int]) -> dict[int, Group]:
    """{year: the unit's group} in the groupings whose code starts with `prefix`, for `years`."""
    memberships = GroupMembership.objects.filter(unit=unit, year__in=list(years), grouping__code__startswith=prefix)
    return {m.year: m.group for m in memberships.select_related("group", "group__grouping")}


def _groups_sentence(*, unit: ReportingUnit, year: int, skr: Group | None, size: Group | None) -> str:
    """Which kommungrupp (SKR) and size class the unit belongs to in `year`, in words; says so when
    it has no kommungrupp, or when no SKR grouping of that year is in the register (2016)."""
    values = {"unit": unit.name, "year": year, "municipality": unit.parent.name if unit.parent else ""}
    # Mid-sentence: "storleksklassen under 10 000 invånare" (the other names start with a digit).
    values["size"] = size.name[:1].lower() + size.name[1:] if size else ""
    if skr is not None:
        values.update(group=skr.name, code=skr.code, grouping=skr.grouping.name)
        if unit.parent and size:
            text = _("In %(year)d, %(unit)s, as a district of %(municipality)s, belongs to the municipality group "
                     "%(group)s (%(code)s) in %(grouping)s and to the size class %(size)s.")  # fmt: skip
        elif unit.parent:
            text = _("In %(year)d, %(unit)s, as a district of %(municipality)s, belongs to the municipality group "
                     "%(group)s (%(code)s) in %(grouping)s.")  # fmt: skip
        elif size:
            text = _("In %(year)d, %(unit)s belongs to the municipality group %(group)s (%(code)s) in %(grouping)s "
                     "and to the size class %(size)s.")  # fmt: skip
        else:
            text = _("In %(year)d, %(unit)s belongs to the municipality group %(group)s (%(code)s) in %(grouping)s.")
        return text % values
    if not GroupMembership.objects.filter(year=year, grouping__code__startswith=SKR_PREFIX).exists():
        text = _("The SKR municipality grouping that applied in %(year)d is not in the register, so the results "
                 "of %(year)d are not compared with a municipality group.")  # fmt: skip
    else:
        text = _("%(unit)s has no municipality group (SKR) in %(year)d in the register.")
    if size:
        text += " " + _("In %(year)d, %(unit)s belongs to the size class %(size)s.")
    return text % values


def _units_with_values(published: PublishedYear) -> set[int]:
    return {unit_id for (unit_id, _code), (value, _source) in published.values.items() if value is not None}


def _units_with_rows(published: PublishedYear) -> set[int]:
    return {unit_id for unit_id, _code in published.values}


@dataclass
class UnitPage:
    year: int
    unit: ReportingUnit
    publication: Publication
    answered: bool  # False: in the year's register, but no answers
    summary: list[str]
    sections: list[PartSection]
    years: list[YearLink]
    api_url: str
    file_url: str
    confidentiality_thresholds: list[int] = field(default_factory=list)  # of the counts shown as ".."
    groups_text: str = ""  # the unit's kommungrupp and size class of the year, in words


def unit_page(*, year: int, code: str) -> UnitPage:
    """A municipality's or district's published results of `year`; PageNotFound when the year is
    not published or the unit has no published value that year."""
    unit = ReportingUnit.objects.select_related("county", "parent").filter(code=code).first()
    if unit is None:
        raise PageNotFound(_("There is no municipality or district with the code %(code)s.") % {"code": code})
    published, history = _published(year)
    every_year = published_results()
    reported = [y for y in sorted(every_year) if unit.pk in _units_with_values(every_year[y])]
    # A unit of that year's register that sent no answers: its page says so, with the county's and
    # the country's figures and its earlier years (as the file and the API show it: no value).
    answered = year in reported
    if not answered and unit.pk not in _units_with_rows(published):
        links = [(str(y), reverse("reporting:unit-page", kwargs={"year": y, "code": code})) for y in reversed(reported)]
        districts = ReportingUnit.objects.filter(parent=unit, pk__in=_units_with_values(published)).order_by("code")
        links += [
            (f"{d.name} {year}", reverse("reporting:unit-page", kwargs={"year": year, "code": d.code}))
            for d in districts
        ]
        if districts:
            message = _("In %(year)d, %(unit)s reported through its city districts.")
        else:
            message = _("%(unit)s has no published results for %(year)d: it did not report that year.")
        raise PageNotFound(message % {"unit": unit, "year": year}, links=links)
    skr_groups = _unit_groups(unit, prefix=SKR_PREFIX, years=history)
    sizes = _unit_groups(unit, prefix=POPULATION_GROUPING, years=[year])
    sections = _indicator_rows(published, history, unit=unit, county_id=unit.county_id, skr_groups=skr_groups)
    values = {code: published.value(unit.pk, code) for code in published.versions}
    summary = [_("%(unit)s sent no answers in %(year)d.") % {"unit": unit.name, "year": year}]
    return UnitPage(
        year=year,
        unit=unit,
        publication=published.publication,
        answered=answered,
        summary=summary
        if not answered
        else unit_summary(
            unit_name=unit.name,
            values=values,
            versions=published.versions,
            year=year,
            answers=answers_by_code(unit_id=unit.pk, year=year),
            country={code: display(published.figure(code, COUNTRY)) for code in published.versions},
        ),  # fmt: skip
        sections=sections,
        # Every year the unit has a page: with values, or in the register without answers.
        years=_year_links(
            every_year,
            year,
            "reporting:unit-page",
            code=unit.code,
            available={y for y in every_year if unit.pk in _units_with_rows(every_year[y])},
        ),  # fmt: skip
        api_url=reverse("kolada:data-municipality-year", kwargs={"municipality": unit.code, "years": str(year)}),
        file_url=FILE_URL.format(year=year),
        confidentiality_thresholds=confidentiality_thresholds(sections),
        groups_text=_groups_sentence(unit=unit, year=year, skr=skr_groups.get(year), size=sizes.get(year)),
    )


@dataclass(frozen=True)
class Cell:
    """A unit's value in a county's table: Ja/Nej/–/the number, or ".." (withheld) under `threshold`."""

    text: str
    withheld: bool = False
    threshold: int = 0

    def __str__(self) -> str:
        return self.text


def _cell(published: PublishedYear, unit_id: int, code: str) -> Cell:
    value, version = published.value(unit_id, code), published.versions[code]
    if published.is_confidential(code, value):
        return Cell(CONFIDENTIAL_MARK, withheld=True, threshold=version.confidential_below)
    return Cell(unit_value_text(value, kind=version.kind))


@dataclass
class UnitRow:
    """A unit in a county's table: its value of each indicator, in the order of `CountyPage.codes`."""

    unit: ReportingUnit
    cells: list[Cell]
    reported: bool


@dataclass
class CountyPage:
    year: int
    county: County
    publication: Publication
    sections: list[PartSection]
    codes: list[str]
    units: list[UnitRow]
    years: list[YearLink]
    file_url: str
    confidentiality_thresholds: list[int] = field(default_factory=list)  # of the counts shown as ".."


def county_page(*, year: int, county_code: str) -> CountyPage:
    county = County.objects.filter(code=county_code).first()
    if county is None:
        raise PageNotFound(_("There is no county with the code %(code)s.") % {"code": county_code})
    published, history = _published(year)
    sections = _indicator_rows(published, history, county_id=county.pk)
    codes = sorted(published.versions)
    with_rows, with_values = _units_with_rows(published), _units_with_values(published)
    units = ReportingUnit.objects.select_related("parent").filter(county=county, pk__in=with_rows)
    rows = [
        UnitRow(
            unit=unit,
            cells=[_cell(published, unit.pk, c) for c in codes],
            reported=unit.pk in with_values,
        )
        for unit in sorted(units, key=lambda u: swedish_sort_key(str(u)))
    ]
    return CountyPage(
        year=year,
        county=county,
        publication=published.publication,
        sections=sections,
        codes=codes,
        units=rows,
        years=_year_links(published_results(), year, "reporting:county-page", county_code=county.code),
        file_url=FILE_URL.format(year=year),
        confidentiality_thresholds=confidentiality_thresholds(sections, rows),
    )


@dataclass
class CountyUnits:
    county: County
    units: list[ReportingUnit]


@dataclass
class CountryPage:
    year: int
    publication: Publication
    sections: list[PartSection]
    counties: list[CountyUnits]
    years: list[YearLink]
    file_url: str
    api_url: str
    confidentiality_thresholds: list[int] = field(default_factory=list)  # of the counts shown as ".."


def country_page(*, year: int) -> CountryPage:
    published, history = _published(year)
    sections = _indicator_rows(published, history)
    reported = _units_with_values(published)
    by_county: dict[int, list[ReportingUnit]] = defaultdict(list)
    for unit in ReportingUnit.objects.select_related("parent").filter(pk__in=reported):
        by_county[unit.county_id].append(unit)
    counties = [
        CountyUnits(county, sorted(by_county[county.pk], key=lambda u: swedish_sort_key(str(u))))
        for county in County.objects.order_by("code")
    ]
    return CountryPage(
        year=year,
        publication=published.publication,
        sections=sections,
        counties=counties,
        years=_year_links(published_results(), year, "reporting:country-page"),
        file_url=FILE_URL.format(year=year),
        api_url=reverse("kolada:kpi-list"),
        confidentiality_thresholds=confidentiality_thresholds(sections),
    )


@dataclass
class PublishedYearLink:
    year: int
    publication: Publication
    file_url: str
    file: Export | None = None  # the file the public link serves, None while none is built

    @property
    def file_is_current(self) -> bool:
        return self.file is not None and self.file.revision == self.publication.revision


def results_index() -> list[PublishedYearLink]:
    """The published years, the latest first, with their latest publication and the file the
    public link serves (and which revision it shows)."""
    files = public_files()
    return [
        PublishedYearLink(year, data.publication, FILE_URL.format(year=year), files.get(year))
        for year, data in sorted(published_results().items(), reverse=True)
    ]
