"""Importing earlier years' unit-level results (`year, unit_code, indicator_code, value`) from CSV or XLSX.

Imported values are the same kind of result as computed ones: they become UnitResult rows with
source `imported`, and the aggregates of their years are recomputed from them. An imported
indicator-year is the truth for that indicator in that year: its earlier rows (of every unit) are
replaced, and a reporting unit missing from the file has no value. Every row is checked before
anything is written, so nothing is imported until the whole file is clean."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import record_event
from core.imports import ImportReport, committing, read_import
from core.numbers import whole_number
from core.tables import row_error
from indicators.models import Indicator, IndicatorVersion, Publication, UnitResult
from indicators.services.computation import aggregate_results
from survey.models import ReportingUnit
from survey.selectors.register import reporting_units_for_year

REQUIRED_COLUMNS = ("year", "unit_code", "indicator_code", "value")
# The most rows one file may hold (core/workbooks.py; README, *Imports*): about 300 units × 30
# indicators × 20 years, 180 000 values.
HISTORY_ROWS = 200_000
FIRST_YEAR, LAST_YEAR = 2000, 2100
# UnitResult.value has 16 digits, 4 of them decimals.
LARGEST_VALUE = Decimal(10) ** 12


@dataclass
class HistoryImportReport(ImportReport):
    values: int = 0  # rows imported (or, in a dry run, that would be), those without a value included
    years: list[int] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    published_years: list[int] = field(default_factory=list)  # their published values change only by a revision


def parse_value(text: str, *, kind: str) -> tuple[bool, Decimal | None]:
    """(valid, value) of a cell: 1, 0 or empty for an indicator; a number (decimal comma or
    point, spaces between thousands) or empty for a key figure. Empty is no value."""
    text = text.strip()
    if not text:
        return True, None
    if kind == IndicatorVersion.Kind.INDICATOR:
        return (True, Decimal(text)) if text in ("0", "1") else (False, None)
    compact = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(compact)
    except InvalidOperation:
        return False, None
    if not number.is_finite() or abs(number) >= LARGEST_VALUE:
        return False, None
    return True, number.quantize(Decimal("0.0001"))


def _parse_year(text: str) -> int | None:
    year = whole_number(text)
    return year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else None


def import_results(*, data: bytes, filename: str, user: User | None, dry_run: bool = False) -> HistoryImportReport:
    """Checks every row and, when all are right and it is not a dry run, replaces the results of
    the file's indicator-years with its values and recomputes the aggregates of its years.

    A published year may be imported into: its published values change only when a revision is
    published (`indicators.services.publication.publish_year`)."""
    report = HistoryImportReport(dry_run=dry_run)
    rows = read_import(data=data, filename=filename, required=REQUIRED_COLUMNS, max_rows=HISTORY_ROWS, report=report)
    if report.errors:
        return report

    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    versions = {(v.indicator.code, v.year): v for v in IndicatorVersion.objects.select_related("indicator")}
    units = {unit.code: unit for unit in ReportingUnit.objects.all()}
    reporting: dict[int, set[str]] = {}
    row_of: dict[tuple[int, str, str], int] = {}
    values: dict[tuple[int, str, str], Decimal | None] = {}

    for row in rows:
        number, cells = row.number, row
        year = _parse_year(cells["year"])
        if year is None:
            report.errors.append(row_error(number, "year", _("Write a year such as 2017.")))
            continue
        code, unit_code = cells["indicator_code"], cells["unit_code"]
        version = versions.get((code, year))
        if code not in indicators:
            report.errors.append(
                row_error(number, "indicator_code", _("There is no indicator %(code)s.") % {"code": code})
            )
        elif version is None:
            report.errors.append(
                row_error(
                    number, "indicator_code", _("%(code)s does not exist for %(year)d.") % {"code": code, "year": year}
                )
            )
        if unit_code not in units:
            report.errors.append(row_error(number, "unit_code", _("There is no unit %(code)s.") % {"code": unit_code}))
        else:
            if year not in reporting:
                reporting[year] = set(reporting_units_for_year(year).values_list("code", flat=True))
            if unit_code not in reporting[year]:
                unit = units[unit_code]
                report.errors.append(
                    row_error(
                        number,
                        "unit_code",
                        _("%(name)s (%(code)s) did not report in %(year)d.")
                        % {"name": unit.name, "code": unit_code, "year": year},
                    )
                )
        if version is None:
            continue
        valid, value = parse_value(cells["value"], kind=version.kind)
        if not valid:
            message = (
                _("Write 1 (fulfilled), 0 (not fulfilled) or leave the value empty.")
                if version.kind == IndicatorVersion.Kind.INDICATOR
                else _("Write a number, such as 12 or 12,5, or leave the value empty.")
            )
            report.errors.append(row_error(number, "value", message))
            continue
        key = (year, unit_code, code)
        if key in row_of:
            report.errors.append(
                row_error(
                    number,
                    "unit_code",
                    _("The same year, unit and indicator are on row %(row)d.") % {"row": row_of[key]},
                )
            )
            continue
        row_of[key] = number
        values[key] = value

    report.errors.sort(key=lambda error: error.row or 0)
    pairs = sorted({(year, code) for year, _unit, code in values})
    report.years = sorted({year for year, _code in pairs})
    report.indicators = sorted({code for _year, code in pairs})
    report.published_years = sorted(
        set(Publication.objects.filter(year__in=report.years).values_list("year", flat=True))
    )
    if report.errors:
        return report
    report.values = len(values)
    if dry_run:
        return report

    now = timezone.now()
    with committing(report):
        for year, code in pairs:
            UnitResult.objects.filter(year=year, indicator=indicators[code]).delete()
        UnitResult.objects.bulk_create(
            [
                UnitResult(
                    year=year,
                    unit=units[unit_code],
                    indicator=indicators[code],
                    value=value,
                    source=UnitResult.Source.IMPORTED,
                    updated_at=now,
                )
                for (year, unit_code, code), value in values.items()
            ],
            batch_size=2000,
        )
        aggregate_results(years=report.years)
        record_event(
            "indicators.history.imported",
            actor=user,
            filename=filename,
            rows=report.rows,
            values=report.values,
            years=report.years,
            indicators=report.indicators,
        )
    return report
