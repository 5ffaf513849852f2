"""Importing answers in long form (unit_code, question_code, value[, submitted_at]) from CSV or XLSX,
for answers received on paper and for loading earlier rounds.

The import runs through the same services as the web form, inside one transaction: any bad row
rolls everything back, so nothing is imported until the whole file is clean, and a dry run is the
same import rolled back at the end."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from core.imports import ImportReport, committing, read_import
from core.tables import row_error
from survey.models import AnswerChange, Part, Question, Response, SurveyRound
from survey.services.responses import Change, PartIncomplete, ResponseClosed, save_answers, submit_part

REQUIRED_COLUMNS = ("unit_code", "question_code", "value")
# The most rows one file may hold (core/workbooks.py; README, *Imports*): a round has about 300 units
# × 150 questions, 45 000 answers.
ANSWER_ROWS = 100_000


@dataclass
class AnswerImportReport(ImportReport):
    answers: int = 0
    units: int = 0
    submitted_parts: int = 0


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
) -> AnswerImportReport:
    report = AnswerImportReport(dry_run=dry_run)
    rows = read_import(data=data, filename=filename, required=REQUIRED_COLUMNS, max_rows=ANSWER_ROWS, report=report)
    if report.errors:
        return report

    responses = {r.unit.code: r for r in Response.objects.filter(round=survey_round).select_related("unit", "round")}
    questions = {q.code: q for q in Question.objects.filter(round=survey_round).select_related("part")}
    changes: dict[str, dict[str, Change]] = defaultdict(dict)
    row_of: dict[tuple[str, str], int] = {}
    submitted: dict[tuple[str, Part], tuple[datetime, int]] = {}
    for row in rows:
        number = row.number
        unit_code, code, value = row["unit_code"], row["question_code"], row["value"]
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
        if moment_text := row["submitted_at"]:
            moment = _parse_moment(moment_text)
            if moment is None:
                report.errors.append(row_error(number, "submitted_at", _("Write a date such as 2024-03-01.")))
            else:
                submitted[unit_code, questions[code].part] = (moment, number)

    with committing(report):
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
    return report
