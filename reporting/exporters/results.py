"""The Excel results file of a publication year: every published year from 2016 up to it.

Layout. The data sheets have a row per area and a column per indicator and year ("VINR02 2024"):
Units (one row per municipality or district with code, name, kind, county and its group in each
grouping and year), Counties, Country and Groups; the area sheets then have the counts behind each
figure ("VINR02 2024 antal uppfyllda", "… antal med värde"). A row per unit keeps the largest sheet at
the number of units (about 300 today, 3,000 at ten times as many) and its width at indicators × years
(18 × 10 today), far from Excel's 1,048,576 rows and 16,384 columns; a row per unit, indicator and
year would pass a million rows at ten times the units.

The start page looks up the chosen unit with one MATCH (a hidden helper cell holds its row in
Units, 0 when no unit is chosen), its county with one more and its group in each comparison grouping
with one per year, and every table cell is an INDEX into a single column at that row: LibreOffice
recalculates it in well under a second, where SUMIFS took about 6 s and three-criteria array lookups
about 28 s. Spreadsheet programs trust the cached results of formulas on opening, so every formula
is written with the result it has for the unit shown when the file opens (the first in alphabetical
order), computed here from the same data.

The chart is a column chart: LibreOffice (7.4) draws a formula's #N/A, "" or text as 0 on a line,
but in a column chart #N/A gets neither a bar nor a label, while a real 0 % gets its "0 %" label;
Excel is told to show #N/A as an empty cell (a gap).
Its title is text, not a cell reference, which LibreOffice shows as "Chart Title"; the chosen
indicator's title is in the cell above the chart.

Values: a unit's value of an indicator is 1 or 0 shown as Ja/Nej by a number format; a key
figure is a number; a share is a fraction shown with a % format, the published whole percent
(rounded half up); "–" marks no value; ".." a confidential count (1 up to below the indicator's
threshold; aggregates are computed from the true values); an empty cell that the indicator was not
measured or the unit did not report that year."""

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.utils import formats
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from core.spreadsheets import NO_VALUE, Column, DataSheet, Renderer, quoted, reference, safe_text
from indicators.calculation.aggregate import Area
from indicators.models import CONFIDENTIAL_MARK, IndicatorVersion
from reporting.exporters.data import ExportData, GroupingInfo, IndicatorInfo, UnitInfo
from reporting.selectors.published import Figure
from survey.coordination.monitor import COUNTRY_CODE, response_rate

Progress = Callable[[int, str], None]

# The start page's columns (0-based): the chosen unit, then a value and a count column per area
# (county, country, then each comparison grouping), then the comparability note.
COL_LABEL, COL_UNIT, COL_COUNTY, COL_COUNTY_COUNT, COL_COUNTRY, COL_COUNTRY_COUNT = range(6)
COL_FIRST_GROUPING = 6
# Hidden helper columns, right of the print area.
COL_HELPER, COL_CHART_CODES, COL_CHART_UNIT_MATCH, COL_CHART_AREA_MATCH = 40, 41, 42, 43
ROW_TITLE, ROW_STATE, ROW_CHOICE, ROW_CODE, ROW_HEADER = 0, 1, 2, 3, 5
HELPER_UNIT_ROW, HELPER_COUNTY_ROW = 0, 1  # rows of the helper column; the group rows follow
CHART_HEIGHT_ROWS = 17  # the chart's height in default rows (20 px each)
START_HEADER_HEIGHT = 45  # points: the table header wraps to three lines
GROUP_ROW_HEIGHT = 24  # points: a group's name in two lines of small type
LINE_HEIGHT, NOTE_CHARACTERS_PER_LINE = 15, 55  # a note's wrapped lines in the note column (50 wide)
LAST_YEAR_OF_SKR_2011 = 2016  # SKR's grouping of 2011 applied up to 2016; the register starts with 2017's

# Leading columns of the data sheets, before the indicator-and-year columns.
UNIT_CODE, UNIT_NAME, UNIT_KIND, UNIT_COUNTY_CODE, UNIT_COUNTY_NAME = range(5)
AREA_LEADING = 2  # code, name
GROUP_LEADING = 5  # key, grouping code, grouping name, group code, group name
LANGUAGE_TAGS = {"sv": "sv-SE", "en": "en-GB"}  # the document's language (dc:language)
FULFILLED, WITH_VALUE = "fulfilled", "with_value"  # the count columns of the area sheets


@dataclass(frozen=True)
class Cell:
    value: object = None
    format: str = "text"
    formula: str = ""  # without "="; `value` is then its cached result


@dataclass
class Comparison:
    """A kind of comparison group on the start page: SKR's kommungrupp (whichever SKR grouping
    applies in a year) or another grouping such as the population classes."""

    header: str
    grouping_of_year: dict[int, GroupingInfo] = field(default_factory=dict)
    is_skr: bool = False


def text_formula(text: str) -> str:
    """Text as a formula string literal, without the characters an .xlsx file cannot hold."""
    return '"' + safe_text(text).replace('"', '""') + '"'


def joined_formula(template: str, **parts: str) -> str:
    """A translated text with %(name)s fields as a formula that joins its words to the
    expressions in `parts`: "%(fulfilled)s av %(units)s" → X&" av "&Y."""
    pieces = re.split(r"%\((\w+)\)s", template)
    joined = [parts[piece] if index % 2 else text_formula(piece) for index, piece in enumerate(pieces) if piece]
    return "&".join(joined) or '""'


