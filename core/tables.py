"""Reading uploaded tables (CSV or the first sheet of an .xlsx) as rows of text, and the one kind
of problem every reader of an uploaded file reports: where it is (sheet, row, column) and what."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from core.uploads import TABLE, UploadRefused, check_file, is_xml_attack, text_of, xml_attack
from core.workbooks import Budget, open_workbook, too_many_rows


@dataclass(frozen=True)
class FormError:
    """A problem in an uploaded file, where it is: sheet (for workbooks), row and column."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [_("sheet %(sheet)s") % {"sheet": self.sheet}] if self.sheet else []
        if self.row:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


def formula_message() -> str:  # one message for every reader of workbooks
    return _("The cell holds a formula; write the value itself.")


def column_name(header: list[str], index: int) -> str:
    """A column by its header in row 1 or, without one, by its letter."""
    return header[index] if index < len(header) and header[index] else get_column_letter(index + 1)


def row_error(row: int | None, column: str | None, message: str) -> FormError:
    return FormError(None, row, column, message)


def _read(data: bytes, filename: str, max_rows: int) -> tuple[list[str], list[dict[str, str]], list[FormError]]:
    """The header, rows as dicts of text, and the formula cells of a workbook (by row and column): a formula
    is never run or taken at its cached result, the file must hold the value itself. At most
    `max_rows` rows with data, in the time of one upload (core/workbooks.py, for CSV as for .xlsx)."""
    if check_file(data=data, filename=filename, kind=TABLE) == ".csv":
        return _read_csv(text_of(data), max_rows)
    workbook = open_workbook(data, max_rows=max_rows)
    try:
        rows = workbook.worksheets[0].iter_rows()
        header = [str(cell.value or "").strip() for cell in next(rows, ())]
        result, formulas = [], []
        for number, cells in enumerate(rows, start=2):
            texts = []
            for index, cell in enumerate(cells):
                if cell.data_type == "f":
                    formulas.append(row_error(number, column_name(header, index), formula_message()))
                texts.append("" if cell.value is None else _cell_text(cell.value))
            result.append(dict(zip(header, texts, strict=False)))
    finally:
        workbook.close()
    return header, result, formulas


def _read_csv(text: str, max_rows: int) -> tuple[list[str], list[dict[str, str]], list[FormError]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    budget, rows, filled = Budget(max_rows=max_rows), [], 0
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    for row in reader:
        budget.check_time()
        if any(str(value or "").strip() for value in row.values()):
            filled += 1
            if filled > max_rows:
                raise too_many_rows(max_rows)
        rows.append(dict(row))
    return [str(name) for name in reader.fieldnames or []], rows, []


def read_rows(data: bytes, filename: str, *, max_rows: int) -> list[dict[str, str]]:
    """Rows as dicts of text; CSV with comma or semicolon (Swedish Excel), with or without BOM, or
    the first sheet of an .xlsx; at most `max_rows` rows with data (the cap of the kind of import).
    Raises UploadRefused (a ValueError) for a refused file."""
    _, rows, formulas = _read(data, filename, max_rows)
    if formulas:
        raise UploadRefused(str(formulas[0]))
    return rows


def read_table(
    data: bytes, filename: str, required: Sequence[str], *, max_rows: int
) -> tuple[list[dict[str, str]], list[FormError]]:
    """The file's rows (see `read_rows`), or what stops an import before any row is checked: a
    refused file (see core/uploads.py and core/workbooks.py), one that cannot be read, a formula
    in a cell, or a required column missing from the header (row 1)."""
    try:
        header, rows, formulas = _read(data, filename, max_rows)
    except UploadRefused as refused:
        return [], [row_error(None, None, str(refused))]
    except (ValueError, csv.Error, OSError, KeyError) as error:
        message = xml_attack() if is_xml_attack(error) else _("The file cannot be read: %(error)s") % {"error": error}
        return [], [row_error(None, None, str(message))]
    if formulas:
        return [], formulas
    missing = [column for column in required if column not in header]
    return rows, [row_error(1, column, _("The column is missing.")) for column in missing]


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).strip()
