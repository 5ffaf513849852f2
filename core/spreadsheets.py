"""The one spreadsheet writer (STYLE.md §5), with xlsxwriter: it writes formulas with cached
results, data validation, charts and print setup, and streams rows in constant memory. The results
file and the coordinators' lists alike are written here, and CSV cells pass `csv_text`.

Text never becomes a formula: the workbook is opened with `strings_to_formulas=False`, text is
always written with `write_string`, stripped of the characters that XML cannot hold, and text that
starts like a formula ("=", "+", "-", "@") gets Excel's quote prefix so that it stays text when
someone edits the cell; in a CSV file such text gets a leading quote (`csv_text`)."""

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter.core import Core
from xlsxwriter.format import Format
from xlsxwriter.packager import Packager
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell_fast
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import CellNumberTuple, Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NO_VALUE = "–"  # no value: the most common text of the data sheets
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_SHEET_TITLE = 31
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
# A sheet wider than this (in character widths) is printed at full size over several pages, with its
# leading columns repeated: fitted to one page's width it would be unreadable.
FIT_TO_WIDTH_MAX = 220
WIDE_PRINT_SCALE = 70  # percent: small but readable type
HEADER_ROW_HEIGHT = 45  # points: three lines of a wrapped header

# Format keys → xlsxwriter format properties; `yesno` is filled in with the translated words.
BASE_FORMATS: dict[str, dict[str, object]] = {
    "text": {},
    "wrap": {"text_wrap": True, "valign": "top"},
    "quoted": {"quote_prefix": True},
    "header": {"bold": True, "bottom": 1, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "top"},
    "title": {"bold": True, "font_size": 14},
    "bold": {"bold": True},
    "percent": {"num_format": "0%"},
    "percent1": {"num_format": "0.0%"},
    "number": {"num_format": "General"},
    "integer": {"num_format": "0"},
    "date": {"num_format": "yyyy-mm-dd"},
    "datetime": {"num_format": "yyyy-mm-dd hh:mm"},
    "input": {"bold": True, "bg_color": "#FFF2CC", "border": 1},
    "year": {"num_format": "0", "align": "left", "indent": 1, "valign": "top"},
    "count": {"align": "left", "indent": 1, "font_color": "#595959"},
    "right": {"align": "right"},
    "group": {"text_wrap": True, "valign": "top", "font_size": 9},
    "percent_right": {"num_format": "0%", "align": "right"},
}


class PlainFormulaWorksheet(Worksheet):
    """A worksheet that writes formulas as given, and numbers in one step (_write_cell).
    xlsxwriter runs about 30 regular expressions over every formula to prefix Excel 365's
    dynamic-array functions with `_xlfn.`; the results file uses only INDEX, MATCH, IF, IFERROR,
    ISNUMBER and NA, and this makes its start page about ten times faster to write. (A documented
    extension point: `add_worksheet(worksheet_class=...)`; the private methods it overrides are
    checked by tests/core/test_spreadsheets.py.)"""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula

    def _write_cell(self, row: int, col: int, cell: object) -> None:
        """A formatted number, nearly every cell of the data sheets, as one string: the XML
        xlsxwriter writes for it, without its attribute list and escaping (a cell reference and a
        format index need none), about a third of the file's writing time."""
        if cell.__class__ is CellNumberTuple and cell.format is not None:  # type: ignore[attr-defined]
            self.fh.write(
                f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{cell.format._get_xf_index()}">'  # type: ignore[attr-defined]
                f"<v>{cell.number:.16G}</v></c>"  # type: ignore[attr-defined]
            )
            return
        super()._write_cell(row, col, cell)


class LanguageCore(Core):
    """docProps/core.xml with dc:language, which xlsxwriter does not write: screen readers and
    spell checkers read the document's language from it."""

    def _write_cp_keywords(self) -> None:
        if language := self.properties.get("language"):
            self._xml_data_element("dc:language", language)
        super()._write_cp_keywords()


