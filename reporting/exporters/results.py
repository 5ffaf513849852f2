"""The Excel results file of a publication year: every published year from 2016 up to it.

Layout. The data sheets have a row per area and a column per indicator and year ("VINR02 2024"):
Units (one row per municipality or district with code, name, kind, county and its group in each
grouping and year), Counties, Country and Groups. A row per unit keeps the largest sheet at the
number of units (about 300 today, 3,000 at ten times as many) and its width at indicators × years
(18 × 10 today), far from Excel's 1,048,576 rows and 16,384 columns; a row per unit, indicator and
year would pass a million rows at ten times the units.

The start page looks up the chosen unit with one MATCH (a hidden helper cell holds its row in
Units), its county with one more and its SKR kommungrupp with one per year, and every table cell
is an INDEX into a single column at that row: LibreOffice recalculates it in well under a second,
where SUMIFS took about 6 s and three-criteria array lookups about 28 s. Spreadsheet programs trust
the cached results of formulas on opening, so every formula is written with the result it has for
the unit shown by default, computed here from the same data.

Values: a unit's value of an indicator is 1 or 0 shown as Ja/Nej by a number format; a key
figure is a number; a share is a fraction shown with a % format, the published whole percent
(rounded half up); "–" marks no value; an empty cell that the indicator was not measured or the
unit did not report that year."""

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from core.spreadsheets import NO_VALUE, Column, DataSheet, Renderer, quoted, reference
from indicators.calculation.aggregate import Area
from reporting.exporters.data import ExportData, GroupingInfo, IndicatorInfo, UnitInfo
from reporting.selectors.published import Figure
from survey.coordination.monitor import COUNTRY_CODE, response_rate

Progress = Callable[[int, str], None]

# The start page's columns (0-based).
COL_LABEL, COL_UNIT, COL_COUNTY, COL_COUNTRY, COL_GROUP, COL_NOTE = range(6)
COL_CHART_YEAR, COL_CHART_UNIT, COL_CHART_COUNTRY = 7, 8, 9
COL_CHART_UNIT_MATCH, COL_CHART_COUNTRY_MATCH, COL_HELPER, COL_CHART_CODES = 24, 25, 26, 27
ROW_CHOICE, ROW_CODE, ROW_HEADER = 2, 3, 6
ROW_CHART_CHOICE, ROW_CHART_TITLE = 2, 3
HELPER_UNIT_ROW, HELPER_COUNTY_ROW = 0, 1  # rows of the helper column; the group rows follow

# Leading columns of the data sheets, before the indicator-and-year columns.
UNIT_CODE, UNIT_NAME, UNIT_KIND, UNIT_COUNTY_CODE, UNIT_COUNTY_NAME = range(5)
AREA_LEADING = 2  # code, name
GROUP_LEADING = 5  # key, grouping code, grouping name, group code, group name


@dataclass(frozen=True)
class Cell:
    value: object = None
    format: str = "text"
    formula: str = ""  # without "="; `value` is then its cached result