class ResultsExporter:
    """The results file (STYLE.md §5): `sheets()` are the data sheets with their row generators;
    `write()` renders the start page and then the sheets. The start page opens on `chosen` (a unit
    id), by default the first unit in alphabetical order."""

    identifier = "results"
    name = gettext_lazy("Results file")

    def __init__(self, data: ExportData, *, chosen: int | None = None) -> None:
        self.data = data
        self.indicators = data.indicators()
        self.columns: list[tuple[IndicatorInfo, int]] = [(info, y) for info in self.indicators for y in info.years]
        self.versions = {(info, year): data.published[year].versions[info.code] for info, year in self.columns}
        self.count_columns: list[tuple[IndicatorInfo, int, str]] = [
            (info, year, kind)
            for info, year in self.columns
            for kind in ((FULFILLED, WITH_VALUE) if self.is_share(info, year) else (WITH_VALUE,))
        ]
        self.count_index = {key: index for index, key in enumerate(self.count_columns)}
        self.unit_years: dict[int, set[int]] = {
            y: {unit for unit, _code in data.published[y].values} for y in data.years
        }
        self.group_columns: list[tuple[GroupingInfo, int]] = [(g, y) for g in data.groupings for y in g.years]
        self.comparisons = comparisons(data.groupings)
        self.units_first_value = UNIT_COUNTY_NAME + 1 + len(self.group_columns)
        self._unit_plan: list[tuple[dict, str, bool, IndicatorVersion, set[int]]] | None = None
        self.labels = unit_labels(data.units, self.unit_years, data.years)
        self.chosen = next((u for u in data.units if u.id == chosen), data.units[0] if data.units else None)
        self.titles = {
            "start": _("Start page"),
            "units": _("Units"),
            "counties": _("Counties"),
            "country": _("Country"),
            "groups": _("Groups"),
            "rates": _("Response rates"),
            "descriptions": _("Indicator descriptions"),
            "about": _("About the file"),
        }

    def is_share(self, info: IndicatorInfo, year: int) -> bool:
        return self.versions[info, year].aggregation == IndicatorVersion.Aggregation.SHARE

    # The data sheets

    def value_header(self) -> list[str]:
        return [f"{info.code} {year}" for info, year in self.columns]

    def count_header(self) -> list[str]:
        words = {FULFILLED: _("number fulfilling"), WITH_VALUE: _("number with a value")}
        return [f"{info.code} {year} {words[kind]}" for info, year, kind in self.count_columns]

    def value_formats(self, *, unit: bool) -> list[Column]:
        columns = []
        for info, year in self.columns:
            share = self.is_share(info, year)
            columns.append(Column(8, ("yesno" if unit else "percent") if share else "number"))
        return columns

    def area_formats(self) -> list[Column]:
        return [*self.value_formats(unit=False), *[Column(8, "integer")] * len(self.count_columns)]

    def unit_values(self, unit: UnitInfo) -> list[object]:
        plan = self._unit_plan
        if plan is None:
            # Per column: the year's values, whether it is a share, its definition, the units that reported.
            plan = self._unit_plan = [
                (
                    self.data.published[year].values,
                    info.code,
                    self.is_share(info, year),
                    self.versions[info, year],
                    self.unit_years[year],
                )
                for info, year in self.columns
            ]
        row: list[object] = []
        append, unit_id = row.append, unit.id
        for values, code, share, version, reported in plan:
            entry = values.get((unit_id, code))
            value = entry[0] if entry is not None else None
            if value is None:
                append(NO_VALUE if unit_id in reported else None)
            elif share:
                append(int(value))
            elif version.is_confidential(value):
                append(CONFIDENTIAL_MARK)
            else:
                append(float(value))
        return row

    def figure(self, info: IndicatorInfo, year: int, area: Area) -> Figure | None:
        return self.data.published[year].figure(info.code, area)

    def area_values(self, area: Area) -> list[object]:
        values = [area_value(self.figure(info, year, area), self.versions[info, year]) for info, year in self.columns]
        counts = []
        for info, year, kind in self.count_columns:
            figure = self.figure(info, year, area)
            if figure is None:
                counts.append(None)
            else:
                counts.append(int(figure.numerator) if kind == FULFILLED else figure.denominator)
        return [*values, *counts]

    def unit_rows(self) -> Iterator[Sequence[object]]:
        data = self.data
        counties = {county.id: county for county in data.counties}
        yield [
            _("Code"), _("Name"), _("Kind"), _("County code"), _("County"),
            *[f"{grouping.name} {year}" for grouping, year in self.group_columns],
            *self.value_header(),
        ]  # fmt: skip
        codes = {group.id: group.code for grouping in data.groupings for group in grouping.groups}
        for unit in data.units:
            county = counties.get(unit.county_id)
            groups = [
                codes.get(data.memberships.get((year, grouping.id, unit.id)))  # type: ignore[arg-type]
                for grouping, year in self.group_columns
            ]
            county_cells = [county.code, county.name] if county else ["", ""]
            yield [unit.code, self.labels[unit.id], unit.kind, *county_cells, *groups, *self.unit_values(unit)]

    def county_rows(self) -> Iterator[Sequence[object]]:
        yield [_("Code"), _("County"), *self.value_header(), *self.count_header()]
        for county in self.data.counties:
            yield [county.code, county.name, *self.area_values(Area("county", county_id=county.id))]

    def country_rows(self) -> Iterator[Sequence[object]]:
        yield [_("Code"), _("Area"), *self.value_header(), *self.count_header()]
        yield [COUNTRY_CODE, _("The country"), *self.area_values(Area("country"))]

    def group_rows(self) -> Iterator[Sequence[object]]:
        yield [
            _("Key"), _("Grouping code"), _("Grouping"), _("Group code"), _("Group"),
            *self.value_header(), *self.count_header(),
        ]  # fmt: skip
        for grouping in self.data.groupings:
            for group in grouping.groups:
                yield [
                    group_key(grouping, group.code), grouping.code, grouping.name, group.code, group.name,
                    *self.area_values(Area("group", group_id=group.id)),
                ]  # fmt: skip

    def rate_rows(self) -> Iterator[Sequence[object]]:
        yield [
            _("Year"), _("Part code"), _("Part"), _("Level"), _("Area code"), _("Area"),
            _("Invited units"), _("Units that submitted"), _("Response rate"),
        ]  # fmt: skip
        levels = {"country": _("The country"), "county": _("County")}
        for rate in self.data.response_rates:
            percent = response_rate(submitted=rate.submitted, invited=rate.invited)
            yield [
                rate.year, rate.part_code, rate.part_label, levels.get(rate.level, rate.level), rate.area_code,
                rate.area_name, rate.invited, rate.submitted, None if percent is None else float(percent / 100),
            ]  # fmt: skip

    def description_rows(self) -> Iterator[Sequence[object]]:
        yield [
            _("Code"), _("Title"), _("Kind"), _("Shown as"), _("Desired direction"), _("Part"), _("Description"),
            _("The rule in words"), _("Years"), _("Comparability notes"),
        ]  # fmt: skip
        for info in self.indicators:
            v = info.latest
            notes = "\n".join(f"{year}: {note}" for year, note in sorted(info.notes.items()))
            yield [
                info.code, v.title, v.get_kind_display(), v.get_aggregation_display(),
                v.get_desired_direction_display(), self.data.part_labels.get(v.part_code, v.part_code),
                v.description, v.rule_text, year_spans(info.years), notes,
            ]  # fmt: skip

    def about_rows(self) -> Iterator[Sequence[object]]:
        data = self.data
        yield [_("Topic"), _("Text")]
        yield [_("Title"), self.document_title()]
        yield [
            _("Source"),
            _(
                "The survey Open comparisons – intimate partner violence, sent every year to all "
                "municipalities and the city districts that answer in their place. The file shows the "
                "published results of %(years)s."
            )
            % {"years": year_spans(data.years)},
        ]
        for year in data.years:
            publication = data.published[year].publication
            yield [
                _("Published %(year)d") % {"year": year},
                _("Revision %(revision)d, %(date)s")
                % {"revision": publication.revision, "date": formats.date_format(publication.published_at, "Y-m-d")},
            ]
        for year in data.years:
            period = data.survey_periods.get(year)
            text = (
                f"{period[0].isoformat()} – {period[1].isoformat()}"
                if period
                else _("No survey data in the system (imported history).")
            )
            yield [_("Survey period %(year)d") % {"year": year}, text]
        for rate in data.response_rates:
            if rate.level != "country":
                continue
            percent = response_rate(submitted=rate.submitted, invited=rate.invited)
            yield [
                _("Response rate %(year)d, %(part)s") % {"year": rate.year, "part": rate.part_label},
                _("%(submitted)d of %(invited)d units (%(percent)s %%)")
                % {
                    "submitted": rate.submitted,
                    "invited": rate.invited,
                    "percent": formats.number_format(percent if percent is not None else Decimal(0), 1),
                },
            ]
        yield [
            _("How to read the file"),
            _(
                "Choose a municipality or district in the yellow cell on the start page: the tables show, "
                "for each indicator and year, its value, the share of units that fulfil the indicator in its "
                "county, in the country and in its groups of that year (its SKR municipal group and its "
                "population class), how many units are behind each share, and the comparability notes. "
                "The file opens on the first unit in alphabetical order. The sheets after it hold all values: "
                "a row per unit, county, the country or group, and a column per indicator and year."
            ),
        ]
        yield [
            _("Shares"),
            _(
                "A share is the share of the units with a value that fulfil the indicator, rounded half up to a "
                "whole percent. Units without a value count in no share. Key figures are sums."
            ),
        ]
        yield [
            _("Number of units"),
            _(
                "The sheets Counties, Country and Groups give for each share the number of units that fulfil "
                "the indicator (“number fulfilling”) and the number of units with a value (“number "
                "with a value”), and for each key figure the number of units with a value; the start page "
                "shows them as “12 of 28”."
            ),
        ]
        if counts := self.confidential_counts():
            yield [
                CONFIDENTIAL_MARK,
                _(
                    "Confidential: a count of persons so small (%(counts)s) that a person could be identified. "
                    "The count is left out, as in Kolada and Socialstyrelsen's statistics, but it is included in "
                    "the sums of the county, the country and the groups."
                )
                % {"counts": counts},
            ]
        yield [_("Yes / No"), _("The unit fulfils / does not fulfil the indicator (stored as 1 and 0).")]
        yield [
            NO_VALUE,
            _(
                "No value: the unit did not submit that part of the questionnaire, or the value is missing in "
                "the imported history."
            ),
        ]
        yield [
            _("Empty cell"),
            _(
                "The indicator was not measured that year, the unit did not report that year (a district "
                "that did not exist), or the grouping had no group that year."
            ),
        ]
        if (no_skr := self.years_without_skr()) and no_skr[0] <= LAST_YEAR_OF_SKR_2011:
            yield [_("SKR municipal group %(year)d") % {"year": no_skr[0]}, self.skr_2011_note(no_skr[0])]
        yield [_("Generated"), data.generated_at]

    def document_title(self) -> str:
        return _("Open comparisons – intimate partner violence: results %(year)d") % {"year": self.data.year}

    def confidential_counts(self) -> str:
        """The confidential counts of the key figures, e.g. "1–4", from their thresholds."""
        thresholds = sorted({v.confidential_below for v in self.versions.values() if v.confidential_below > 1})
        return ", ".join(f"1–{t - 1}" if t > 2 else "1" for t in thresholds)

    def years_without_skr(self) -> list[int]:
        skr = next((c for c in self.comparisons if c.is_skr), None)
        return [y for y in self.data.years if skr is None or y not in skr.grouping_of_year]

    @staticmethod
    def skr_header() -> str:
        return _("Municipal group (SKR)")

    @staticmethod
    def skr_2011_note(year: int) -> str:
        return _(
            "In %(year)d, SKR's municipal grouping of 2011 applied; it is not in the data, so the file has no "
            "SKR group comparison for %(year)d."
        ) % {"year": year}

    def sheets(self) -> list[DataSheet]:
        t = self.titles
        text, wide, wrap, integer = Column(10), Column(28), Column(60, "wrap"), Column(10, "integer")
        unit_columns = [text, wide, Column(16), text, Column(22), *[Column(12)] * len(self.group_columns)]
        return [
            DataSheet("UnitTable", t["units"], [*unit_columns, *self.value_formats(unit=True)], self.unit_rows, 2),
            DataSheet("CountyTable", t["counties"], [text, wide, *self.area_formats()], self.county_rows, 2),
            DataSheet("CountryTable", t["country"], [text, wide, *self.area_formats()], self.country_rows, 2),
            DataSheet(
                "GroupTable",
                t["groups"],
                [Column(14), Column(12), wide, text, wide, *self.area_formats()],
                self.group_rows,
                5,
                repeat_columns=(4, 4),  # the group's name
            ),
            DataSheet(
                "ResponseRates",
                t["rates"],
                [Column(8, "integer"), text, wide, text, text, wide, integer, integer, Column(12, "percent1")],
                self.rate_rows,
                1,
            ),
            DataSheet(
                "IndicatorDescriptions",
                t["descriptions"],
                [
                    text,
                    Column(50, "wrap"),
                    Column(14),
                    Column(18),
                    Column(18),
                    Column(16),
                    wrap,
                    wrap,
                    Column(16),
                    wrap,
                ],
                self.description_rows,
                1,
            ),  # fmt: skip
            DataSheet("AboutTheFile", t["about"], [Column(32, "wrap"), Column(100, "wrap")], self.about_rows, 1),
        ]

    # Writing

    def write(self, target: IO[bytes], *, progress: Progress | None = None) -> None:
        """Writes the workbook to `target`; `progress(percent, message)` after each sheet."""
        report = progress or (lambda _percent, _message: None)
        renderer = Renderer(target, yes=_("Yes"), no=_("No"))
        renderer.set_document_properties(
            title=self.document_title(),
            subject=_("Results of the survey Open comparisons – intimate partner violence, %(years)s")
            % {"years": year_spans(self.data.years)},
            author=_("The National Board of Health and Welfare and SKR"),
            language=LANGUAGE_TAGS.get(get_language(), get_language()),
        )
        start = renderer.add_sheet(self.titles["start"])
        sheets = self.sheets()
        StartPage(self, renderer, start).write()
        report(10, _("Wrote the start page."))
        for index, spec in enumerate(sheets, start=1):
            renderer.write_data_sheet(spec)
            report(10 + 85 * index // len(sheets), _("Wrote the sheet %(title)s.") % {"title": spec.title})
        renderer.close()


class StartPage:
    """The start page: the choice of unit, its groups per year, a table per indicator with the
    unit's value beside its county, the country and its groups (with the counts behind each share),
    and a chart of one chosen indicator. Every cell is a formula over the data sheets with its cached
    result for the unit the file opens on."""

    def __init__(self, exporter: ResultsExporter, renderer: Renderer, sheet: Worksheet) -> None:
        self.exporter, self.renderer, self.sheet = exporter, renderer, sheet
        self.data, self.titles = exporter.data, exporter.titles
        if exporter.chosen is None:
            raise ValueError("no units")
        self.unit = exporter.chosen
        self.cells: dict[tuple[int, int], Cell] = {}
        self.row_heights: dict[int, float] = {ROW_HEADER: START_HEADER_HEIGHT}
        self.col_note = COL_FIRST_GROUPING + 2 * len(exporter.comparisons)
        helper = f"${xl_col_to_name(COL_HELPER)}$"
        self.unit_row = f"{helper}{HELPER_UNIT_ROW + 1}"
        self.county_row = f"{helper}{HELPER_COUNTY_ROW + 1}"
        self.group_row: dict[tuple[int, int], str] = {}  # (comparison index, year) → helper cell
        self.unit_values = dict(zip(exporter.columns, exporter.unit_values(self.unit), strict=True))
        self.county = Area("county", county_id=self.unit.county_id)
        self.no_value = _("no value")
        self.choice = xl_rowcol_to_cell(ROW_CHOICE, COL_UNIT, row_abs=True, col_abs=True)

    # References into the data sheets

    def column(self, sheet: str, col: int, last_row: int) -> str:
        return reference(self.titles[sheet], col, 0, col, last_row)

    def units_column(self, col: int) -> str:
        return self.column("units", col, len(self.data.units))

    def area_sheet(self, level: str) -> tuple[str, int, int]:
        """The sheet, its last row and its first value column for an area level."""
        if level == "county":
            return "counties", len(self.data.counties), AREA_LEADING
        if level == "country":
            return "country", 1, AREA_LEADING
        groups = sum(len(g.groups) for g in self.data.groupings)
        return "groups", groups, GROUP_LEADING

    def area_column(self, level: str, offset: int) -> str:
        sheet, last_row, first = self.area_sheet(level)
        return self.column(sheet, first + offset, last_row)

    def count_column(self, level: str, info: IndicatorInfo, year: int, kind: str) -> str:
        offset = len(self.exporter.columns) + self.exporter.count_index[info, year, kind]
        return self.area_column(level, offset)

    @staticmethod
    def guarded(row_ref: str, expression: str, otherwise: str = '""') -> str:
        """INDEX(…) at a helper row that is 0 when there is nothing to read: then empty (a helper row: 0)."""
        return f"IF({row_ref}=0,{otherwise},{expression})"

    def shown(self, lookup: str) -> str:
        """A data-sheet cell as the start page shows it: empty stays empty, "–" is spelled out."""
        return f'IF({lookup}="","",IF({lookup}="{NO_VALUE}",{text_formula(self.no_value)},{lookup}))'

    def cached(self, value: object) -> object:
        if value is None:
            return ""
        return self.no_value if value == NO_VALUE else value

    # The cells

    def write(self) -> None:
        self.choice_cells()
        self.helper_cells()
        row = self.group_rows(ROW_HEADER + 1)
        row = self.indicator_rows(row + 1)
        last_row = self.chart(row + 1)
        self.render(last_row)

    def choice_cells(self) -> None:
        cells, exporter = self.cells, self.exporter
        cells[ROW_TITLE, COL_LABEL] = Cell(
            _("Open comparisons – intimate partner violence: results %(years)s")
            % {"years": year_spans(self.data.years)},
            "title",
        )
        first = exporter.labels[self.data.units[0].id]
        choose = _(
            "Choose a municipality or district in the yellow cell: the tables and the chart fill in by themselves."
        )
        opened = _(
            "The file opens on the first unit in alphabetical order, %(unit)s. Choose another municipality or "
            "district in the yellow cell: the tables and the chart fill in by themselves."
        )
        unknown = _("Unknown unit: choose a municipality or district from the list in the yellow cell.")
        shows = _("The tables and the chart show %(unit)s.")
        label = exporter.labels[self.unit.id]
        state = (opened if label == first else shows) % {"unit": label}
        # The first unit is row 2 of Units; names enter the text by reference, never inside the formula.
        cells[ROW_STATE, COL_LABEL] = Cell(
            state,
            formula=f'IF({self.choice}="",{text_formula(choose)},IF({self.unit_row}=0,{text_formula(unknown)},'
            f"IF({self.unit_row}=2,{joined_formula(opened, unit=self.choice)},"
            f"{joined_formula(shows, unit=self.choice)})))",
        )
        cells[ROW_CHOICE, COL_LABEL] = Cell(_("Municipality or district"), "bold")
        cells[ROW_CHOICE, COL_UNIT] = Cell(label, "input")
        county = next((c for c in self.data.counties if c.id == self.unit.county_id), None)
        cells[ROW_CODE, COL_LABEL] = Cell(_("Code"), "bold")
        cells[ROW_CODE, COL_UNIT] = Cell(
            self.unit.code,
            formula=self.guarded(self.unit_row, f"INDEX({self.units_column(UNIT_CODE)},{self.unit_row})"),
        )
        cells[ROW_CODE, COL_COUNTY] = Cell(_("County"), "bold")
        cells[ROW_CODE, COL_COUNTY_COUNT] = Cell(
            county.name if county else "",
            formula=self.guarded(self.unit_row, f"INDEX({self.units_column(UNIT_COUNTY_NAME)},{self.unit_row})"),
        )

    def helper_cells(self) -> None:
        """The rows to read: the unit's in Units, its county's in Counties, each group's in Groups
        (0: none). MATCH over a column from row 1 gives the sheet row."""
        data, cells, exporter = self.data, self.cells, self.exporter
        index = next(i for i, u in enumerate(data.units) if u.id == self.unit.id) + 2
        cells[HELPER_UNIT_ROW, COL_HELPER] = Cell(
            index, "integer", f"IFERROR(MATCH({self.choice},{self.units_column(UNIT_NAME)},0),0)"
        )
        county_index = next((i for i, c in enumerate(data.counties) if c.id == self.unit.county_id), -1) + 2
        counties = self.column("counties", 0, len(data.counties))
        cells[HELPER_COUNTY_ROW, COL_HELPER] = Cell(
            county_index,
            "integer",
            self.guarded(
                self.unit_row,
                f"IFERROR(MATCH(INDEX({self.units_column(UNIT_COUNTY_CODE)},{self.unit_row}),{counties},0),0)",
                "0",
            ),
        )
        group_keys = [group_key(g, group.code) for g in data.groupings for group in g.groups]
        groups = self.column("groups", 0, len(group_keys))
        row = HELPER_COUNTY_ROW + 1
        for number, comparison in enumerate(exporter.comparisons):
            for year, grouping in sorted(comparison.grouping_of_year.items()):
                self.group_row[number, year] = f"${xl_col_to_name(COL_HELPER)}${row + 1}"
                col = UNIT_COUNTY_NAME + 1 + exporter.group_columns.index((grouping, year))
                code = self.group_code(grouping, year)
                cached = group_keys.index(group_key(grouping, code)) + 2 if code is not None else 0
                cells[row, COL_HELPER] = Cell(
                    cached,
                    "integer",
                    self.guarded(
                        self.unit_row,
                        f'IFERROR(MATCH("{group_key(grouping, "")}"&INDEX({self.units_column(col)},{self.unit_row}),'
                        f"{groups},0),0)",
                        "0",
                    ),
                )
                row += 1

    def note(self, row: int, text: str) -> None:
        """A note in the last column, its row high enough for the wrapped lines (no program fits a
        row's height to wrapped text by itself when opening a file)."""
        self.cells[row, self.col_note] = Cell(text, "wrap")
        lines = -(-len(text) // NOTE_CHARACTERS_PER_LINE)
        self.row_heights[row] = max(self.row_heights.get(row, 0), LINE_HEIGHT * lines)

    def group_code(self, grouping: GroupingInfo, year: int) -> str | None:
        group_id = self.data.memberships.get((year, grouping.id, self.unit.id))
        return next((g.code for g in grouping.groups if g.id == group_id), None)

    def group_of(self, grouping: GroupingInfo, year: int) -> int | None:
        return self.data.memberships.get((year, grouping.id, self.unit.id))

    def header(self, row: int, first: str) -> None:
        texts = {
            COL_LABEL: first,
            COL_UNIT: _("Chosen unit"),
            COL_COUNTY: _("County"),
            COL_COUNTY_COUNT: _("Number of units"),
            COL_COUNTRY: _("The country"),
            COL_COUNTRY_COUNT: _("Number of units"),
            self.col_note: _("Comparability"),
        }
        for number, comparison in enumerate(self.exporter.comparisons):
            texts[COL_FIRST_GROUPING + 2 * number] = comparison.header
            texts[COL_FIRST_GROUPING + 2 * number + 1] = _("Number of units")
        for col, text in texts.items():
            self.cells[row, col] = Cell(text, "header")

    def group_rows(self, row: int) -> int:
        """A row per year with the unit's group in each comparison grouping; returns the next row."""
        cells, exporter = self.cells, self.exporter
        self.header(ROW_HEADER, _("Indicator and year"))
        cells[row, COL_LABEL] = Cell(_("The unit's groups, per year"), "bold")
        row += 1
        names = self.column("groups", 4, sum(len(g.groups) for g in self.data.groupings))
        for year in self.data.years:
            cells[row, COL_LABEL] = Cell(year, "year")
            self.row_heights[row] = GROUP_ROW_HEIGHT
            for number, comparison in enumerate(exporter.comparisons):
                grouping = comparison.grouping_of_year.get(year)
                col = COL_FIRST_GROUPING + 2 * number
                if grouping is None:
                    if comparison.is_skr and year <= LAST_YEAR_OF_SKR_2011:
                        self.note(row, exporter.skr_2011_note(year))
                    continue
                ref = self.group_row[number, year]
                group_id = self.group_of(grouping, year)
                name = next((g.name for g in grouping.groups if g.id == group_id), "")
                cells[row, col] = Cell(name, "group", self.guarded(ref, f"INDEX({names},{ref})"))
            row += 1
        return row

    def indicator_rows(self, row: int) -> int:
        """A block per indicator, a row per year; returns the next row."""
        cells, exporter = self.cells, self.exporter
        value_col = {key: exporter.units_first_value + i for i, key in enumerate(exporter.columns)}
        for info in exporter.indicators:
            cells[row, COL_LABEL] = Cell(f"{info.code} {info.latest.title}", "bold")
            row += 1
            for year in info.years:
                share = exporter.is_share(info, year)
                cells[row, COL_LABEL] = Cell(year, "year")
                lookup = f"INDEX({self.units_column(value_col[info, year])},{self.unit_row})"
                cells[row, COL_UNIT] = Cell(
                    self.cached(self.unit_values[info, year]),
                    "yesno_right" if share else "right",
                    self.guarded(self.unit_row, self.shown(lookup)),
                )
                self.area_cells(row, info, year, COL_COUNTY, "county", self.county_row, self.county)
                self.area_cells(row, info, year, COL_COUNTRY, "country", "2", Area("country"))
                for number, comparison in enumerate(exporter.comparisons):
                    grouping = comparison.grouping_of_year.get(year)
                    if grouping is None:
                        continue
                    group_id = self.group_of(grouping, year)
                    area = Area("group", group_id=group_id) if group_id is not None else None
                    ref = self.group_row[number, year]
                    self.area_cells(row, info, year, COL_FIRST_GROUPING + 2 * number, "group", ref, area)
                if year in info.notes:
                    self.note(row, info.notes[year])
                row += 1
            row += 1
        return row

    def area_cells(
        self, row: int, info: IndicatorInfo, year: int, col: int, level: str, row_ref: str, area: Area | None
    ) -> None:
        """An area's figure and, beside it, the counts behind it ("12 of 28", "28 with a value")."""
        exporter = self.exporter
        offset = exporter.columns.index((info, year))
        share = exporter.is_share(info, year)
        figure = exporter.figure(info, year, area) if area is not None else None
        lookup = f"INDEX({self.area_column(level, offset)},{row_ref})"
        formula = self.shown(lookup)
        if level != "country":
            formula = self.guarded(row_ref, formula)
        value = area_value(figure, exporter.versions[info, year])
        self.cells[row, col] = Cell(self.cached(value), "percent_right" if share else "right", formula)

        units = f"INDEX({self.count_column(level, info, year, WITH_VALUE)},{row_ref})"
        if share:
            template = _("%(fulfilled)s of %(units)s")
            fulfilled = f"INDEX({self.count_column(level, info, year, FULFILLED)},{row_ref})"
            text = joined_formula(template, fulfilled=fulfilled, units=units)
            cached = template % {"fulfilled": int(figure.numerator), "units": figure.denominator} if figure else ""
        else:
            template = _("%(units)s with a value")
            text = joined_formula(template, units=units)
            cached = template % {"units": figure.denominator} if figure else ""
        if figure is not None and not figure.denominator:
            cached = ""
        count_formula = f'IF({units}=0,"",{text})'  # an empty cell is 0 too
        if level != "country":
            count_formula = self.guarded(row_ref, count_formula)
        self.cells[row, col + 1] = Cell(cached, "count", count_formula)

    def chart(self, row: int) -> int:
        """The chosen unit against its county and the country for a chosen share indicator, a row
        per year and a column chart below them; returns the last row of the page."""
        exporter, cells, titles = self.exporter, self.cells, self.titles
        shares = [info for info in exporter.indicators if info.is_share]
        if not shares:
            return row
        chosen = shares[0]
        self.sheet.set_h_pagebreaks([row])  # the chart's page: the indicator, its table and the chart
        for index, info in enumerate(shares):
            cells[index, COL_CHART_CODES] = Cell(info.code)
        self.renderer.workbook.define_name(
            "ChartIndicators",
            "=" + reference(titles["start"], COL_CHART_CODES, 0, COL_CHART_CODES, len(shares) - 1),
        )
        cells[row, COL_LABEL] = Cell(_("Indicator in the chart"), "bold")
        cells[row, COL_UNIT] = Cell(chosen.code, "input")
        code_cell = xl_rowcol_to_cell(row, COL_UNIT, True, True)
        last = len(exporter.indicators)
        codes = reference(titles["descriptions"], 0, 0, 0, last)
        texts = reference(titles["descriptions"], 1, 0, 1, last)
        cells[row, COL_COUNTY] = Cell(
            chosen.latest.title, "bold", f'IFERROR(INDEX({texts},MATCH({code_cell},{codes},0)),"")'
        )
        self.sheet.data_validation(row, COL_UNIT, row, COL_UNIT, {"validate": "list", "source": "=ChartIndicators"})
        row += 1
        header_row = row
        self.header(header_row, _("Year"))
        for col in range(COL_COUNTY_COUNT, self.col_note + 1):
            if col != COL_COUNTRY:
                cells.pop((header_row, col), None)
        self.row_heights[header_row] = START_HEADER_HEIGHT
        units_last_col = exporter.units_first_value + len(exporter.columns) - 1
        units_table = reference(titles["units"], 0, 0, units_last_col, len(self.data.units))
        units_header = reference(titles["units"], 0, 0, units_last_col, 0)
        area_last_col = AREA_LEADING + len(exporter.columns) - 1
        county_table = reference(titles["counties"], 0, 0, area_last_col, len(self.data.counties))
        country_table = reference(titles["country"], 0, 0, area_last_col, 1)
        area_header = reference(titles["country"], 0, 0, area_last_col, 0)
        first = row + 1
        for index, year in enumerate(self.data.years):
            row = first + index
            year_cell = xl_rowcol_to_cell(row, COL_LABEL)
            unit_match = xl_rowcol_to_cell(row, COL_CHART_UNIT_MATCH, False, True)
            area_match = xl_rowcol_to_cell(row, COL_CHART_AREA_MATCH, False, True)
            present = year in chosen.years
            position = exporter.columns.index((chosen, year)) + 1 if present else 0
            cells[row, COL_LABEL] = Cell(year, "year")
            key = f'{code_cell}&" "&{year_cell}'
            cells[row, COL_CHART_UNIT_MATCH] = Cell(
                exporter.units_first_value + position if present else 0,
                "integer",
                f"IFERROR(MATCH({key},{units_header},0),0)",
            )
            cells[row, COL_CHART_AREA_MATCH] = Cell(
                AREA_LEADING + position if present else 0, "integer", f"IFERROR(MATCH({key},{area_header},0),0)"
            )
            unit_value = self.unit_values.get((chosen, year)) if present else None
            county = exporter.figure(chosen, year, self.county) if present else None
            country = exporter.figure(chosen, year, Area("country")) if present else None
            for col, table, row_ref, match, value in (
                (COL_UNIT, units_table, self.unit_row, unit_match, unit_value),
                (COL_COUNTY, county_table, self.county_row, area_match, area_value(county, None)),
                (COL_COUNTRY, country_table, "2", area_match, area_value(country, None)),
            ):
                lookup = f"INDEX({table},{row_ref},{match})"
                cells[row, col] = Cell(
                    value if isinstance(value, (int, float)) else "#N/A",
                    "percent",
                    f"IF(OR({row_ref}=0,{match}=0),NA(),IF(ISNUMBER({lookup}),{lookup},NA()))",
                )
        last = first + len(self.data.years) - 1
        # #N/A is what makes the chart leave a gap; in the table it would read as an error, so it is white.
        self.sheet.conditional_format(
            first, COL_UNIT, last, COL_COUNTRY,
            {"type": "formula", "criteria": f"=ISNA({xl_rowcol_to_cell(first, COL_UNIT)})",
             "format": self.renderer.workbook.add_format({"font_color": "#FFFFFF"})},
        )  # fmt: skip
        self.renderer.workbook.define_name(
            "ChartTable", "=" + reference(titles["start"], COL_LABEL, header_row, COL_COUNTRY, last)
        )
        self.insert_chart(first, last)
        return last + 1 + CHART_HEIGHT_ROWS

    def insert_chart(self, first: int, last: int) -> None:
        titles = self.titles
        chart = self.renderer.workbook.add_chart({"type": "column"})
        start = quoted(titles["start"])
        names = (
            (COL_UNIT, f"={start}!{self.choice}"),
            (COL_COUNTY, f"={start}!${xl_col_to_name(COL_COUNTY_COUNT)}${ROW_CODE + 1}"),
            (COL_COUNTRY, _("The country")),
        )
        for col, name in names:
            chart.add_series(
                {
                    "name": name,
                    "categories": "=" + reference(titles["start"], COL_LABEL, first, COL_LABEL, last),
                    "values": "=" + reference(titles["start"], col, first, col, last),
                    "data_labels": {"value": True, "num_format": "0%", "font": {"size": 7}},
                    "gap": 80,
                }
            )
        chart.set_title({"name": _("Share of units that fulfil the chosen indicator, per year"),
                         "name_font": {"size": 12}})  # fmt: skip
        chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%", "major_gridlines": {"visible": True}})
        chart.set_legend({"position": "bottom"})
        chart.show_blanks_as("gap")
        chart.show_na_as_empty_cell()
        width = sum(self.pixels(col) for col in range(COL_LABEL, self.col_note))
        chart.set_size({"width": width, "height": 20 * CHART_HEIGHT_ROWS})
        self.sheet.insert_chart(last + 1, COL_LABEL, chart, {"y_offset": 10})

    def widths(self) -> list[float]:
        """The label, the unit, then per area a value and a count column (a group's value column
        also holds the group's name), then the note."""
        areas = [9, 11, 9, 11] + [16, 11] * len(self.exporter.comparisons)
        return [44, 14, *areas, 50]

    def pixels(self, col: int) -> int:
        """A column's width in pixels, as Excel and xlsxwriter compute it for the default font."""
        return int(self.widths()[col] * 7 + 0.5) + 5

    def render(self, last_row: int) -> None:
        sheet, renderer, titles = self.sheet, self.renderer, self.titles
        for col, width in enumerate(self.widths()):
            sheet.set_column(col, col, width)
        sheet.set_column(COL_HELPER, COL_CHART_AREA_MATCH, None, None, {"hidden": True})
        current = -1
        for (r, c), cell in sorted(self.cells.items()):
            if r != current:  # constant memory: a row's height before its first cell
                current = r
                if r in self.row_heights:
                    sheet.set_row(r, self.row_heights[r])
            fmt = renderer.formats[cell.format]
            if cell.formula:
                cached = safe_text(cell.value) if isinstance(cell.value, str) else cell.value
                sheet.write_formula(r, c, "=" + cell.formula, fmt, cached)
            elif isinstance(cell.value, str):
                renderer.write_string(sheet, r, c, cell.value, cell.format)
            else:
                renderer.write_value(sheet, r, c, cell.value, cell.format)
        units_last_row = len(self.data.units)
        renderer.workbook.define_name(
            "UnitNames", "=" + reference(titles["units"], UNIT_NAME, 1, UNIT_NAME, units_last_row)
        )
        sheet.data_validation(
            ROW_CHOICE,
            COL_UNIT,
            ROW_CHOICE,
            COL_UNIT,
            {
                "validate": "list",
                "source": "=UnitNames",
                "error_title": _("Unknown unit"),
                "error_message": _("Choose a municipality or district from the list."),
            },
        )
        sheet.freeze_panes(ROW_HEADER + 1, 0)
        # The choice and the table header on every printed page: each page says which unit it shows.
        renderer.print_setup(sheet, header_rows=(ROW_CHOICE, ROW_HEADER))
        sheet.print_area(0, 0, last_row, self.col_note)


def comparisons(groupings: Sequence[GroupingInfo]) -> list[Comparison]:
    """SKR's kommungrupp first (in each year the SKR grouping that has memberships that year), then
    every other grouping under its own name."""
    skr = Comparison(ResultsExporter.skr_header(), is_skr=True)
    others = []
    for grouping in groupings:
        if grouping.is_skr:
            for year in grouping.years:
                skr.grouping_of_year.setdefault(year, grouping)
        else:
            others.append(Comparison(grouping.name, dict.fromkeys(grouping.years, grouping)))
    return ([skr] if skr.grouping_of_year else []) + others


def unit_labels(units: Sequence[UnitInfo], unit_years: dict[int, set[int]], years: Sequence[int]) -> dict[int, str]:
    """The names the start page's picker lists: a district with its city ("Järva (Stockholm)"), a
    unit that no longer reports with the years it did ("Centrum (Göteborg, 2016–2020)"), and a name
    that two units still share with the code."""
    last = years[-1] if years else None
    labels = {}
    for unit in units:
        details = [unit.city] if unit.city else []
        if last is not None and unit.id not in unit_years.get(last, set()):
            details.append(year_spans([y for y in years if unit.id in unit_years[y]]))
        labels[unit.id] = f"{unit.name} ({', '.join(details)})" if details else unit.name
    counts = Counter(labels.values())
    return {u.id: labels[u.id] if counts[labels[u.id]] == 1 else f"{labels[u.id]} ({u.code})" for u in units}


def area_value(figure: Figure | None, version: IndicatorVersion | None) -> object:
    """A county's, the country's or a group's published figure: a share as a fraction of the whole
    percent, a sum as a number (".." when confidential), NO_VALUE without units with a value, None
    without units."""
    if figure is None:
        return None
    display = figure.display
    if display is None:
        return NO_VALUE
    if figure.aggregation == "share":
        return float(display) / 100
    if version is not None and version.is_confidential(display):
        return CONFIDENTIAL_MARK
    return float(display)


def group_key(grouping: GroupingInfo, code: str | None) -> str:
    return f"{grouping.code}:{code or ''}"


def year_spans(years: Sequence[int]) -> str:
    """2016, 2017, 2018, 2020 → "2016–2018, 2020"."""
    spans: list[list[int]] = []
    for year in sorted(years):
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)
