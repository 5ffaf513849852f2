"""Text that starts like a formula (=, +, -, @, and a tab or carriage return in front of one, as
OWASP's "CSV injection" lists) never runs as one in anything the system exports: the monitor's
Excel file, the results file, the published CSV, the audit log's CSV and `response_rates --format
csv`. Excel files hold it as a text cell; CSV files put a single quote in front, all in the same
way. Numbers, negative ones too, stay numbers."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from core.audit import record_event
from core.spreadsheets import Column, DataSheet, Renderer, write_workbook
from reporting.services import build_results_file
from survey.models import Contact, County, ReportingUnit
from tests.factories import UserFactory
from tests.reporting.export_helpers import publish_two_years, submit_some_parts

pytestmark = pytest.mark.django_db

FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(1+1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://evil.example","x")']
UNITS = ["0880", "0881", "0882", "0883", "0884", "0885", "1440"]


@pytest.fixture
def formula_names(analyst, coordinator, client):  # noqa: ANN001, ANN201
    """Published 2021 and 2024, the 2024 round with every unit invited; seven units named like
    formulas, contact persons imported from a CSV file whose names are formulas, and Kalmar län
    named like one."""
    publish_two_years(analyst)
    submit_some_parts()
    for code, text in zip(UNITS, FORMULAS, strict=True):
        ReportingUnit.objects.filter(code=code).update(name=text)
    County.objects.filter(code="08").update(name="=1+1")
    lines = ["unit_code;name;email"] + [
        f'{code};"{text.replace(chr(34), chr(34) * 2)}";p{code}@example.se'
        for code, text in zip(UNITS, FORMULAS, strict=True)
    ]
    client.force_login(coordinator)
    upload = SimpleUploadedFile("kontakter.csv", "\n".join(lines).encode())
    client.post(reverse("survey:contact-import"), {"file": upload, "dry_run": ""})
    # Imported as plain text (a name loses its leading tab or carriage return like any blank).
    assert set(Contact.objects.values_list("name", flat=True)) == {text.strip() for text in FORMULAS}


def text_cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [
        cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None
    ]


def assert_text_in_workbook(content: bytes, expected: list[str]) -> None:
    cells = text_cells(content)
    # A carriage return reads back as a line feed (XML), or as Excel's escape _x000D_ (xlsxwriter's).
    expected = [text.replace("\r", "\n") for text in expected]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f" and "1+1" in str(cell.value)]
    found = [(value, cell) for cell in cells if (value := str(cell.value).replace("_x000D_", "\n")) in expected]
    assert {value for value, _cell in found} == set(expected)
    assert all(cell.data_type == "s" for _value, cell in found)


def assert_quoted_in_csv(rows: list[list[str]], expected: list[str]) -> None:
    cells = [cell for row in rows for cell in row]
    for text in expected:
        assert "'" + text in cells, text
        assert text not in cells, text


def test_the_monitor_export_keeps_unit_and_contact_names_as_text(client, coordinator, formula_names):
    client.force_login(coordinator)
    export = client.get(reverse("survey:round-monitor-export", kwargs={"year": 2024}))
    assert export.status_code == 200
    assert_text_in_workbook(export.content, FORMULAS + [text.strip() for text in FORMULAS])


def test_the_results_file_keeps_unit_names_as_text(formula_names):
    buffer = io.BytesIO()
    build_results_file(year=2024, target=buffer)
    assert_text_in_workbook(buffer.getvalue(), FORMULAS)


def test_the_published_csv_quotes_unit_names(client, formula_names):
    content = b"".join(client.get(reverse("kolada:published-csv")).streaming_content).decode()
    rows = list(csv.reader(io.StringIO(content, newline="")))
    assert_quoted_in_csv(rows, FORMULAS)


def test_the_audit_log_csv_quotes_what_starts_like_a_formula(client, coordinator):
    for text in FORMULAS:
        record_event("survey.part.reopened", actor=UserFactory(role="coordinator", full_name=text), reason=text)
    client.force_login(coordinator)
    content = client.get(reverse("survey:audit-log"), {"format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content, newline=""), delimiter=";"))
    assert_quoted_in_csv(rows, FORMULAS)


def test_response_rates_csv_quotes_a_county_name(formula_names):
    out = io.StringIO()
    call_command("response_rates", "--year", "2024", "--by", "county", "--format", "csv", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert_quoted_in_csv(rows, ["=1+1"])
    assert all(row[4].isdigit() for row in rows[1:])  # the counts are plain numbers


def test_negative_numbers_stay_numbers_and_negative_text_stays_text():
    rows = [["a", "b", "c"], [-1.5, -2, "-1"]]
    content = write_workbook([DataSheet("S", "S", [Column(), Column(), Column()], lambda: iter(rows))])
    number, integer, text = load_workbook(io.BytesIO(content)).active[2]
    assert (number.value, number.data_type) == (-1.5, "n")
    assert (integer.value, integer.data_type) == (-2, "n")
    assert (text.value, text.data_type, text.quotePrefix) == ("-1", "s", True)

    buffer = io.BytesIO()
    renderer = Renderer(buffer, yes="Ja", no="Nej")
    sheet = renderer.add_sheet("S")
    for col, value in enumerate([-1.5, Decimal("-2.25"), "-1", "=1+1"]):
        renderer.write_value(sheet, 0, col, value)
    renderer.close()
    cells = load_workbook(io.BytesIO(buffer.getvalue())).active[1]
    assert [(cell.value, cell.data_type) for cell in cells] == [(-1.5, "n"), (-2.25, "n"), ("-1", "s"), ("=1+1", "s")]
