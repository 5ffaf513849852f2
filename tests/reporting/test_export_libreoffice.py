"""The results file in LibreOffice: it opens without repair, and after another unit is chosen on the
start page and the file recalculated, the start page shows that unit's published results.

Choosing a unit: openpyxl rewrites the choice cell and keeps every formula but drops their cached
results, so LibreOffice has to calculate each one while converting the file (it would otherwise
trust the cached results, which are the default unit's)."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from indicators.calculation.aggregate import Area
from reporting.exporters import ResultsExporter, collect_export_data
from reporting.exporters.results import (
    COL_COUNTRY,
    COL_COUNTY,
    COL_COUNTY_COUNT,
    COL_FIRST_GROUPING,
    COL_LABEL,
    COL_UNIT,
    ROW_CHOICE,
    ROW_HEADER,
)
from reporting.selectors.published import Figure, published_results
from reporting.services import build_results_file
from survey.models import GroupMembership, ReportingUnit

from .export_helpers import publish_two_years

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it"
    ),
]

CHOSEN = ["0880", "0180-01", "1490", "2584"]  # Kalmar, Rinkeby-Kista (not in 2024), Borås, Kiruna


def convert(files: list[Path], outdir: Path) -> None:
    """One LibreOffice run converts every file to .xlsx, recalculating what has no cached result."""
    profile = outdir / "profile"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, files)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for file in files:
        assert (outdir / file.name).exists(), result.stdout + result.stderr


def shown_figure(figure: Figure | None, share: bool) -> object:
    if figure is None:
        return None
    if figure.display is None:
        return "inget värde"
    return float(figure.display) / 100 if share else float(figure.display)


def county_count(figure: Figure | None, share: bool) -> str | None:
    if figure is None or not figure.denominator:
        return None
    return f"{int(figure.numerator)} av {figure.denominator}" if share else f"{figure.denominator} med värde"


def expected_start_page(unit: ReportingUnit) -> dict[tuple[str, int], tuple]:
    """{(indicator, year): (unit value, county share, county count, country share, SKR group share)}
    as the start page shows them: 1/0 or the number, "inget värde" for no value, ".." for a
    confidential count, shares as fractions, "12 av 28" for the counts, None for empty."""
    results = published_results()
    expected = {}
    for year, data in results.items():
        skr = GroupMembership.objects.filter(year=year, unit=unit, grouping__code__startswith="skr").first()
        reported = any(u == unit.pk for u, _c in data.values)
        for code, version in data.versions.items():
            value = data.value(unit.pk, code)
            unit_cell = (None if not reported else "inget värde") if value is None else float(value)
            if version.is_confidential(value):
                unit_cell = ".."

            share = version.aggregation == "share"
            county = data.figure(code, Area("county", county_id=unit.county_id))
            expected[code, year] = (
                unit_cell,
                shown_figure(county, share),
                county_count(county, share),
                shown_figure(data.figure(code, Area("country")), share),
                shown_figure(data.figure(code, Area("group", group_id=skr.group_id)), share) if skr else None,
            )
    return expected


def chart_table_rows(path: Path) -> tuple[int, int]:
    """The first and last sheet row (1-based) of the start page's chart table, its header included."""
    workbook = load_workbook(path)
    _sheet, cells = next(iter(workbook.defined_names["ChartTable"].destinations))
    first, last = cells.replace("$", "").split(":")
    return int("".join(c for c in first if c.isdigit())), int("".join(c for c in last if c.isdigit()))


def start_page(path: Path) -> dict[tuple[str, int], tuple]:
    """The indicator tables: {(code, year): (unit, county, county count, country, SKR group)}."""
    sheet = load_workbook(path, data_only=True).worksheets[0]
    chart_first, _last = chart_table_rows(path)
    shown, code = {}, None
    columns = [COL_UNIT, COL_COUNTY, COL_COUNTY_COUNT, COL_COUNTRY, COL_FIRST_GROUPING]
    for row in sheet.iter_rows(min_row=ROW_HEADER + 2, max_row=chart_first - 2, values_only=True):
        label = row[COL_LABEL]
        if isinstance(label, str):
            code = label.split(" ", 1)[0] if label.startswith("VINR") else None
        elif isinstance(label, int) and code:
            shown[code, label] = tuple(None if row[col] == "" else row[col] for col in columns)
    return shown


def assert_same(shown: dict, expected: dict) -> None:
    assert shown.keys() == expected.keys()
    for key, cells in expected.items():
        for got, want in zip(shown[key], cells, strict=True):
            if isinstance(want, float):
                assert got == pytest.approx(want), key
            else:
                assert got == want, key


def test_the_start_page_shows_the_chosen_units_results_after_recalculation(analyst, tmp_path):
    publish_two_years(analyst)
    buffer = io.BytesIO()
    build_results_file(year=2024, target=buffer)
    original = tmp_path / "original.xlsx"
    original.write_bytes(buffer.getvalue())
    data = collect_export_data(year=2024)
    default = ReportingUnit.objects.get(pk=data.units[0].id)
    # The cached results are the default unit's.
    assert_same(start_page(original), expected_start_page(default))

    chosen = []
    for code in CHOSEN:
        unit = ReportingUnit.objects.get(code=code)
        workbook = load_workbook(original)
        workbook.worksheets[0].cell(ROW_CHOICE + 1, COL_UNIT + 1).value = ResultsExporter(data).labels[unit.pk]
        path = tmp_path / f"chosen-{code}.xlsx"
        workbook.save(path)
        chosen.append((unit, path))
    outdir = tmp_path / "recalculated"
    convert([original] + [path for _unit, path in chosen], outdir)

    # The file opens and converts without repair, and LibreOffice agrees with the cached results.
    assert_same(start_page(outdir / original.name), expected_start_page(default))
    for unit, path in chosen:
        assert_same(start_page(outdir / path.name), expected_start_page(unit))

    # The chart's table: the chosen unit's values of the first indicator against its county and the country.
    exporter = ResultsExporter(data)
    first = next(info for info in exporter.indicators if info.is_share)
    unit, path = chosen[0]
    sheet = load_workbook(outdir / path.name, data_only=True).worksheets[0]
    expected = expected_start_page(unit)
    header, _last = chart_table_rows(outdir / path.name)
    for offset, year in enumerate(data.years):
        row = header + 1 + offset
        assert sheet.cell(row, COL_LABEL + 1).value == year
        cells = [sheet.cell(row, col + 1).value for col in (COL_UNIT, COL_COUNTY, COL_COUNTRY)]
        unit_value, county, _count, country, _group = expected[first.code, year]
        assert cells[0] == (unit_value if isinstance(unit_value, float) else "#N/A")
        assert cells[1] == pytest.approx(county) if isinstance(county, float) else cells[1] == "#N/A"
        assert cells[2] == pytest.approx(country)
