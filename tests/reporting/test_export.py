"""The Excel results file: its data sheets match the published results, text stays text, the layout
fits Excel's limits at ten times the units, and analysts build it with a task the public downloads."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from core.spreadsheets import MAX_COLUMNS, MAX_ROWS, Column, DataSheet, write_workbook
from indicators.calculation.aggregate import Area
from indicators.models import IndicatorVersion
from reporting.exporters import ExportError, ResultsExporter, collect_export_data
from reporting.models import Export
from reporting.selectors.published import published_results
from reporting.services import build_results_file, run_export, start_export
from survey.models import County, Grouping, Part, ReportingUnit

from .export_helpers import NOTE, YEARS, publish_two_years, submit_some_parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(analyst):  # noqa: ANN001, ANN201
    publish_two_years(analyst)
    submit_some_parts()


def results_file(year: int = 2024) -> bytes:
    buffer = io.BytesIO()
    build_results_file(year=year, target=buffer)
    return buffer.getvalue()


def sheet_rows(content: bytes, index: int) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [tuple(row) for row in workbook.worksheets[index].iter_rows(values_only=True)]


def share(value: Decimal | None) -> float | None:
    return None if value is None else float(value) / 100


def test_the_units_sheet_holds_every_published_unit_value(published):
    rows = sheet_rows(results_file(), 1)
    header, data = rows[0], rows[1:]
    results = published_results()
    ids = dict(ReportingUnit.objects.values_list("code", "pk"))
    assert len(data) == len({unit for year in YEARS for unit, _code in results[year].values})
    seen = {"–": 0, 1: 0, 0: 0}
    for row in data:
        cells = dict(zip(header, row, strict=True))
        unit_id = ids[row[0]]
        for year in YEARS:
            reported = any(u == unit_id for u, _c in results[year].values)
            for code in results[year].versions:
                value, cell = results[year].value(unit_id, code), cells[f"{code} {year}"]
                if value is None:
                    assert cell == ("–" if reported else None)
                elif code == "VINRN1":
                    assert cell == float(value)
                else:
                    assert cell == int(value)
                if cell in seen:
                    seen[cell] += 1
    assert all(seen.values())  # the data has yes, no and no value


def test_the_area_sheets_hold_the_published_shares(published):
    content = results_file()
    results = published_results()
    counties, country = sheet_rows(content, 2), sheet_rows(content, 3)
    county_ids = dict(County.objects.values_list("code", "pk"))
    for year in YEARS:
        for code, version in results[year].versions.items():
            column = counties[0].index(f"{code} {year}")
            expected = results[year].figure(code, Area("country")).display
            assert country[1][column] == (share(expected) if version.aggregation == "share" else float(expected))
            for row in counties[1:]:
                figure = results[year].figure(code, Area("county", county_id=county_ids[row[0]]))
                if figure is None:
                    assert row[column] is None
                elif figure.display is None:
                    assert row[column] == "–"
                elif version.aggregation == "share":
                    assert row[column] == pytest.approx(share(figure.display))
                else:
                    assert row[column] == float(figure.display)


def test_the_groups_sheet_has_the_skr_groups_only_in_their_years(published):
    rows = sheet_rows(results_file(), 4)
    header = rows[0]
    skr = [row for row in rows[1:] if row[0].startswith("skr-2017:")]
    assert len(skr) == 9
    assert all(row[header.index("VINR01 2024")] is None for row in skr)  # the 2017 grouping ends in 2022
    assert any(row[header.index("VINR01 2021")] is not None for row in skr)


def test_response_rates_descriptions_and_about_sheets(published):
    content = results_file()
    rates = sheet_rows(content, 5)
    country_vinr = next(row for row in rates[1:] if row[0] == 2024 and row[1] == "vinr" and row[4] == "0000")
    assert country_vinr[7] == 3 and country_vinr[6] > 250
    assert country_vinr[8] == pytest.approx(3 / country_vinr[6], abs=0.0005)  # one decimal of a percent
    descriptions = sheet_rows(content, 6)
    vinr02 = next(row for row in descriptions[1:] if row[0] == "VINR02")
    assert f"2024: {NOTE}" in vinr02[-1] and vinr02[-2] == "2021, 2024"
    about = sheet_rows(content, 7)
    texts = " ".join(str(cell) for row in about for cell in row)
    assert "–" in texts and "2021, 2024" in texts


def test_a_unit_name_that_looks_like_a_formula_stays_text(published):
    ReportingUnit.objects.filter(code="0880").update(name='=HYPERLINK("http://x.example","Kalmar")\x01')
    content = results_file()
    rows = sheet_rows(content, 1)
    assert '=HYPERLINK("http://x.example","Kalmar")' in [row[1] for row in rows]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = "".join(archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/"))
    assert "<f>HYPERLINK" not in xml and "\x01" not in xml


def test_the_layout_fits_excels_limits_at_ten_times_the_units(published):
    data = collect_export_data(year=2024)
    exporter = ResultsExporter(data)
    units, columns = len(data.units), len(exporter.sheets()[0].columns)
    # A row per unit and a column per indicator and year: 10× the units is 10× the rows.
    assert 10 * units + 1 < MAX_ROWS
    full_catalogue = 18 * len(range(2016, 2051))  # every indicator of the catalogue until 2050
    assert columns - len(exporter.columns) + full_catalogue < MAX_COLUMNS


def test_no_published_year_is_an_export_error(db):
    with pytest.raises(ExportError):
        collect_export_data(year=2024)


def test_an_analyst_starts_an_export_that_the_public_downloads(
    client, analyst, published, django_capture_on_commit_callbacks
):
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:export-list"), {"year": 2024})
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exports:export-detail", args=[export.pk])
    assert (export.status, export.progress, export.created_by) == ("done", 100, analyst)
    status = client.get(reverse("exports:export-status", args=[export.pk]))
    assert (
        b"every 2s" not in status.content
        and reverse("exports:export-download", args=[export.pk]).encode() in status.content
    )
    client.logout()
    download = client.get(reverse("exports:results-file", args=[2024]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        load_workbook(io.BytesIO(download.content)).sheetnames[1]
        == ResultsExporter(collect_export_data(year=2024)).titles["units"]
    )


def test_a_running_export_is_polled_and_a_second_run_does_nothing(client, analyst, published):
    export = Export.objects.create(year=2024, created_by=analyst)
    client.force_login(analyst)
    page = client.get(reverse("exports:export-detail", args=[export.pk]))
    assert b'hx-trigger="every 2s"' in page.content and b"<script>" not in page.content
    assert run_export(export_id=export.pk).status == "done"
    assert run_export(export_id=export.pk) is None


def test_a_failed_export_shows_its_error(client, analyst):
    export = start_export(year=2024, user=analyst)
    run_export(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == "failed" and "2024" in export.message
    client.force_login(analyst)
    assert export.message.encode() in client.get(reverse("exports:export-status", args=[export.pk])).content
    assert client.get(reverse("exports:results-file", args=[2024])).status_code == 404


def test_only_analysts_see_exports(client, respondent, coordinator):
    for user in (respondent, coordinator):
        client.force_login(user)
        assert client.get(reverse("exports:export-list")).status_code == 403


def test_the_command_writes_the_same_file(published, tmp_path):
    out = tmp_path / "resultat.xlsx"
    call_command("export_results", "--year", "2024", "--out", str(out), "--store")
    assert (
        load_workbook(out, read_only=True).sheetnames
        == load_workbook(io.BytesIO(results_file()), read_only=True).sheetnames
    )
    assert Export.objects.get().status == "done"


def test_units_that_share_a_name_are_told_apart_by_their_code(published):
    kalmar = ReportingUnit.objects.get(code="0880").name
    ReportingUnit.objects.filter(code="0881").update(name=kalmar)
    names = [row[1] for row in sheet_rows(results_file(), 1)]
    assert f"{kalmar} (0880)" in names and f"{kalmar} (0881)" in names and kalmar not in names


def test_the_command_stores_every_published_year_once(published, capsys):
    from django.core.management import call_command

    from reporting.models import Export

    call_command("export_results", "--store")
    call_command("export_results", "--store")
    out = capsys.readouterr().out
    assert "Wrote a finished export of 2024" in out and "The results file of 2024 is up to date." in out
    assert "Wrote a finished export of 2021" in out and "The results file of 2021 is up to date." in out
    assert sorted(Export.objects.filter(status="done").values_list("year", "revision")) == [(2021, 1), (2024, 1)]


def test_a_correction_of_the_registers_groups_makes_the_stored_files_of_those_years_outdated(published, capsys):
    """An install loaded with the population classes of 2019 for every year: once load_units has
    corrected 2024, the stored 2024 file (its population-group figures) is built again; 2021's is not."""
    from django.core.management import call_command

    from survey.models import Group, GroupMembership
    from survey.services.register import load_register

    GroupMembership.objects.filter(year=2024, grouping__code="population", unit__code="0114").update(
        group=Group.objects.get(grouping__code="population", code="P3")
    )
    call_command("export_results", "--store")
    load_register()
    call_command("export_results", "--store")
    out = capsys.readouterr().out
    assert out.count("Wrote a finished export of 2024") == 2
    assert out.count("Wrote a finished export of 2021") == 1 and "The results file of 2021 is up to date." in out


