"""Importing earlier years' unit-level results: the published national figures come out exactly;
bad rows are listed with row and column and nothing is imported; Swedish Excel CSV; the command."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from core.models import AuditEvent
from indicators.models import AggregateResult, UnitResult
from indicators.selectors.published_figures import PUBLISHED
from indicators.services.history import import_results
from survey.selectors.register import reporting_units_for_year

from .history_helpers import CODES, csv_bytes, make_version, make_versions

pytestmark = pytest.mark.django_db


def half_up_percent(numerator: int, denominator: int) -> int:
    """numerator / denominator in whole percent, rounded half up, in integers only."""
    return (200 * numerator + denominator) // (2 * denominator)


def test_imported_history_reproduces_the_published_national_figures(analyst):
    """For every published cell: the units reporting that year, some without a value (an empty
    value, or missing from the file), and as many 1s as give the published share. With 200 units
    with a value the share lands exactly on a half (31 of 200 = 15.5 % → 16)."""
    rows, expected = [], {}
    for cell, (code, by_year) in enumerate(PUBLISHED.items()):
        for year, figure in by_year.items():
            make_version(code, year)
            # Spread the 1s over the counties: order by the code read backwards, start somewhere else each cell.
            units = sorted(reporting_units_for_year(year).values_list("code", flat=True), key=lambda c: c[::-1])
            units = units[cell * 7 :] + units[: cell * 7]
            with_value = 200 if (cell + year) % 2 else len(units) - 12 - cell
            ones = next(k for k in range(with_value + 1) if half_up_percent(k, with_value) == figure)
            expected[code, year] = (figure, ones, with_value)
            rows += [(year, unit, code, 1) for unit in units[:ones]]
            rows += [(year, unit, code, 0) for unit in units[ones:with_value]]
            rows += [(year, unit, code, "") for unit in units[with_value : with_value + 5]]  # the rest: not in the file

    report = import_results(data=csv_bytes(rows), filename="historik.csv", user=analyst)

    assert report.ok, [str(error) for error in report.errors]
    assert report.values == len(rows)
    national = {
        (a.indicator.code, a.year): a
        for a in AggregateResult.objects.filter(level=AggregateResult.Level.COUNTRY).select_related("indicator")
    }
    for (code, year), (figure, ones, with_value) in expected.items():
        aggregate = national[code, year]
        assert (aggregate.numerator, aggregate.denominator) == (ones, with_value), (code, year)
        assert aggregate.display_value == figure, (code, year)
    schooling_2016 = national["VINR02", 2016]
    assert (schooling_2016.numerator, schooling_2016.denominator) == (31, 200)
    assert schooling_2016.share == Decimal("15.5") and schooling_2016.display_value == 16
    assert sum(1 for figure, ones, n in expected.values() if 200 * ones == (2 * figure - 1) * n) >= 10


def test_a_half_up_case_for_a_county_one_of_eight(analyst):
    make_version("VINR02", 2018)
    kalmar_lan = list(reporting_units_for_year(2018).filter(county__code="08").order_by("code"))
    rows = [(2018, unit.code, "VINR02", 1 if index == 0 else 0) for index, unit in enumerate(kalmar_lan[:8])]

    assert import_results(data=csv_bytes(rows), filename="kalmar.csv", user=analyst).ok

    county = AggregateResult.objects.get(year=2018, indicator__code="VINR02", level="county", county__code="08")
    assert (county.numerator, county.denominator, county.display_value) == (1, 8, 13)


def test_a_file_with_bad_rows_lists_every_row_and_column_and_imports_nothing(analyst):
    make_versions(["VINR02", "VINRN1"], [2017])
    make_version("VINR06", 2019)
    data = csv_bytes(
        [
            (2017, "0880", "VINR02", 1),  # row 2: right
            (2017, "0880", "VINR99", 1),  # 3: no such indicator
            (2017, "0880", "VINR06", 1),  # 4: VINR06 has no version for 2017
            (2017, "9999", "VINR02", 0),  # 5: no such unit
            (2017, "1480", "VINR02", 0),  # 6: Göteborg answered by district in 2017
            (2017, "0881", "VINR02", 2),  # 7: an indicator is 1, 0 or empty
            (2017, "0881", "VINRN1", "många"),  # 8: a key figure is a number or empty
            (2017, "0880", "VINR02", 0),  # 9: the same as row 2
            ("tjugo", "0882", "VINR02", 1),  # 10: no year
        ]
    )

    report = import_results(data=data, filename="fel.csv", user=analyst)

    assert [(error.row, error.column) for error in report.errors] == [
        (3, "indicator_code"),
        (4, "indicator_code"),
        (5, "unit_code"),
        (6, "unit_code"),
        (7, "value"),
        (8, "value"),
        (9, "unit_code"),
        (10, "year"),
    ]
    messages = [error.message for error in report.errors]
    assert "VINR99" in messages[0]
    assert "VINR06" in messages[1] and "2017" in messages[1]
    assert "9999" in messages[2]
    assert "1480" in messages[3] and "2017" in messages[3]
    assert "2" in messages[6]  # the first row with the same year, unit and indicator
    assert str(report.errors[0]).startswith("rad 3, kolumn indicator_code: ")
    assert not UnitResult.objects.exists() and not AggregateResult.objects.exists()
    assert not AuditEvent.objects.filter(code="indicators.history.imported").exists()


def test_a_missing_column_is_reported_on_the_header_row(analyst):
    data = b"year,unit_code,value\n2017,0880,1\n"

    report = import_results(data=data, filename="kolumn.csv", user=analyst)

    assert [(error.row, error.column) for error in report.errors] == [(1, "indicator_code")]


def test_swedish_excel_csv_with_semicolons_bom_and_decimal_comma(analyst):
    make_versions(["VINR02", "VINRN1"], [2018])
    data = csv_bytes(
        [(2018, "0880", "VINRN1", "12,5"), (2018, "0881", "VINRN1", "3"), (2018, "0882", "VINRN1", ""),
         (2018, "0880", "VINR02", "1")],
        delimiter=";", bom=True,
    )  # fmt: skip

    report = import_results(data=data, filename="Excel.csv", user=analyst)

    assert report.ok, [str(error) for error in report.errors]
    values = dict(UnitResult.objects.filter(indicator__code="VINRN1").values_list("unit__code", "value"))
    assert values == {"0880": Decimal("12.5"), "0881": Decimal(3), "0882": None}
    total = AggregateResult.objects.get(year=2018, indicator__code="VINRN1", level="country")
    assert (total.numerator, total.denominator, total.display_value) == (Decimal("15.5"), 2, Decimal("15.5"))
    assert set(UnitResult.objects.values_list("source", flat=True)) == {UnitResult.Source.IMPORTED}


def test_an_xlsx_file_imports_like_a_csv(analyst):
    make_version("VINR03", 2019)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["year", "unit_code", "indicator_code", "value"])
    sheet.append([2019, "0880", "VINR03", 1])
    sheet.append([2019, "0881", "VINR03", 0])
    sheet.append([2019, "0882", "VINR03", None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = import_results(data=buffer.getvalue(), filename="historik.xlsx", user=analyst)

    assert report.ok, [str(error) for error in report.errors]
    national = AggregateResult.objects.get(year=2019, indicator__code="VINR03", level="country")
    assert (national.numerator, national.denominator, national.display_value) == (1, 2, 50)


def test_a_dry_run_checks_the_file_and_imports_nothing(analyst):
    make_version("VINR02", 2017)

    report = import_results(data=csv_bytes([(2017, "0880", "VINR02", 1)]), filename="a.csv", user=analyst, dry_run=True)

    assert report.ok and report.dry_run and report.values == 1 and report.years == [2017]
    assert not UnitResult.objects.exists()
    assert not AuditEvent.objects.filter(code="indicators.history.imported").exists()


def test_a_unit_is_accepted_only_in_the_years_it_reported(analyst):
    make_versions(["VINR02"], [2017, 2021])
    data = csv_bytes(
        [
            (2017, "1480-11", "VINR02", 1),  # the area committees began in 2021
            (2021, "1480-01", "VINR02", 1),  # the district committees ended in 2020
            (2017, "1480-01", "VINR02", 1),
            (2021, "1480-11", "VINR02", 1),
        ]
    )

    report = import_results(data=data, filename="goteborg.csv", user=analyst)

    assert [(error.row, error.column) for error in report.errors] == [(2, "unit_code"), (3, "unit_code")]
    assert import_results(data=csv_bytes([(2017, "1480-01", "VINR02", 1), (2021, "1480-11", "VINR02", 1)]),
                          filename="goteborg.csv", user=analyst).ok  # fmt: skip


def test_an_import_replaces_every_unit_result_of_its_indicator_years(analyst):
    make_versions(["VINR02", "VINR03"], [2017])
    first = [(2017, "0880", "VINR02", 1), (2017, "0881", "VINR02", 1), (2017, "0880", "VINR03", 1)]
    assert import_results(data=csv_bytes(first), filename="a.csv", user=analyst).ok

    report = import_results(data=csv_bytes([(2017, "0880", "VINR02", 0)]), filename="b.csv", user=analyst)

    assert report.ok
    results = set(UnitResult.objects.values_list("unit__code", "indicator__code", "value"))
    assert results == {("0880", "VINR02", Decimal(0)), ("0880", "VINR03", Decimal(1))}
    national = AggregateResult.objects.get(year=2017, indicator__code="VINR02", level="country")
    assert (national.numerator, national.denominator) == (0, 1)
    event = AuditEvent.objects.filter(code="indicators.history.imported").latest("pk")
    assert event.actor == analyst and event.data["years"] == [2017] and event.data["indicators"] == ["VINR02"]


def test_the_command_imports_a_file_and_refuses_a_bad_one(analyst, tmp_path, capsys):
    make_versions(CODES[:2], [2016])
    good, bad = tmp_path / "historik.csv", tmp_path / "fel.csv"
    good.write_bytes(csv_bytes([(2016, "0880", "VINR01", 1), (2016, "0881", "VINR02", 0)]))
    bad.write_bytes(csv_bytes([(2016, "0880", "VINR77", 1)]))

    call_command("import_results", str(good), "--dry-run")
    assert not UnitResult.objects.exists()
    call_command("import_results", str(good), "--as", analyst.email)

    assert "imported 2 unit results for 2016" in capsys.readouterr().out
    assert UnitResult.objects.count() == 2
    assert AuditEvent.objects.get(code="indicators.history.imported").actor == analyst
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_results", str(bad))
    assert "rad 2, kolumn indicator_code" in capsys.readouterr().err