class ResultsExporter:
    """The results file (STYLE.md §5): `sheets()` are the data sheets with their row generators;
    `write()` renders the start page and then the sheets."""

    identifier = "results"
    name = gettext_lazy("Results file")

    def __init__(self, data: ExportData) -> None:
        self.data = data
        self.indicators = data.indicators()
        self.columns: list[tuple[IndicatorInfo, int]] = [(info, y) for info in self.indicators for y in info.years]
        self.unit_years: dict[int, set[int]] = {
            y: {unit for unit, _code in data.published[y].values} for y in data.years
        }
        self.group_columns: list[tuple[GroupingInfo, int]] = [(g, y) for g in data.groupings for y in g.years]
        self.skr_of_year: dict[int, GroupingInfo] = {}
        for grouping in data.groupings:
            if grouping.is_skr:
                for year in grouping.years:
                    self.skr_of_year.setdefault(year, grouping)
        self.units_first_value = UNIT_COUNTY_NAME + 1 + len(self.group_columns)
        self._unit_plan: list[tuple[dict, str, bool, set[int]]] | None = None
        # The start page finds the chosen unit by its name: a name that two units share gets the code.
        counts = Counter(unit.name for unit in data.units)
        self.labels = {u.id: u.name if counts[u.name] == 1 else f"{u.name} ({u.code})" for u in data.units}
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

    # The data sheets

    def value_header(self) -> list[str]:
        return [f"{info.code} {year}" for info, year in self.columns]

    def value_formats(self, *, unit: bool) -> list[Column]:
        columns = []
        for info, year in self.columns:
            share = self.data.published[year].versions[info.code].aggregation == "share"
            columns.append(Column(11, ("yesno" if unit else "percent") if share else "number"))
        return columns

    def unit_values(self, unit: UnitInfo) -> list[object]:
        plan = self._unit_plan
        if plan is None:
            # Per column: the year's values, whether it is a share, and the units that reported that year.
            plan = self._unit_plan = [
                (
                    self.data.published[year].values,
                    info.code,
                    self.data.published[year].versions[info.code].aggregation == "share",
                    self.unit_years[year],
                )
                for info, year in self.columns
            ]
        row: list[object] = []
        append, unit_id = row.append, unit.id
        for values, code, share, reported in plan:
            entry = values.get((unit_id, code))
            value = entry[0] if entry is not None else None
            if value is None:
                append(NO_VALUE if unit_id in reported else None)
            elif share:
                append(int(value))
            else:
                append(float(value))
        return row

    def area_values(self, area: Area) -> list[object]:
        return [area_value(self.data.published[year].figure(info.code, area)) for info, year in self.columns]

    def unit_rows(self) -> Iterator[Sequence[object]]:
        data = self.data
        counties = {county.id: county for county in data.counties}
        yield [
            _("Code"), _("Name"), _("Kind"), _("County code"), _("County"),
            *[f"{grouping.code} {year}" for grouping, year in self.group_columns],
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
        yield [_("Code"), _("County"), *self.value_header()]
        for county in self.data.counties:
            yield [county.code, county.name, *self.area_values(Area("county", county_id=county.id))]

    def country_rows(self) -> Iterator[Sequence[object]]:
        yield [_("Code"), _("Area"), *self.value_header()]
        yield [COUNTRY_CODE, _("The country"), *self.area_values(Area("country"))]

    def group_rows(self) -> Iterator[Sequence[object]]:
        yield [_("Key"), _("Grouping code"), _("Grouping"), _("Group code"), _("Group"), *self.value_header()]
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
                v.get_desired_direction_display(), v.part_code, v.description, v.rule_text, year_spans(info.years),
                notes,
            ]  # fmt: skip

    def about_rows(self) -> Iterator[Sequence[object]]:
        data = self.data
        yield [_("Topic"), _("Text")]
        yield [
            _("Title"),
            _("Open comparisons – intimate partner violence: results %(year)d") % {"year": data.year},
        ]
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
                "for each indicator and year, its value, the share of units in its county, in the country and "
                "in its SKR municipal group of that year that fulfil the indicator, and the comparability notes. "
                "The sheets after it hold all values: a row per unit, county, the country or group, and a "
                "column per indicator and year."
            ),
        ]
        yield [
            _("Shares"),
            _(
                "A share is the share of the units with a value that fulfil the indicator, rounded half up to a "
                "whole percent. Units without a value count in no share. Key figures are sums."
            ),
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
        yield [_("Generated"), data.generated_at]

    def sheets(self) -> list[DataSheet]:
        t = self.titles
        text, wide, wrap, integer = Column(10), Column(28), Column(60, "wrap"), Column(10, "integer")
        unit_columns = [text, wide, Column(16), text, Column(22), *[text] * len(self.group_columns)]
        return [
            DataSheet("UnitTable", t["units"], [*unit_columns, *self.value_formats(unit=True)], self.unit_rows, 2),
            DataSheet("CountyTable", t["counties"], [text, wide, *self.value_formats(unit=False)], self.county_rows, 2),
            DataSheet(
                "CountryTable", t["country"], [text, wide, *self.value_formats(unit=False)], self.country_rows, 2
            ),
            DataSheet(
                "GroupTable",
                t["groups"],
                [Column(14), Column(12), wide, text, wide, *self.value_formats(unit=False)],
                self.group_rows,
                5,
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
                [text, Column(50, "wrap"), Column(14), Column(18), Column(18), text, wrap, wrap, Column(16), wrap],
                self.description_rows,
                1,
            ),
            DataSheet("AboutTheFile", t["about"], [Column(32, "wrap"), Column(100, "wrap")], self.about_rows, 1),
        ]

    # Writing

    def write(self, target: IO[bytes], *, progress: Progress | None = None) -> None:
        """Writes the workbook to `target`; `progress(percent, message)` after each sheet."""
        report = progress or (lambda _percent, _message: None)
        renderer = Renderer(target, yes=_("Yes"), no=_("No"))
        start = renderer.add_sheet(self.titles["start"])
        sheets = self.sheets()
        self.write_start_page(renderer, start)
        report(10, _("Wrote the start page."))
        for index, spec in enumerate(sheets, start=1):
            renderer.write_data_sheet(spec)
            report(10 + 85 * index // len(sheets), _("Wrote the sheet %(title)s.") % {"title": spec.title})
        renderer.close()

    def write_start_page(self, renderer: Renderer, sheet: Worksheet) -> None:
        data, titles = self.data, self.titles
        cells: dict[tuple[int, int], Cell] = {}
        n_units = len(data.units)
        if not n_units:
            raise ValueError("no units")
        default = data.units[0]
        default_county = next((c for c in data.counties if c.id == default.county_id), None)
        units_last_row = n_units  # 0-based: the header is row 0
        units_last_col = self.units_first_value + len(self.columns) - 1
        counties_last_row = len(data.counties)
        helper = f"${xl_col_to_name(COL_HELPER)}$"
        unit_row_ref = f"{helper}{HELPER_UNIT_ROW + 1}"
        county_row_ref = f"{helper}{HELPER_COUNTY_ROW + 1}"

        def units_column(col: int) -> str:
            return reference(titles["units"], col, 0, col, units_last_row)

        # The choice, its code and county, and the helper cells with the rows to read.
        cells[0, COL_LABEL] = Cell(_("Open comparisons – intimate partner violence: results %(years)s")
                                   % {"years": year_spans(data.years)}, "title")  # fmt: skip
        cells[1, COL_LABEL] = Cell(
            _("Choose a municipality or district in the yellow cell: the tables and the chart fill in by themselves.")
        )
        cells[ROW_CHOICE, COL_LABEL] = Cell(_("Municipality or district"), "bold")
        cells[ROW_CHOICE, COL_UNIT] = Cell(self.labels[default.id], "input")
        cells[ROW_CODE, COL_LABEL] = Cell(_("Code"), "bold")
        cells[ROW_CODE, COL_UNIT] = Cell(default.code, formula=f"INDEX({units_column(UNIT_CODE)},{unit_row_ref})")
        cells[ROW_CODE, COL_COUNTY] = Cell(_("County"), "bold")
        cells[ROW_CODE, COL_COUNTRY] = Cell(
            default_county.name if default_county else "",
            formula=f"INDEX({units_column(UNIT_COUNTY_NAME)},{unit_row_ref})",
        )
        choice = xl_rowcol_to_cell(ROW_CHOICE, COL_UNIT, row_abs=True, col_abs=True)
        # MATCH over the column from row 1 gives the sheet row: the default unit is the first, row 2.
        cells[HELPER_UNIT_ROW, COL_HELPER] = Cell(2, "integer", f"MATCH({choice},{units_column(UNIT_NAME)},0)")
        county_index = next((i for i, c in enumerate(data.counties) if c.id == default.county_id), -1) + 2
        cells[HELPER_COUNTY_ROW, COL_HELPER] = Cell(
            county_index,
            "integer",
            f"MATCH(INDEX({units_column(UNIT_COUNTY_CODE)},{unit_row_ref}),"
            f"{reference(titles['counties'], 0, 0, 0, counties_last_row)},0)",
        )
        group_keys = [group_key(g, group.code) for g in data.groupings for group in g.groups]
        groups_last_row = len(group_keys)
        group_row_ref: dict[int, str] = {}
        for index, (year, grouping) in enumerate(sorted(self.skr_of_year.items())):
            row = HELPER_COUNTY_ROW + 1 + index
            group_row_ref[year] = f"{helper}{row + 1}"
            col = UNIT_COUNTY_NAME + 1 + self.group_columns.index((grouping, year))
            group_id = data.memberships.get((year, grouping.id, default.id))
            code = next((g.code for g in grouping.groups if g.id == group_id), None)
            cached = group_keys.index(group_key(grouping, code)) + 2 if code is not None else 0
            cells[row, COL_HELPER] = Cell(
                cached,
                "integer",
                f'IFERROR(MATCH("{group_key(grouping, "")}"&INDEX({units_column(col)},{unit_row_ref}),'
                f"{reference(titles['groups'], 0, 0, 0, groups_last_row)},0),0)",
            )

        # The tables: a block per indicator, a row per year.
        for col, text in enumerate(
            [
                _("Indicator and year"),
                _("Chosen unit"),
                _("County"),
                _("The country"),
                _("SKR municipal group"),
                _("Comparability"),
            ]  # fmt: skip
        ):
            cells[ROW_HEADER, col] = Cell(text, "header")
        row = ROW_HEADER + 1
        default_values = dict(zip(self.columns, self.unit_values(default), strict=True))
        value_col = {key: self.units_first_value + i for i, key in enumerate(self.columns)}
        area_col = {key: AREA_LEADING + i for i, key in enumerate(self.columns)}
        group_col = {key: GROUP_LEADING + i for i, key in enumerate(self.columns)}
        for info in self.indicators:
            cells[row, COL_LABEL] = Cell(f"{info.code} {info.latest.title}", "bold")
            row += 1
            for year in info.years:
                published = data.published[year]
                share = published.versions[info.code].aggregation == "share"
                area_format = "percent" if share else "number"
                cells[row, COL_LABEL] = Cell(year, "integer")
                column = units_column(value_col[info, year])
                unit_value = default_values[info, year]
                cells[row, COL_UNIT] = Cell(
                    "" if unit_value is None else unit_value,
                    "yesno" if share else "number",
                    f'IF(INDEX({column},{unit_row_ref})="","",INDEX({column},{unit_row_ref}))',
                )
                county_column = reference(
                    titles["counties"], area_col[info, year], 0, area_col[info, year], counties_last_row
                )
                county_value = area_value(published.figure(info.code, Area("county", county_id=default.county_id)))
                cells[row, COL_COUNTY] = Cell(
                    "" if county_value is None else county_value,
                    area_format,
                    f'IF(INDEX({county_column},{county_row_ref})="","",INDEX({county_column},{county_row_ref}))',
                )
                country_cell = f"{quoted(titles['country'])}!{xl_rowcol_to_cell(1, area_col[info, year], True, True)}"
                country_value = area_value(published.figure(info.code, Area("country")))
                cells[row, COL_COUNTRY] = Cell(
                    "" if country_value is None else country_value,
                    area_format,
                    f'IF({country_cell}="","",{country_cell})',
                )
                if year in group_row_ref:
                    grouping = self.skr_of_year[year]
                    group_id = data.memberships.get((year, grouping.id, default.id))
                    group_value = (
                        area_value(published.figure(info.code, Area("group", group_id=group_id)))
                        if group_id is not None
                        else None
                    )
                    ref = group_row_ref[year]
                    group_column = reference(
                        titles["groups"], group_col[info, year], 0, group_col[info, year], groups_last_row
                    )
                    cells[row, COL_GROUP] = Cell(
                        "" if group_value is None else group_value,
                        area_format,
                        f'IF({ref}=0,"",IF(INDEX({group_column},{ref})="","",INDEX({group_column},{ref})))',
                    )
                if year in info.notes:
                    cells[row, COL_NOTE] = Cell(info.notes[year], "wrap")
                row += 1
            row += 1
        last_row = row

        self.chart_cells(cells, renderer, sheet, default_values, unit_row_ref, units_last_row, units_last_col)

        for col, width in enumerate([44, 16, 12, 12, 16, 60, 3, 22, 14, 12]):
            sheet.set_column(col, col, width)
        sheet.set_column(COL_CHART_UNIT_MATCH, COL_CHART_CODES, None, None, {"hidden": True})
        for (r, c), cell in sorted(cells.items()):
            fmt = renderer.formats[cell.format]
            if cell.formula:
                sheet.write_formula(r, c, "=" + cell.formula, fmt, cell.value)
            elif isinstance(cell.value, str):
                renderer.write_string(sheet, r, c, cell.value, cell.format)
            else:
                renderer.write_value(sheet, r, c, cell.value, cell.format)
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
        renderer.print_setup(sheet, header_rows=(ROW_HEADER, ROW_HEADER))
        sheet.print_area(0, 0, max(last_row, ROW_HEADER + 1), COL_CHART_COUNTRY)

    def chart_cells(
        self,
        cells: dict[tuple[int, int], Cell],
        renderer: Renderer,
        sheet: Worksheet,
        default_values: dict[tuple[IndicatorInfo, int], object],
        unit_row_ref: str,
        units_last_row: int,
        units_last_col: int,
    ) -> None:
        """A chart of the chosen unit against the country for a chosen indicator (a share)."""
        data, titles = self.data, self.titles
        shares = [info for info in self.indicators if info.is_share]
        if not shares:
            return
        chosen = shares[0]
        for index, info in enumerate(shares):
            cells[index, COL_CHART_CODES] = Cell(info.code)
        renderer.workbook.define_name(
            "ChartIndicators",
            "=" + reference(titles["start"], COL_CHART_CODES, 0, COL_CHART_CODES, len(shares) - 1),
        )
        cells[ROW_CHART_CHOICE, COL_CHART_YEAR] = Cell(_("Indicator in the chart"), "bold")
        cells[ROW_CHART_CHOICE, COL_CHART_UNIT] = Cell(chosen.code, "input")
        descriptions_last = len(self.indicators)
        codes = reference(titles["descriptions"], 0, 0, 0, descriptions_last)
        texts = reference(titles["descriptions"], 1, 0, 1, descriptions_last)
        choice = xl_rowcol_to_cell(ROW_CHART_CHOICE, COL_CHART_UNIT, True, True)
        cells[ROW_CHART_TITLE, COL_CHART_UNIT] = Cell(
            chosen.latest.title, formula=f'IFERROR(INDEX({texts},MATCH({choice},{codes},0)),"")'
        )
        sheet.data_validation(
            ROW_CHART_CHOICE, COL_CHART_UNIT, ROW_CHART_CHOICE, COL_CHART_UNIT,
            {"validate": "list", "source": "=ChartIndicators"},
        )  # fmt: skip
        for col, text in (
            (COL_CHART_YEAR, _("Year")),
            (COL_CHART_UNIT, _("Chosen unit")),
            (COL_CHART_COUNTRY, _("The country")),
        ):
            cells[ROW_HEADER, col] = Cell(text, "header")
        units_table = reference(titles["units"], 0, 0, units_last_col, units_last_row)
        units_header = reference(titles["units"], 0, 0, units_last_col, 0)
        country_last_col = AREA_LEADING + len(self.columns) - 1
        country_table = reference(titles["country"], 0, 0, country_last_col, 1)
        country_header = reference(titles["country"], 0, 0, country_last_col, 0)
        first = ROW_HEADER + 1
        for index, year in enumerate(data.years):
            row = first + index
            year_cell = xl_rowcol_to_cell(row, COL_CHART_YEAR)
            unit_match = xl_rowcol_to_cell(row, COL_CHART_UNIT_MATCH, False, True)
            country_match = xl_rowcol_to_cell(row, COL_CHART_COUNTRY_MATCH, False, True)
            present = year in chosen.years
            cells[row, COL_CHART_YEAR] = Cell(year, "integer")
            key = f'{choice}&" "&{year_cell}'
            cells[row, COL_CHART_UNIT_MATCH] = Cell(
                self.units_first_value + self.columns.index((chosen, year)) + 1 if present else 0,
                "integer",
                f"IFERROR(MATCH({key},{units_header},0),0)",
            )
            cells[row, COL_CHART_COUNTRY_MATCH] = Cell(
                AREA_LEADING + self.columns.index((chosen, year)) + 1 if present else 0,
                "integer",
                f"IFERROR(MATCH({key},{country_header},0),0)",
            )
            unit_value = default_values.get((chosen, year)) if present else None
            unit_lookup = f"INDEX({units_table},{unit_row_ref},{unit_match})"
            cells[row, COL_CHART_UNIT] = Cell(
                unit_value if isinstance(unit_value, (int, float)) else "#N/A",
                "percent",
                f"IF({unit_match}=0,NA(),IF(ISNUMBER({unit_lookup}),{unit_lookup},NA()))",
            )
            country_value = area_value(data.published[year].figure(chosen.code, Area("country"))) if present else None
            country_lookup = f"INDEX({country_table},2,{country_match})"
            cells[row, COL_CHART_COUNTRY] = Cell(
                country_value if isinstance(country_value, (int, float)) else "#N/A",
                "percent",
                f"IF({country_match}=0,NA(),IF(ISNUMBER({country_lookup}),{country_lookup},NA()))",
            )
        last = first + len(data.years) - 1
        start = quoted(titles["start"])
        chart = renderer.workbook.add_chart({"type": "line"})
        for col, name in ((COL_CHART_UNIT, f"={start}!$B${ROW_CHOICE + 1}"), (COL_CHART_COUNTRY, _("The country"))):
            chart.add_series(
                {
                    "name": name,
                    "categories": "=" + reference(titles["start"], COL_CHART_YEAR, first, COL_CHART_YEAR, last),
                    "values": "=" + reference(titles["start"], col, first, col, last),
                    "marker": {"type": "circle"},
                }
            )
        chart.set_title({"name": f"={start}!${xl_col_to_name(COL_CHART_UNIT)}${ROW_CHART_TITLE + 1}"})
        chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%"})
        chart.set_legend({"position": "bottom"})
        chart.show_na_as_empty_cell()
        sheet.insert_chart(last + 2, COL_CHART_YEAR, chart, {"x_scale": 1.3, "y_scale": 1.2})


def area_value(figure: Figure | None) -> object:
    """A county's, the country's or a group's published figure: a share as a fraction of the whole
    percent, a sum as a number, NO_VALUE without units with a value, None without units."""
    if figure is None:
        return None
    display = figure.display
    if display is None:
        return NO_VALUE
    return float(display) / 100 if figure.aggregation == "share" else float(display)


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