def test_the_export_page_says_when_the_registers_groups_changed_after_the_file(client, analyst, published):
    from survey.models import GroupMembership
    from survey.services.register import load_register

    export = Export.objects.create(year=2024, created_by=analyst)
    run_export(export_id=export.pk)
    client.force_login(analyst)
    warning = "Registrets gruppindelningar har lagts till eller rättats efter att den här exporten startade"
    assert warning not in client.get(reverse("exports:export-detail", args=[export.pk])).content.decode()

    GroupMembership.objects.filter(year=2024, unit__code="0880", grouping__code="skr-2023").delete()  # a gap
    load_register()

    text = client.get(reverse("exports:export-detail", args=[export.pk])).content.decode()
    assert warning in text
    assert "Resultat har publicerats efter att den här exporten startade" not in text  # nothing was published


def test_the_area_sheets_give_the_units_behind_each_figure(published):
    content = results_file()
    results = published_results()
    counties = sheet_rows(content, 2)
    header = counties[0]
    county_ids = dict(County.objects.values_list("code", "pk"))
    checked = 0
    for year in YEARS:
        for code, version in results[year].versions.items():
            with_value = header.index(f"{code} {year} antal med värde")
            fulfilled = header.index(f"{code} {year} antal uppfyllda") if version.aggregation == "share" else None
            for row in counties[1:]:
                figure = results[year].figure(code, Area("county", county_id=county_ids[row[0]]))
                if figure is None:
                    continue
                assert row[with_value] == figure.denominator
                if fulfilled is not None:
                    assert row[fulfilled] == figure.numerator
                checked += 1
    assert checked and not any(f"VINRN1 {year} antal uppfyllda" in header for year in YEARS)


