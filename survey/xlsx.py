"""One writer for Excel files (STYLE.md §5): a write-only openpyxl workbook with a frozen header row,
an auto filter, column widths and real dates, where text never becomes a formula.

openpyxl stores any string that starts with "=" as a formula, also in write-only mode, so text
from users (a unit or contact name such as "=HYPERLINK(...)") goes in as a string cell with
Excel's quote prefix, which also keeps it text when someone edits the cell."""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_SHEET_TITLE = 31


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 12


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]


def csv_text(value: str) -> str:
    """Text for a CSV cell that a spreadsheet never reads as a formula (OWASP CSV injection, ASVS
    1.2.10): a leading = + - @ tab or carriage return gets a single quote in front. Only for text
    cells: numbers stay numbers."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def safe_text(value: str) -> str:
    """The text without the control characters that XML (and so an .xlsx file) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str):
        text = safe_text(value)
        if text.startswith(FORMULA_STARTS):
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"  # set after the value: openpyxl made it "f" for a leading "="
            cell.quotePrefix = True
            return cell
        return text
    return value


def write_workbook(sheets: Iterable[Sheet]) -> bytes:
    """The sheets as an .xlsx file: the first row is the header, frozen and filterable."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(safe_text(spec.title)[:MAX_SHEET_TITLE])
        for index, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        sheet.append([_cell(sheet, column.header) for column in spec.columns])
        count = 1
        for row in spec.rows:
            sheet.append([_cell(sheet, value) for value in row])
            count += 1
        if spec.columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}{count}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
