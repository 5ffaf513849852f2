"""The one flow of every table import (answers, contact persons, historical results), in the web
pages and the management commands alike: read the uploaded table, check each row and name its row
and column in every problem, then write everything in one transaction, or nothing.

    report = ContactImportReport(dry_run=dry_run)
    rows = read_import(data=data, filename=filename, required=REQUIRED_COLUMNS, max_rows=CONTACT_ROWS, report=report)
    ...check the rows, adding to report.errors...
    with committing(report):
        ...write...

A dry run is the same import rolled back at the end, so it finds every problem the real one would."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from core.tables import FormError, read_table, row_error


@dataclass
class ImportReport:
    """What an import found and did; each kind of import adds its own counts."""

    rows: int = 0  # rows with any text, the header not counted
    errors: list[FormError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Row:
    """A row of the table with its cells' text stripped, and its number as the spreadsheet shows it
    (the header is row 1)."""

    number: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")

    def error(self, column: str | None, message: str) -> FormError:
        return row_error(self.number, column, message)


def read_import(
    *, data: bytes, filename: str, required: Sequence[str], max_rows: int, report: ImportReport
) -> list[Row]:
    """The table's rows that hold any text, at most `max_rows` of them (each kind of import has its
    cap, next to its columns; core/workbooks.py). A file that cannot be imported at all (refused,
    unreadable, too many rows, a formula in a cell, a required column missing) gives no rows and its
    problem in `report.errors`."""
    table, report.errors = read_table(data, filename, required, max_rows=max_rows)
    if report.errors:
        return []
    rows = []
    for index, cells in enumerate(table):
        stripped = {str(column): (value or "").strip() for column, value in cells.items() if column is not None}
        if any(stripped.values()):
            rows.append(Row(index + 2, stripped))
    report.rows = len(rows)
    return rows


@contextmanager
def committing(report: ImportReport) -> Iterator[None]:
    """One transaction for the import's writes: rolled back when a problem was found (before or
    while writing) or the import is a dry run. The problems are then listed in row order."""
    with transaction.atomic():
        yield
        if report.errors or report.dry_run:
            transaction.set_rollback(True)
    report.errors.sort(key=lambda error: error.row or 0)


class ImportCommand(BaseCommand):
    """The management-command side of the flow: a `file` and `--dry-run`, the file read (a missing
    one is a one-line error), every problem on stderr, and a failing exit when anything was wrong."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check every row and import nothing.")

    def read_file(self, file: Path) -> bytes:
        if not file.is_file():
            raise CommandError(f"There is no file {file}.")
        return file.read_bytes()

    def check_report(self, report: ImportReport) -> None:
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(f"{len(report.errors)} problem(s); nothing was imported.")
