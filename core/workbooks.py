"""The one reader of uploaded and imported .xlsx workbooks: the tables (core/tables.py: answers,
contact persons, history, the indicator catalogue) and the questionnaire's formula check
(survey/xlsform/parser.py). The file has passed `core.uploads.check_file` before (size, type, zip
bombs, DOCTYPE, the size of its styles).

A workbook declares how large each sheet is (`<dimension ref="A1:XFD1048576"/>`) and openpyxl's
read-only mode believes it: it pads every row to the declared width and every gap to the declared
rows, so a 4.7 KB file with one cell in the last row made 16 384 × 1 048 576 empty cells and hung
every upload and import command. This reader never trusts the declaration:

- a sheet is as wide as its header (row 1, up to its last filled cell), at most MAX_COLUMNS; cells
  to the right of the header are not read;
- reading a sheet stops at the first EMPTY_STRETCH empty rows in a row (as pyxform, which reads the
  questionnaire after this check, does);
- a sheet may hold at most `max_rows` rows with data, the cap of each kind of import (next to the
  import's columns: ANSWER_ROWS, CONTACT_ROWS, HISTORY_ROWS, CATALOGUE_ROWS, QUESTIONNAIRE_ROWS;
  README, *Imports*); a CSV file is held to the same cap (core/tables.py);
- reading one file may take at most READ_SECONDS (gunicorn's worker timeout is 60 s);

each refused (UploadRefused) with a message that names the limit. A workbook that openpyxl cannot
read (a damaged part, broken styles, no sheets) is refused with a message too, never an error."""

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from core.uploads import UploadRefused, is_xml_attack, xml_attack

MAX_COLUMNS = 100  # the widest header read: the imports have 3–5 columns, a questionnaire about 20
EMPTY_STRETCH = 60  # empty rows in a row that end a sheet (pyxform's max_adjacent_empty_rows)
READ_SECONDS = 20


def damaged() -> UploadRefused:
    return UploadRefused(_("The workbook is damaged and cannot be read; open it in Excel and save it again as .xlsx."))


def too_many_rows(limit: int, sheet: str | None = None) -> UploadRefused:
    count = number_format(limit, force_grouping=True)  # 100 000
    if sheet is None:
        return UploadRefused(
            _("The file has more than %(limit)s rows of data, the most this import takes; split it into several files.")
            % {"limit": count}
        )
    return UploadRefused(
        _(
            "The sheet %(sheet)s has more than %(limit)s rows of data, the most this import takes; "
            "split it into several files."
        )
        % {"sheet": sheet, "limit": count}
    )


@dataclass
class Budget:
    """What reading one file may cost: `max_rows` rows with data per sheet, READ_SECONDS in all."""

    max_rows: int
    deadline: float = field(default_factory=lambda: time.monotonic() + READ_SECONDS)

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise UploadRefused(
                _(
                    "Reading the file took longer than %(seconds)s seconds, the most one upload may take, "
                    "and was stopped. Split the file, or open it in Excel and save it again."
                )
                % {"seconds": READ_SECONDS}
            )


def _refusal(error: Exception) -> UploadRefused:
    return xml_attack() if is_xml_attack(error) else damaged()


@dataclass
class Sheet:
    """A worksheet read within the budget; `iter_rows` gives openpyxl's read-only cells."""

    title: str
    worksheet: ReadOnlyWorksheet
    budget: Budget

    def iter_rows(self) -> Iterator[tuple]:
        """Row 1 (the header), then each row below it up to the last with data before the first
        empty stretch (an empty row between as empty cells, so that rows keep their numbers), every
        row cut to the header's width."""
        try:
            yield from self._rows()
        except UploadRefused:
            raise
        except Exception as error:  # openpyxl raises anything on a damaged part (see `open_workbook`)
            raise _refusal(error) from error

    def _rows(self) -> Iterator[tuple]:
        self.worksheet.reset_dimensions()  # the declared dimension is never used
        first = next(self.worksheet.iter_rows(max_row=1), ())
        width = max((index + 1 for index, cell in enumerate(first) if _filled(cell)), default=0)
        if width > MAX_COLUMNS:
            raise UploadRefused(
                _("The header (row 1) of the sheet %(sheet)s is %(columns)s columns wide; at most %(limit)s are read.")
                % {"sheet": self.title, "columns": width, "limit": MAX_COLUMNS}
            )
        yield tuple(first[:width])
        if not width:
            return
        empty: list[tuple] = []  # held back until a row with data follows: no trailing empty rows
        rows = 0
        for cells in self.worksheet.iter_rows(min_row=2, max_col=width):
            self.budget.check_time()
            if not any(_filled(cell) for cell in cells):
                empty.append(cells)
                if len(empty) >= EMPTY_STRETCH:
                    return
                continue
            rows += 1
            if rows > self.budget.max_rows:
                raise too_many_rows(self.budget.max_rows, self.title)
            yield from empty
            empty = []
            yield cells


def _filled(cell: object) -> bool:
    value = getattr(cell, "value", None)
    return value is not None and value != ""


@dataclass
class Workbook:
    """The worksheets of a workbook, to be read within one budget; close it when done."""

    worksheets: list[Sheet]
    _workbook: OpenpyxlWorkbook

    def close(self) -> None:
        self._workbook.close()


def open_workbook(data: bytes, *, max_rows: int) -> Workbook:
    """The workbook's worksheets (never run: formulas stay formulas), each read with `max_rows`
    rows with data at most; raises UploadRefused for a workbook that cannot be read or has no sheets."""
    budget = Budget(max_rows=max_rows)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # a damaged part raises KeyError, TypeError, ParseError, IndexError, …
        raise _refusal(error) from error
    worksheets = [sheet for sheet in workbook.worksheets if isinstance(sheet, ReadOnlyWorksheet)]
    if not worksheets:
        workbook.close()
        raise UploadRefused(_("The workbook has no sheets."))
    budget.check_time()
    return Workbook([Sheet(sheet.title, sheet, budget) for sheet in worksheets], workbook)