class LanguagePackager(Packager):
    def _write_core_file(self) -> None:
        core = LanguageCore()
        core._set_properties(self.workbook.doc_properties)
        core._set_xml_writer(self._filename("docProps/core.xml"))
        core._assemble_xml_file()


class LanguageWorkbook(Workbook):
    """A workbook whose set_properties() also takes `language` (e.g. "sv-SE"). `_get_packager` is
    xlsxwriter's hook for its packager (pinned; tests/reporting/test_export.py reads dc:language back)."""

    def _get_packager(self) -> Packager:
        return LanguagePackager()


def safe_text(value: str) -> str:
    """The text without the control characters that XML (and so an .xlsx file) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def csv_text(value: str) -> str:
    """Text for a CSV cell that a spreadsheet never reads as a formula (OWASP CSV injection, ASVS
    1.2.10): a leading = + - @ tab or carriage return gets a single quote in front. Only for text
    cells: numbers stay numbers."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def sheet_title(title: str) -> str:
    return safe_text(title).translate(SHEET_TITLE_FORBIDDEN).strip("'")[:MAX_SHEET_TITLE]


@dataclass(frozen=True)
class Column:
    width: float = 12
    format: str = "text"  # a key of the workbook's formats


@dataclass
class DataSheet:
    """A table: `rows()` yields the header first, then one sequence of values per row (None for
    an empty cell). The renderer freezes the header, filters it and prints it on every page."""

    identifier: str  # also the workbook name of the table's range
    title: str
    columns: Sequence[Column]
    rows: Callable[[], Iterator[Sequence[object]]]
    freeze_columns: int = 1
    # The columns printed on every page of a sheet too wide for one (default: the frozen ones).
    repeat_columns: tuple[int, int] | None = None


def quoted(title: str) -> str:
    """A sheet name for a formula, always quoted (Å, Ä, Ö and spaces are safe that way everywhere)."""
    return "'" + title.replace("'", "''") + "'"


def reference(title: str, first_col: int, first_row: int, last_col: int, last_row: int) -> str:
    """An absolute reference to a range of a sheet, 0-based arguments, e.g. 'Units'!$B$1:$B$300."""
    return f"{quoted(title)}!${xl_col_to_name(first_col)}${first_row + 1}:${xl_col_to_name(last_col)}${last_row + 1}"