def test_small_counts_are_confidential_and_still_in_the_sums(published):
    IndicatorVersion.objects.filter(indicator__code="VINRN1").update(confidential_below=5)
    cache.clear()  # the published results keep the definitions they were read with
    content = results_file()
    results = published_results()
    units, country = sheet_rows(content, 1), sheet_rows(content, 3)
    ids = dict(ReportingUnit.objects.values_list("code", "pk"))
    column = units[0].index("VINRN1 2024")
    shown = {row[column] for row in units[1:]}
    for row in units[1:]:
        value = results[2024].value(ids[row[0]], "VINRN1")
        if value is not None and 0 < value < 5:
            assert row[column] == ".."
    assert ".." in shown and 12.5 in shown and 3.0 not in shown
    total = results[2024].figure("VINRN1", Area("country"))
    assert country[1][country[0].index("VINRN1 2024")] == float(total.numerator)  # the 3s are in the sum
    about = {row[0]: row[1] for row in sheet_rows(content, 7)}
    assert about[".."].startswith("Sekretess: ett antal personer så litet (1–4)")


def test_the_data_sheets_speak_swedish_and_name_the_parts(published):
    content = results_file()
    header = sheet_rows(content, 1)[0]
    skr = Grouping.objects.get(code="skr-2017")
    assert f"{skr.name} 2021" in header and not any(str(cell).startswith("skr-") for cell in header)
    descriptions = sheet_rows(content, 6)
    part = descriptions[0].index("Delenkät")
    label = Part.objects.filter(code="vinr").values_list("label", flat=True).first()
    assert {row[part] for row in descriptions[1:]} == {label}


def test_the_file_has_a_title_an_author_and_its_language(published):
    with zipfile.ZipFile(io.BytesIO(results_file())) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert "<dc:language>sv-SE</dc:language>" in core
    assert "<dc:creator>Socialstyrelsen och SKR</dc:creator>" in core
    assert "<dc:title>Öppna jämförelser – våld i nära relationer: resultat 2024</dc:title>" in core


def test_the_data_sheets_print_readably(published):
    workbook = load_workbook(io.BytesIO(results_file()))
    for sheet in workbook.worksheets[1:]:
        assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
    about = workbook.worksheets[7]
    assert about.sheet_properties.pageSetUpPr.fitToPage and about.page_setup.fitToHeight == 0  # width 1
    # A sheet far wider than a page (the units sheet of 2016–2025 has 200 columns): at a readable size over
    # several pages, with its code and name on each, not shrunk to one page's width.
    columns = [Column(10), Column(28), *[Column(8)] * 200]
    rows = lambda: iter([["Kod", "Namn", *range(200)], ["0880", "Kalmar", *[1] * 200]])  # noqa: E731
    wide = load_workbook(io.BytesIO(write_workbook([DataSheet("Wide", "Enheter", columns, rows, 2)]))).worksheets[0]
    assert not wide.sheet_properties.pageSetUpPr.fitToPage and wide.print_title_cols == "$A:$B"
    assert wide.page_setup.scale == 70 and wide.print_title_rows == "$1:$1"
