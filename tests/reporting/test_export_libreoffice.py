"""The results file in LibreOffice: it opens without repair, and after another unit is chosen on the
start page and the file recalculated, the start page shows that unit's published results.

Choosing a unit: openpyxl rewrites the choice cell and keeps every formula but drops their cached
results, so LibreOffice has to calculate each one while converting the file (it would otherwise
trust the cached results, which are the default unit's)."""

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

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
    ROW_STATE,
)
from reporting.selectors.published import Figure, published_results
from reporting.services import build_results_file
from survey.models import GroupMembership, ReportingUnit

from .export_helpers import publish_two_years

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("soffice") is None or shutil.which("pdftotext") is None,
        reason="LibreOffice (soffice) or poppler-utils (pdftotext) is not installed; .ci/run installs both",
    ),
]

CHOSEN = ["0880", "0180-01", "1490", "2584"]  # Kalmar, Rinkeby-Kista (not in 2024), Borås, Kiruna


# LibreOffice's setting "recalculate on loading an Excel file: always" (default: never, trusting the cached results).
RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def convert(files: list[Path], outdir: Path, target: str = "xlsx", *, recalculate: bool = False) -> None:
    """One LibreOffice run converts every file to `target`, recalculating what has no cached result
    (with `recalculate`, every formula)."""
    profile = outdir / "profile"
    if recalculate:
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD)
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(outdir), *map(str, files)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for file in files:
        assert (outdir / file.with_suffix("." + target).name).exists(), result.stdout + result.stderr


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
    cleared = tmp_path / "cleared.xlsx"
    workbook = load_workbook(original)
    workbook.worksheets[0].cell(ROW_CHOICE + 1, COL_UNIT + 1).value = None
    workbook.save(cleared)
    outdir = tmp_path / "recalculated"
    convert([original, cleared] + [path for _unit, path in chosen], outdir)

    # The file opens and converts without repair, and LibreOffice agrees with the cached results.
    assert_same(start_page(outdir / original.name), expected_start_page(default))
    for unit, path in chosen:
        assert_same(start_page(outdir / path.name), expected_start_page(unit))

    # With the choice cleared the page says what to do, and its tables are empty, not full of #N/A.
    neutral = load_workbook(outdir / cleared.name, data_only=True).worksheets[0]
    assert neutral.cell(ROW_STATE + 1, COL_LABEL + 1).value.startswith(
        "Välj en kommun eller stadsdel i den gula cellen"
    )
    shown = start_page(outdir / cleared.name)
    assert shown.keys() == expected_start_page(default).keys()
    assert all(cells[0] is None and cells[1] is None and cells[2] is None for cells in shown.values())
    chart_header, _last = chart_table_rows(outdir / cleared.name)
    tables = neutral.iter_rows(max_row=chart_header - 1, max_col=COL_FIRST_GROUPING + 5, values_only=True)
    assert not [cell for row in tables for cell in row if isinstance(cell, str) and cell.startswith("#")]

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


def chart_anchor(content: bytes) -> tuple[int, int, int, int]:
    """The start page's chart: first column and row, last column and row (0-based), from its drawing."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    cols = [int(c) for c in re.findall(r"<xdr:col>(\d+)</xdr:col>", drawing)]
    rows = [int(r) for r in re.findall(r"<xdr:row>(\d+)</xdr:row>", drawing)]
    return cols[0], rows[0], cols[1], rows[1]


def test_the_start_page_prints_its_chart_inside_the_page_titled_and_without_a_false_zero(analyst, tmp_path):
    publish_two_years(analyst)
    data = collect_export_data(year=2024)
    exporter = ResultsExporter(data)
    indicator = next(info for info in exporter.indicators if info.is_share)
    results = published_results()
    reported_2024 = {u for u, _c in results[2024].values}
    unit = next(  # a value in 2021, none in 2024: the chart must not draw a 0 % for 2024
        u for u in data.units
        if results[2021].value(u.id, indicator.code) is not None and u.id in reported_2024
        and results[2024].value(u.id, indicator.code) is None
    )  # fmt: skip
    buffer = io.BytesIO()
    ResultsExporter(data, chosen=unit.id).write(buffer)
    content = buffer.getvalue()
    path = tmp_path / "start.xlsx"
    path.write_bytes(content)

    # In the file: the chart lies inside the print area, is a column chart and has a title of its own.
    print_area = load_workbook(path).worksheets[0].print_area
    min_col, min_row, max_col, max_row = range_boundaries(print_area.split("!")[-1].replace("$", ""))
    first_col, first_row, last_col, last_row = chart_anchor(content)
    assert min_col - 1 <= first_col and last_col <= max_col - 1 and min_row - 1 <= first_row and last_row <= max_row - 1
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
    title = "Andel enheter som uppfyller den valda indikatorn, per år"
    assert '<c:barDir val="col"/>' in chart and f"<a:t>{title}</a:t>" in chart

    # LibreOffice, recalculating every formula, prints the start page with the title, not "Chart Title".
    outdir = tmp_path / "rendered"
    convert([path], outdir, "pdf", recalculate=True)
    pdf = outdir / "start.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert title in text and "Chart Title" not in text and "Diagramrubrik" not in text
    if shutil.which("pdftoppm"):  # the picture, to look at: tmp_path/rendered/start-*.png
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-l", "6", str(pdf), str(outdir / "start")], check=True)

    # The chart's table as LibreOffice calculates it: #N/A where the unit has no value (no bar, no label), never 0.
    convert([path], outdir, "xlsx", recalculate=True)
    sheet = load_workbook(outdir / "start.xlsx", data_only=True).worksheets[0]
    header, _last = chart_table_rows(outdir / "start.xlsx")
    by_year = {sheet.cell(row, 1).value: sheet.cell(row, COL_UNIT + 1).value for row in range(header + 1, header + 3)}
    assert by_year == {2021: float(results[2021].value(unit.id, indicator.code)), 2024: "#N/A"}
