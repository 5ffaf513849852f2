"""The start page of the results file as it opens: spreadsheet programs show the cached results of
its formulas until something changes, so these are what a reader first sees. Which unit it shows and
why, the unit's groups per year (and why 2016 has no SKR group), the counts beside the shares, the
picker's names, and the unit's name on every printed page. (tests/reporting/test_export_libreoffice.py
checks the same cells after LibreOffice recalculates them for other units, and the chart's picture.)"""

import io
import random

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from indicators.calculation.aggregate import Area
from indicators.models import IndicatorVersion
from indicators.services.history import import_results
from indicators.services.publication import publish_year
from reporting.exporters import ResultsExporter, collect_export_data
from reporting.exporters.results import (
    COL_COUNTRY_COUNT,
    COL_COUNTY,
    COL_COUNTY_COUNT,
    COL_FIRST_GROUPING,
    COL_LABEL,
    COL_UNIT,
    ROW_CHOICE,
    ROW_HEADER,
    ROW_STATE,
)
from reporting.selectors.published import published_results
from survey.models import GroupMembership, ReportingUnit
from survey.selectors.register import reporting_units_for_year
from tests.indicators.history_helpers import csv_bytes, make_versions

from .export_helpers import publish_two_years

pytestmark = pytest.mark.django_db


def start_page(*, chosen: int | None = None, year: int = 2024) -> list[tuple]:
    buffer = io.BytesIO()
    ResultsExporter(collect_export_data(year=year), chosen=chosen).write(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()), data_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def indicator_row(rows: list[tuple], code: str, year: int) -> tuple:
    start = next(i for i, row in enumerate(rows) if str(row[COL_LABEL]).startswith(f"{code} "))
    return next(row for row in rows[start + 1 :] if row[COL_LABEL] == year)


def test_the_start_page_says_it_opens_on_the_first_unit_in_alphabetical_order(analyst):
    publish_two_years(analyst)
    data = collect_export_data(year=2024)
    first = ResultsExporter(data).labels[data.units[0].id]
    rows = start_page()
    assert rows[ROW_CHOICE][COL_UNIT] == first
    assert rows[ROW_STATE][COL_LABEL].startswith(
        f"Filen öppnas med den första enheten i bokstavsordning, {first}. Välj en annan kommun eller stadsdel"
    )


def test_the_start_page_opened_on_a_chosen_unit_says_which(analyst):
    publish_two_years(analyst)
    kalmar = ReportingUnit.objects.get(code="0880")
    rows = start_page(chosen=kalmar.pk)
    assert rows[ROW_CHOICE][COL_UNIT] == "Kalmar"
    assert rows[ROW_STATE][COL_LABEL] == "Tabellerna och diagrammet visar Kalmar."


def test_the_counts_behind_each_share_stand_beside_it(analyst):
    publish_two_years(analyst)
    kalmar = ReportingUnit.objects.get(code="0880")
    rows = start_page(chosen=kalmar.pk)
    results = published_results()[2024]
    county = results.figure("VINR01", Area("county", county_id=kalmar.county_id))
    country = results.figure("VINR01", Area("country"))
    row = indicator_row(rows, "VINR01", 2024)
    assert row[COL_COUNTY_COUNT] == f"{int(county.numerator)} av {county.denominator}"
    assert row[COL_COUNTRY_COUNT] == f"{int(country.numerator)} av {country.denominator}"
    key_figure = indicator_row(rows, "VINRN1", 2024)
    assert key_figure[COL_COUNTRY_COUNT] == f"{results.figure('VINRN1', Area('country')).denominator} med värde"


def test_the_unit_name_is_printed_on_every_page(analyst):
    publish_two_years(analyst)
    buffer = io.BytesIO()
    ResultsExporter(collect_export_data(year=2024)).write(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    assert sheet.print_title_rows == f"${ROW_CHOICE + 1}:${ROW_HEADER + 1}"  # the choice up to the table header
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage


def test_districts_are_listed_with_their_city_and_dissolved_ones_with_their_years(analyst):
    publish_two_years(analyst)
    labels = ResultsExporter(collect_export_data(year=2024)).labels
    rinkeby = ReportingUnit.objects.get(code="0180-01")  # a district of Stockholm, not in 2024
    assert labels[rinkeby.pk] == "Rinkeby-Kista (Stockholm, 2021)"
    assert labels[ReportingUnit.objects.get(code="0880").pk] == "Kalmar"


def publish_2016_and_2021(analyst) -> None:  # noqa: ANN001
    years, codes = [2016, 2021], ["VINR01", "VINR02"]
    make_versions(codes, years)
    rng = random.Random(16)  # noqa: S311 – test data
    rows = [
        (year, code, indicator, rng.choice(["1", "0", ""]))
        for year in years
        for code in sorted(reporting_units_for_year(year).values_list("code", flat=True))
        for indicator in codes
    ]
    assert import_results(data=csv_bytes(rows), filename="history.csv", user=analyst).ok
    for year in years:
        publish_year(year=year, user=analyst)


def test_the_start_page_names_the_units_groups_per_year_and_why_2016_has_no_skr_group(analyst):
    publish_2016_and_2021(analyst)
    kalmar = ReportingUnit.objects.get(code="0880")
    rows = start_page(chosen=kalmar.pk, year=2021)
    header = rows[ROW_HEADER]
    skr_col = header.index("Kommungrupp (SKR)")
    assert skr_col == COL_FIRST_GROUPING
    block = next(i for i, row in enumerate(rows) if row[COL_LABEL] == "Enhetens grupper per år")
    by_year = {row[COL_LABEL]: row for row in rows[block + 1 : block + 3]}
    skr_2021 = GroupMembership.objects.get(year=2021, unit=kalmar, grouping__code__startswith="skr")
    assert by_year[2021][skr_col] == skr_2021.group.name
    assert by_year[2016][skr_col] in (None, "")
    assert by_year[2016][header.index("Jämförbarhet")] == (
        "2016 gällde SKR:s kommungruppsindelning från 2011. Den finns inte i uppgifterna, så filen jämför inte med "
        "någon kommungrupp 2016."
    )
    for membership in GroupMembership.objects.filter(unit=kalmar, year__in=[2016, 2021]).exclude(
        grouping__code__startswith="skr"
    ):
        col = header.index(membership.grouping.name)
        assert by_year[membership.year][col] == membership.group.name


def test_a_confidential_count_shows_as_two_dots_beside_the_true_sums(analyst):
    publish_two_years(analyst)
    IndicatorVersion.objects.filter(indicator__code="VINRN1").update(confidential_below=5)
    cache.clear()  # the published results keep the definitions they were read with
    results = published_results()[2024]
    unit = ReportingUnit.objects.get(pk=next(u for (u, code), (value, _s) in results.values.items()
                                             if code == "VINRN1" and value == 3))  # fmt: skip
    row = indicator_row(start_page(chosen=unit.pk), "VINRN1", 2024)
    county = results.figure("VINRN1", Area("county", county_id=unit.county_id))
    assert row[COL_UNIT] == ".."
    assert row[COL_COUNTY] == float(county.numerator)  # the 3 is in the county's sum
