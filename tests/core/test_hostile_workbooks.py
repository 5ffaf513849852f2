"""Workbooks built to hang or break the readers (issue 20): one reader (core/workbooks.py) never
trusts the size a sheet declares, reads at most the header's width and each import's row cap, stops
at the first empty stretch and in the time of one upload; a workbook it cannot read is refused with
a Swedish message. The pages and the import commands alike, each in seconds."""

import io
import re
import time

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.models import AuditEvent
from survey.models import Contact, SurveyRound
from tests.core.test_uploads import (
    SHIPPED_FORM,
    contact_page,
    contacts_xlsx,
    post,
    questionnaire_page,
    questionnaire_xlsx,
    rezip,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db

LAST_ROW = 1_048_576  # Excel's last row; XFD its last column
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
DAMAGED = "Arbetsboken är skadad och kan inte läsas; öppna den i Excel och spara den på nytt som .xlsx."


def declaring(data: bytes, ref: str, *, cells: str = "", sheet: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with its sheet's dimension replaced by `ref` and `cells` (XML) added after its rows."""

    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension ref=\"[^\"]*\"\s*/>", f'<dimension ref="{ref}"/>'.encode(), xml)
        return xml.replace(b"</sheetData>", cells.encode() + b"</sheetData>")

    return rezip(data, edit={sheet: edit})


def stray_cell(row: int, column: str = "A", text: str = "x") -> str:
    return f'<row r="{row}"><c r="{column}{row}" t="inlineStr"><is><t>{text}</t></is></c></row>'


def hostile(data: bytes, **kwargs: str) -> bytes:
    """The file of the issue: it declares A1:XFD1048576 and holds one cell in the last row."""
    return declaring(data, f"A1:XFD{LAST_ROW}", cells=stray_cell(LAST_ROW), **kwargs)


def quickly(function):  # noqa: ANN001, ANN201
    """The function's result, failing if it took more than seconds (before the fix these never ended;
    the bound leaves room for a loaded machine and a request's first rendering of a page)."""
    start = time.monotonic()
    result = function()
    assert time.monotonic() - start < 10
    return result


def test_the_file_of_the_issue_is_imported_in_seconds_without_its_stray_last_row(client, coordinator):
    data = hostile(contacts_xlsx())
    assert len(data) < 6000
    client.force_login(coordinator)
    quickly(lambda: post(client, "kontakter.xlsx", "survey:contact-import", data, dry_run=""))
    # The cell in row 1 048 576 lies below 60 empty rows: not read (an "x" unit would be an error).
    assert list(Contact.objects.values_list("unit__code", "email")) == [("0880", "anna.lind@kalmar.se")]


def test_the_file_of_the_issue_does_not_hang_the_import_commands(tmp_path, coordinator, analyst):
    contacts = tmp_path / "kontakter.xlsx"
    contacts.write_bytes(hostile(contacts_xlsx()))
    quickly(lambda: call_command("import_contacts", str(contacts), "--dry-run", stdout=io.StringIO()))
    history = tmp_path / "historik.xlsx"
    history.write_bytes(hostile(workbook_bytes(("year", "unit_code", "indicator_code", "value"), (2019, "0880"))))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        quickly(lambda: call_command("import_results", str(history), stderr=errors))
    assert "rad 2, kolumn indicator_code" in errors.getvalue()  # the rows were read and checked
    call_command("load_questionnaire", str(SHIPPED_FORM), "--year", "2024", stdout=io.StringIO())
    answers = tmp_path / "svar.xlsx"
    answers.write_bytes(hostile(workbook_bytes(("unit_code", "question_code", "value"), ("0880", "fortb_barn", "ja"))))
    output = io.StringIO()
    quickly(lambda: call_command("import_answers", str(answers), "--year", "2024", "--dry-run", stdout=output))
    assert output.getvalue().startswith("1 rows: would import 1 answers for 1 units")
    assert not Contact.objects.exists()


def test_a_questionnaire_declaring_every_cell_is_read_in_seconds(client, coordinator):
    data = hostile(questionnaire_xlsx())
    client.force_login(coordinator)
    page = quickly(lambda: post(client, "vinr.xlsx", "survey:questionnaire-upload", data, year=2030))
    assert page.status_code == 302
    assert SurveyRound.objects.filter(year=2030).exists()


def test_a_header_wider_than_100_columns_is_refused_naming_the_limit(client, coordinator):
    data = declaring(contacts_xlsx(), "A1:XFD2", cells="")
    wide = rezip(
        data,
        edit={
            "xl/worksheets/sheet1.xml": lambda xml: xml.replace(
                b"</c></row>", b'</c><c r="XFD1" t="inlineStr"><is><t>extra</t></is></c></row>', 1
            )
        },
    )
    page = quickly(lambda: contact_page(client, coordinator, "kontakter.xlsx", wide))
    assert "Rubrikraden (rad 1) på bladet Sheet är 16384 kolumner bred; högst 100 läses." in page


def test_a_questionnaire_sheet_wider_than_100_columns_is_refused(client, coordinator):
    header = [f"label::{get_column_letter(n)}" for n in range(1, 102)]
    workbook = Workbook()
    workbook.active.title = "survey"
    workbook.active.append(["type", "name", *header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = questionnaire_page(client, coordinator, "vinr.xlsx", buffer.getvalue())
    assert "Rubrikraden (rad 1) på bladet survey är 103 kolumner bred; högst 100 läses." in page


def test_more_rows_than_an_import_takes_are_refused_on_the_page_and_by_the_command(client, coordinator, tmp_path):
    rows = [("0880", f"Person {n}", f"person{n}@kalmar.se") for n in range(5001)]
    page = contact_page(client, coordinator, "kontakter.xlsx", workbook_bytes(("unit_code", "name", "email"), *rows))
    message = (
        "Filen har fler än 5\xa0000 rader med data, det mesta den här importen tar emot; dela upp den i flera filer."
    )
    assert "Bladet Sheet har fler än 5\xa0000 rader med data" in page
    csv = tmp_path / "kontakter.csv"
    csv.write_text("unit_code,name,email\n" + "".join(f"{u},{n},{e}\n" for u, n, e in rows), encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError, match=r"^1 problem\(s\); nothing was imported\.$"):
        call_command("import_contacts", str(csv), stderr=errors)
    assert errors.getvalue().strip() == message
    assert not Contact.objects.exists()


def test_an_upload_that_reads_too_long_is_stopped_with_the_limit(client, coordinator, tmp_path, monkeypatch):
    monkeypatch.setattr("core.workbooks.READ_SECONDS", -1)  # the budget of one upload, spent at once
    message = "Att läsa filen tog längre än -1 sekunder"
    assert message in contact_page(client, coordinator, "kontakter.xlsx", contacts_xlsx())
    path = tmp_path / "kontakter.csv"
    path.write_text("unit_code,name,email\n0880,Anna Lind,anna.lind@kalmar.se\n", encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_contacts", str(path), stderr=errors)
    assert message in errors.getvalue()


def styles_bomb(data: bytes, fonts: int) -> bytes:
    """`fonts` fonts and cell formats, each different, so the styles compress only about 15 times."""

    def edit(xml: bytes) -> bytes:
        many = "".join(
            f'<font><name val="F{n}"/><sz val="{n % 400 + 1}"/><color rgb="00{n:06X}"/></font>' for n in range(fonts)
        )
        formats = "".join(f'<xf numFmtId="0" fontId="{n}" fillId="0" borderId="0" xfId="0"/>' for n in range(fonts))
        xml = re.sub(rb"<fonts count=\"1\">.*?</fonts>", f'<fonts count="{fonts}">{many}</fonts>'.encode(), xml)
        return re.sub(
            rb"<cellXfs count=\"1\">.*?</cellXfs>", f'<cellXfs count="{fonts}">{formats}</cellXfs>'.encode(), xml
        )

    return rezip(data, edit={"xl/styles.xml": edit})


def test_a_styles_bomb_is_refused_unopened(client, coordinator):
    bomb = styles_bomb(contacts_xlsx(), 20_000)  # 180 kB, 2.7 MB of styles
    page = quickly(lambda: contact_page(client, coordinator, "kontakter.xlsx", bomb))
    assert "Arbetsbokens formatmallar (format, teckensnitt, färger) packas upp till mer än 2,0\xa0MB" in page
    page = quickly(
        lambda: questionnaire_page(client, coordinator, "vinr.xlsx", styles_bomb(questionnaire_xlsx(), 20_000))
    )
    assert "Arbetsbokens formatmallar" in page


def test_more_text_than_an_upload_may_hold_is_refused_unopened(client, coordinator):
    """openpyxl reads all the cells' text before the first cell, where no time budget can stop it."""

    many = "".join(f"<si><t>person{n}@kalmar.se</t></si>" for n in range(450_000))
    strings = f'<sst xmlns="{MAIN}" count="450000" uniqueCount="450000">{many}</sst>'.encode()
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS}"/></Types>'.encode()
    data = rezip(
        contacts_xlsx(),
        edit={"[Content_Types].xml": lambda xml: xml.replace(b"</Types>", override)},
        add={"xl/sharedStrings.xml": strings},
    )
    assert len(data) < 5 * 1024 * 1024
    page = quickly(lambda: contact_page(client, coordinator, "kontakter.xlsx", data))
    assert (
        "Texten i arbetsbokens celler packas upp till mer än 10,0\xa0MB, det mesta en uppladdning får innehålla; "
        "dela upp filen." in page
    )


def without_sheets(data: bytes) -> bytes:
    return rezip(data, edit={"xl/workbook.xml": lambda xml: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", xml)})


def test_a_workbook_without_sheets_is_refused(client, coordinator):
    assert "Arbetsboken har inga blad." in contact_page(
        client, coordinator, "kontakter.xlsx", without_sheets(contacts_xlsx())
    )
    page = questionnaire_page(client, coordinator, "vinr.xlsx", without_sheets(questionnaire_xlsx()))
    assert "Arbetsboken har inga blad." in page


@pytest.mark.parametrize(
    "edit",
    [
        {"xl/styles.xml": lambda xml: b"<styleSheet"},  # broken styles
        {"xl/styles.xml": lambda xml: xml.replace(b"<cellXfs", b'<cellXfs count="x" count="y"', 1)},
        {"xl/workbook.xml": lambda xml: xml.replace(b"<sheets>", b"<sheets><sheet/>", 1)},
        {
            "xl/worksheets/sheet1.xml": lambda xml: xml.replace(
                b"</sheetData>", b'<row r="x"><c r="??"/></row></sheetData>'
            )
        },
    ],
)
def test_a_damaged_workbook_is_refused_with_a_message(client, coordinator, edit):
    assert DAMAGED in contact_page(client, coordinator, "kontakter.xlsx", rezip(contacts_xlsx(), edit=edit))
    assert not AuditEvent.objects.filter(code="survey.contact.imported").exists()


def test_a_damaged_questionnaire_is_refused_with_a_message(client, coordinator):
    data = rezip(questionnaire_xlsx(), edit={"xl/styles.xml": lambda xml: b"<styleSheet"})
    assert DAMAGED in questionnaire_page(client, coordinator, "vinr.xlsx", data)


def test_a_workbook_whose_row_1_is_empty_names_the_missing_columns(client, coordinator):
    """Read no wider than its header, a sheet with an empty row 1 has no columns: the import says so."""
    data = workbook_bytes((None,), ("unit_code", "name", "email"), ("0880", "Anna Lind", "anna.lind@kalmar.se"))
    page = contact_page(client, coordinator, "kontakter.xlsx", data)
    assert "rad 1, kolumn unit_code: Kolumnen saknas." in page