class Renderer:
    """A workbook in constant memory: each sheet's rows are written in order."""

    def __init__(self, target: IO[bytes], *, yes: str | None = None, no: str | None = None) -> None:
        yes, no = yes or gettext("Yes"), no or gettext("No")
        self.workbook: Workbook = LanguageWorkbook(
            target,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "default_date_format": "yyyy-mm-dd",
            },
        )
        yesno = f'[=1]"{yes}";[=0]"{no}";General'
        properties = {
            **BASE_FORMATS,
            "yesno": {"num_format": yesno},
            "yesno_right": {"num_format": yesno, "align": "right"},
        }
        self.formats: dict[str, Format] = {key: self.workbook.add_format(props) for key, props in properties.items()}

    def set_document_properties(self, *, title: str, subject: str, author: str, language: str) -> None:
        self.workbook.set_properties(
            {"title": title, "subject": subject, "author": author, "company": author, "language": language}
        )

    def add_sheet(self, title: str) -> Worksheet:
        return self.workbook.add_worksheet(sheet_title(title), worksheet_class=PlainFormulaWorksheet)

    def write_string(self, sheet: Worksheet, row: int, col: int, text: str, format_key: str = "text") -> None:
        text = safe_text(text)
        key = "quoted" if text.startswith(FORMULA_STARTS) else format_key
        sheet.write_string(row, col, text, self.formats[key])

    def write_value(self, sheet: Worksheet, row: int, col: int, value: object, format_key: str = "text") -> None:
        kind = type(value)
        if value is None:
            return
        if kind is float or kind is int:
            sheet.write_number(row, col, value, self.formats[format_key])  # type: ignore[arg-type]
        elif kind is str:
            self.write_string(sheet, row, col, value, "wrap" if format_key == "wrap" else "text")  # type: ignore[arg-type]
        elif isinstance(value, Decimal):
            sheet.write_number(row, col, float(value), self.formats[format_key])
        elif isinstance(value, datetime):
            moment = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
            sheet.write_datetime(row, col, moment, self.formats["datetime"])
        elif isinstance(value, date):
            sheet.write_datetime(row, col, value, self.formats["date"])
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        else:
            self.write_string(sheet, row, col, str(value), format_key)

    def write_data_sheet(self, spec: DataSheet) -> tuple[Worksheet, int]:
        """Writes the table; returns the sheet and its number of rows, header included."""
        sheet = self.add_sheet(spec.title)
        for index, column in enumerate(spec.columns):
            sheet.set_column(index, index, column.width)
        formats = [column.format for column in spec.columns]
        rows = iter(spec.rows())
        header = next(rows)
        sheet.set_row(0, HEADER_ROW_HEIGHT)  # before the row is written: constant memory
        for col, text in enumerate(header):
            self.write_string(sheet, 0, col, str(text), "header")
        # Numbers are nearly every cell: they skip the dispatch of write_value and the A1-notation
        # wrapper of xlsxwriter's public write_number (its private twin takes the same arguments;
        # XlsxWriter is pinned; tests/core/test_spreadsheets.py checks it), which makes the data sheets
        # about a fifth faster.
        write_number, write_string, write_value = sheet._write_number, sheet._write_string, self.write_value
        text_format = self.formats["text"]
        number_formats = [self.formats[key] for key in formats]
        count = 1
        for row_index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                kind = type(value)
                if kind is int or kind is float:
                    write_number(row_index, col, value, number_formats[col])
                elif value is NO_VALUE:
                    write_string(row_index, col, value, text_format)
                elif value is not None:
                    write_value(sheet, row_index, col, value, formats[col])
            count += 1
        if count > MAX_ROWS or len(spec.columns) > MAX_COLUMNS:
            raise ValueError(f"{spec.title}: {count} rows × {len(spec.columns)} columns do not fit in a sheet")
        last_col = max(len(spec.columns), len(header)) - 1
        sheet.freeze_panes(1, spec.freeze_columns)
        sheet.autofilter(0, 0, max(count - 1, 1), last_col)
        width = sum(column.width for column in spec.columns)
        self.print_setup(sheet, header_rows=(0, 0), fit_to_width=width <= FIT_TO_WIDTH_MAX)
        if width > FIT_TO_WIDTH_MAX:
            sheet.set_print_scale(WIDE_PRINT_SCALE)
            repeated = spec.repeat_columns or ((0, spec.freeze_columns - 1) if spec.freeze_columns else None)
            if repeated:
                sheet.repeat_columns(*repeated)
        self.workbook.define_name(spec.identifier, "=" + reference(sheet.name, 0, 0, last_col, max(count - 1, 1)))
        return sheet, count

    @staticmethod
    def print_setup(sheet: Worksheet, *, header_rows: tuple[int, int] | None, fit_to_width: bool = True) -> None:
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        if fit_to_width:
            sheet.fit_to_pages(1, 0)
        if header_rows is not None:
            sheet.repeat_rows(*header_rows)

    def close(self) -> None:
        self.workbook.close()


def write_workbook(sheets: Iterable[DataSheet]) -> bytes:
    """The tables as an .xlsx file, each with its header frozen, filtered and printed on every page."""
    buffer = io.BytesIO()
    renderer = Renderer(buffer)
    for sheet in sheets:
        renderer.write_data_sheet(sheet)
    renderer.close()
    return buffer.getvalue()
