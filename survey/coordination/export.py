"""The monitor's list of units as an Excel file, written by the one writer in core/spreadsheets.py."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from core.spreadsheets import Column, DataSheet, write_workbook
from survey.coordination.monitor import NOT_STARTED, STARTED, UnitRow
from survey.models import Part


def status_label(status: str) -> str:
    return {NOT_STARTED: _("Not started"), STARTED: _("Started")}.get(status, _("Submitted"))


def _rows(header: list[str], rows: list[UnitRow]) -> Iterator[list[object]]:
    yield header
    for row in rows:
        statuses = []
        for status in row.statuses:
            statuses += [status_label(status.status), status.submitted_at]
        yield [
            row.code,
            row.name,
            row.county_name,
            *statuses,
            row.last_activity,
            row.contact.name if row.contact else "",
            row.contact.email if row.contact else "",
            row.extended_until,
            row.extension_reason,
        ]


def unit_list_workbook(*, year: int, parts: list[Part], rows: list[UnitRow]) -> bytes:
    part_columns = []
    for part in parts:
        part_columns += [
            (_("%(part)s: status") % {"part": part.label}, Column(18)),
            (_("%(part)s: submitted") % {"part": part.label}, Column(18, "datetime")),
        ]
    columns = [
        (_("Code"), Column(10)),
        (_("Name"), Column(28)),
        (_("County"), Column(22)),
        *part_columns,
        (_("Last activity"), Column(18, "datetime")),
        (_("Contact person"), Column(26)),
        (_("E-mail address"), Column(30)),
        (_("Extended until"), Column(18, "datetime")),
        (_("Reason for the extension"), Column(36)),
    ]
    header = [str(title) for title, _column in columns]
    sheet = DataSheet(
        identifier="Units",
        title=_("Units %(year)s") % {"year": year},
        columns=[column for _title, column in columns],
        rows=lambda: _rows(header, rows),
        freeze_columns=0,
    )
    return write_workbook([sheet])
