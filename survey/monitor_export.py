"""The monitor's list of units as an Excel file, written by the one writer in survey/xlsx.py."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from .models import Part
from .monitor import NOT_STARTED, STARTED, UnitRow
from .xlsx import Column, Sheet, write_workbook


def status_label(status: str) -> str:
    return {NOT_STARTED: _("Not started"), STARTED: _("Started")}.get(status, _("Submitted"))


def _rows(parts: list[Part], rows: list[UnitRow]) -> Iterator[list[object]]:
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
            Column(_("%(part)s: status") % {"part": part.label}, 18),
            Column(_("%(part)s: submitted") % {"part": part.label}, 18),
        ]
    columns = [
        Column(_("Code"), 10),
        Column(_("Name"), 28),
        Column(_("County"), 22),
        *part_columns,
        Column(_("Last activity"), 18),
        Column(_("Contact person"), 26),
        Column(_("E-mail address"), 30),
        Column(_("Extended until"), 18),
        Column(_("Reason for the extension"), 36),
    ]
    title = _("Units %(year)s") % {"year": year}
    return write_workbook([Sheet(title=title, columns=columns, rows=_rows(parts, rows))])
