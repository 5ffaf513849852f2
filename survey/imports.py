"""Importing answers in long form (unit_code, question_code, value[, submitted_at]) from CSV or XLSX,
for answers received on paper and for loading earlier rounds.

The import runs through the same services as the web form, inside one transaction: any bad row
rolls everything back, so nothing is imported until the whole file is clean, and a dry run is the
same import rolled back at the end."""

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from accounts.models import User

from .models import AnswerChange, Part, Question, Response, SurveyRound
from .services.responses import Change, PartIncomplete, ResponseClosed, save_answers, submit_part
from .uploads import TABLE, UploadRefused, check_file, is_xml_attack, text_of, xml_attack
from .xlsform import FormError, column_name, formula_message

REQUIRED_COLUMNS = ("unit_code", "question_code", "value")


def row_error(row: int | None, column: str | None, message: str) -> FormError:
    return FormError(None, row, column, message)


@dataclass
class ImportReport:
    rows: int = 0
    answers: int = 0
    units: int = 0
    submitted_parts: int = 0
    errors: list[FormError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _read(data: bytes, filename: str) -> tuple[list[dict[str, str]], list[FormError]]:
    """Rows as dicts of text, and the formula cells of a workbook (by row and column): a formula
    is never run or taken at its cached result, the file must hold the value itself."""
    if check_file(data=data, filename=filename, kind=TABLE) == ".csv":
        text = text_of(data)
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        return [dict(row) for row in csv.DictReader(io.StringIO(text), delimiter=delimiter)], []
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
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
    return result, formulas


def read_rows(data: bytes, filename: str) -> list[dict[str, str]]:
    """Rows as dicts of text; CSV with comma or semicolon (Swedish Excel), with or without BOM, or
    the first sheet of an .xlsx. Raises UploadRefused (a ValueError) for a refused file."""
    rows, formulas = _read(data, filename)
    if formulas:
        raise UploadRefused(str(formulas[0]))
    return rows


def read_table(data: bytes, filename: str, required: Sequence[str]) -> tuple[list[dict[str, str]], list[FormError]]:
    """The file's rows (see `read_rows`), or what stops an import before any row is checked: a
    refused file (see survey/uploads.py), one that cannot be read, a formula in a cell, or a
    required column missing from the header (row 1)."""
    try:
        rows, formulas = _read(data, filename)
    except UploadRefused as refused:
        return [], [row_error(None, None, str(refused))]
    except (ValueError, csv.Error, OSError, KeyError) as error:
        message = xml_attack() if is_xml_attack(error) else _("The file cannot be read: %(error)s") % {"error": error}
        return [], [row_error(None, None, str(message))]
    if formulas:
        return [], formulas
    missing = [column for column in required if rows and column not in rows[0]]
    return rows, [row_error(1, column, _("The column is missing.")) for column in missing]


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).strip()


def _parse_moment(text: str) -> datetime | None:
    """A date or a date and time; a date alone means noon that day, Swedish time."""
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    try:
        moment = datetime.combine(day, time(12)) if day else parse_datetime(text)
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def import_answers(
    *, data: bytes, filename: str, survey_round: SurveyRound, user: User, dry_run: bool = False
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    rows, report.errors = read_table(data, filename, REQUIRED_COLUMNS)
    report.rows = len(rows)
    if report.errors:
        return report

    responses = {r.unit.code: r for r in Response.objects.filter(round=survey_round).select_related("unit", "round")}
    questions = {q.code: q for q in Question.objects.filter(round=survey_round).select_related("part")}
    changes: dict[str, dict[str, Change]] = defaultdict(dict)
    row_of: dict[tuple[str, str], int] = {}
    submitted: dict[tuple[str, Part], tuple[datetime, int]] = {}
    for index, row in enumerate(rows):
        number = index + 2
        unit_code, code = (row.get("unit_code") or "").strip(), (row.get("question_code") or "").strip()
        value = (row.get("value") or "").strip()
        if not unit_code and not code and not value:
            continue
        if unit_code not in responses:
            report.errors.append(
                row_error(
                    number, "unit_code", _("The unit %(code)s is not invited to this round.") % {"code": unit_code}
                )
            )
            continue
        if code not in questions:
            report.errors.append(
                row_error(number, "question_code", _("There is no question %(code)s.") % {"code": code})
            )
            continue
        if (unit_code, code) in row_of:
            report.errors.append(
                row_error(
                    number, "question_code", _("The same answer is on row %(row)d.") % {"row": row_of[unit_code, code]}
                )
            )
            continue
        row_of[unit_code, code] = number
        changes[unit_code][code] = Change(value)
        if moment_text := (row.get("submitted_at") or "").strip():
            moment = _parse_moment(moment_text)
            if moment is None:
                report.errors.append(row_error(number, "submitted_at", _("Write a date such as 2024-03-01.")))
            else:
                submitted[unit_code, questions[code].part] = (moment, number)

    with transaction.atomic():
        for unit_code, unit_changes in changes.items():
            response = responses[unit_code]
            try:
                result = save_answers(
                    response=response, changes=unit_changes, user=user, channel=AnswerChange.Channel.IMPORT
                )
            except ResponseClosed as closed:
                report.errors.append(
                    row_error(min(row_of[unit_code, c] for c in unit_changes), "unit_code", str(closed))
                )
                continue
            for code, message in result.errors.items():
                report.errors.append(row_error(row_of[unit_code, code], "value", message))
            report.answers += len(result.written)
        report.units = len(changes)
        for (unit_code, part), (moment, number) in submitted.items():
            try:
                submit_part(response=responses[unit_code], part=part, user=user, now=moment, notify=False)
                report.submitted_parts += 1
            except PartIncomplete as incomplete:
                for code, message in incomplete.errors.items():
                    report.errors.append(
                        row_error(row_of.get((unit_code, code), number), "value", f"{code}: {message}")
                    )
            except ResponseClosed as closed:
                report.errors.append(row_error(number, "submitted_at", str(closed)))
        if report.errors or dry_run:
            transaction.set_rollback(True)
    report.errors.sort(key=lambda error: error.row or 0)
    return report
