"""Uploads (the questionnaire, contact persons, answers, earlier results) have a size limit, are
known by their content and not only their name, and survive malicious files: zip bombs, XML entity
attacks ("billion laughs", external entities) and formulas in cells. Each refusal is a Swedish
message on the form and nothing is imported; the import commands refuse the same files."""

import io
import zipfile
from pathlib import Path

import pytest
from defusedxml import DefusedXmlException
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from pyxform.xls2json_backends import get_xlsform, md_table_to_workbook

from core.models import AuditEvent
from indicators.models import UnitResult
from survey.models import AnswerChange, Contact, SurveyRound

pytestmark = pytest.mark.django_db

SHIPPED_FORM = Path(__file__).resolve().parents[2] / "survey" / "questionnaires" / "vinr-2024.md"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode."
BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(2, 10)).replace("&lol1;", "&lol;")
    + "]>"
)
EXTERNAL_ENTITY = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'

BOMB = "Arbetsboken packas upp till för mycket data eller för många delar; den avvisades som en möjlig zip-bomb."
XML_ATTACK = "den avvisades som ett möjligt XML-angrepp."
NOT_A_WORKBOOK = "Filen är ingen Excelarbetsbok (.xlsx), fast namnet säger det."


def workbook_bytes(*rows: tuple) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def contacts_xlsx() -> bytes:
    return workbook_bytes(("unit_code", "name", "email"), ("0880", "Anna Lind", "anna.lind@kalmar.se"))


def questionnaire_xlsx() -> bytes:
    buffer = io.BytesIO()
    md_table_to_workbook(SHIPPED_FORM.read_text()).save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, edit: dict[str, object] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip with parts changed (a function of the old bytes) or added."""
    edit, add = edit or {}, add or {}
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            content = source.read(entry)
            archive.writestr(entry.filename, edit[entry.filename](content) if entry.filename in edit else content)
        for name, content in add.items():
            archive.writestr(name, content)
    return target.getvalue()


def with_entity(data: bytes, doctype: str, entity: str, *, padding: int = 0) -> bytes:
    """The workbook with a DOCTYPE in its first sheet's XML and a cell that uses the entity;
    `padding` characters of comment before the DOCTYPE hide it from a look at the start of the part."""

    def attack(xml: bytes) -> bytes:
        text = xml.decode()
        head = f"<!--{'x' * padding}-->" if padding else ""
        cell = f'<row r="900"><c r="A900" t="inlineStr"><is><t>&{entity};</t></is></c></row>'
        text = text.replace("<worksheet", head + doctype + "<worksheet", 1).replace(
            "</sheetData>", cell + "</sheetData>"
        )
        return text.encode()

    return rezip(data, edit={"xl/worksheets/sheet1.xml": attack})


def post(client, name: str, url: str, content: bytes, **data: object):  # noqa: ANN001, ANN201
    return client.post(
        reverse(url, kwargs=data.pop("kwargs", None)), {"file": SimpleUploadedFile(name, content), **data}
    )


def contact_page(client, coordinator, name: str, content: bytes) -> str:  # noqa: ANN001
    client.force_login(coordinator)
    page = post(client, name, "survey:contact-import", content, dry_run="")
    assert page.status_code == 200
    assert not Contact.objects.exists()
    assert not AuditEvent.objects.filter(code="survey.contact.imported").exists()
    return page.content.decode()


def questionnaire_page(client, coordinator, name: str, content: bytes) -> str:  # noqa: ANN001
    client.force_login(coordinator)
    page = post(client, name, "survey:questionnaire-upload", content, year=2030)
    assert page.status_code == 200
    assert not SurveyRound.objects.filter(year=2030).exists()
    return page.content.decode()


# Size


def test_a_questionnaire_larger_than_2_mb_is_refused_unread(client, coordinator):
    content = SHIPPED_FORM.read_bytes() + b"\n" + b" " * (2 * 1024 * 1024)
    page = questionnaire_page(client, coordinator, "vinr.md", content)
    assert "Filen är större än 2,0\xa0MB." in page


def test_a_file_over_the_sites_limit_is_dropped_while_it_arrives(client, coordinator, settings):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    lines = ["unit_code,name,email"] + [f"0880,Person {n},p{n}@kalmar.se" for n in range(5000)]
    page = contact_page(client, coordinator, "kontakter.csv", "\n".join(lines).encode())
    assert "Filen är större än 64,0\xa0kB." in page


# Type: by name and by content


def test_only_the_kinds_own_types_are_taken(client, coordinator):
    assert "Ladda upp en .csv- eller .xlsx-fil." in contact_page(client, coordinator, "kontakter.exe", EXE)
    assert "Ladda upp en .xlsx- eller .md-fil." in questionnaire_page(client, coordinator, "vinr.csv", b"a,b\n")


def test_a_program_or_an_image_renamed_xlsx_is_refused(client, coordinator):
    assert NOT_A_WORKBOOK in questionnaire_page(client, coordinator, "vinr.xlsx", EXE)
    assert NOT_A_WORKBOOK in contact_page(client, coordinator, "kontakter.xlsx", PNG)


def test_a_zip_that_is_no_workbook_is_refused(client, coordinator):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("kontakter.csv", "unit_code,name,email\n0880,Anna Lind,anna.lind@kalmar.se\n")
    assert NOT_A_WORKBOOK in contact_page(client, coordinator, "kontakter.xlsx", buffer.getvalue())


def test_a_csv_with_binary_content_imports_no_answers(client, coordinator):
    call_command("load_questionnaire", str(SHIPPED_FORM), "--year", "2024")
    client.force_login(coordinator)
    content = b"unit_code,question_code,value\n0880,fortb_barn,ja\n" + PNG
    page = post(client, "svar.csv", "survey:answers-import", content, kwargs={"year": 2024}, dry_run="")
    assert "Filen är ingen text: den innehåller binära data." in page.content.decode()
    assert not AnswerChange.objects.exists()


def test_a_csv_in_another_encoding_is_refused_with_advice(client, coordinator):
    content = "unit_code,name,email\n0880,Åsa Öberg,asa@kalmar.se\n".encode("cp1252")
    page = contact_page(client, coordinator, "kontakter.csv", content)
    assert "Filen är inte UTF-8-text. Spara den i Excel som ”CSV UTF-8 (kommaavgränsad)”." in page


# Zip bombs


def test_a_zip_bomb_is_refused_before_it_is_unpacked(client, analyst):
    # 30 MB of zeros in about 30 kB: the workbook itself is small and otherwise real.
    bomb = rezip(
        workbook_bytes(("year", "unit_code", "indicator_code", "value"), (2017, "0880", "VINR02", 1)),
        add={"xl/media/image1.png": bytes(30 * 1024 * 1024)},
    )
    assert len(bomb) < 100_000
    client.force_login(analyst)
    page = post(client, "historik.xlsx", "indicators:history-import", bomb, dry_run="").content.decode()
    assert BOMB in page
    assert not UnitResult.objects.exists()


def test_many_small_parts_that_unpack_to_too_much_are_a_bomb_too(client, coordinator, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024  # unpacked at most 20 MB
    parts = {f"xl/media/image{n}.png": bytes(900 * 1024) for n in range(30)}  # each compresses below the ratio floor
    assert BOMB in contact_page(client, coordinator, "kontakter.xlsx", rezip(contacts_xlsx(), add=parts))


def test_a_workbook_of_a_thousand_parts_is_refused(client, coordinator):
    parts = {f"xl/media/image{n}.png": b"" for n in range(1000)}
    assert BOMB in contact_page(client, coordinator, "kontakter.xlsx", rezip(contacts_xlsx(), add=parts))


# XML entity attacks


def test_a_billion_laughs_questionnaire_is_refused(client, coordinator):
    attack = with_entity(questionnaire_xlsx(), BILLION_LAUGHS, "lol9")
    assert XML_ATTACK in questionnaire_page(client, coordinator, "vinr.xlsx", attack)


def test_an_external_entity_in_a_contact_list_is_refused_and_never_read(client, coordinator):
    page = contact_page(client, coordinator, "kontakter.xlsx", with_entity(contacts_xlsx(), EXTERNAL_ENTITY, "xxe"))
    assert XML_ATTACK in page
    assert "root:" not in page


def test_openpyxl_and_pyxform_parse_with_defusedxml(client, coordinator):
    """A DOCTYPE hidden behind a long comment passes the quick look at the start of each part;
    the XML parser itself (defusedxml under openpyxl, also when pyxform reads) refuses it."""
    contacts = with_entity(contacts_xlsx(), EXTERNAL_ENTITY, "xxe", padding=8000)
    questionnaire = with_entity(questionnaire_xlsx(), BILLION_LAUGHS, "lol9", padding=8000)
    # openpyxl wraps defusedxml's refusal in a ValueError "…invalid XML".
    with pytest.raises(ValueError, match="invalid XML") as refused:
        list(load_workbook(io.BytesIO(contacts), read_only=True).active.values)
    assert isinstance(refused.value.__cause__, DefusedXmlException)
    with pytest.raises(ValueError, match="invalid XML") as refused:
        get_xlsform(xlsform=questionnaire, file_type=".xlsx")
    assert isinstance(refused.value.__cause__, DefusedXmlException)
    page = contact_page(client, coordinator, "kontakter.xlsx", contacts)
    assert XML_ATTACK in page and "root:" not in page
    assert XML_ATTACK in questionnaire_page(client, coordinator, "vinr.xlsx", questionnaire)


def test_the_untouched_workbooks_are_taken(client, coordinator):
    """The control for the attacks above: the same files without the attack load."""
    client.force_login(coordinator)
    assert post(client, "vinr.xlsx", "survey:questionnaire-upload", questionnaire_xlsx(), year=2030).status_code == 302
    post(client, "kontakter.xlsx", "survey:contact-import", contacts_xlsx(), dry_run="")
    assert Contact.objects.get().name == "Anna Lind"


# Formulas in cells


def test_a_formula_cell_is_refused_by_row_and_column(client, coordinator):
    content = workbook_bytes(
        ("unit_code", "name", "email"),
        ("0880", "Anna Lind", "anna.lind@kalmar.se"),
        ("0881", '=HYPERLINK("http://evil.example","Bo Ek")', "bo.ek@nybro.se"),
        ("0882", "Cia Berg", "=1+1"),
    )
    page = contact_page(client, coordinator, "kontakter.xlsx", content)
    assert "rad 3, kolumn name: Cellen innehåller en formel; skriv in själva värdet." in page
    assert "rad 4, kolumn email: Cellen innehåller en formel; skriv in själva värdet." in page


def test_a_formula_in_a_questionnaire_is_refused_by_sheet_row_and_column(client, coordinator):
    loaded = load_workbook(io.BytesIO(questionnaire_xlsx()))
    loaded["survey"]["C3"] = '=CONCAT("Fråga ", "1")'
    buffer = io.BytesIO()
    loaded.save(buffer)
    page = questionnaire_page(client, coordinator, "vinr.xlsx", buffer.getvalue())
    assert "blad survey, rad 3, kolumn label::sv: Cellen innehåller en formel; skriv in själva värdet." in page


def test_a_formula_cell_in_an_answers_import_is_refused_and_no_answer_is_imported(client, coordinator):
    call_command("load_questionnaire", str(SHIPPED_FORM), "--year", "2024")
    client.force_login(coordinator)
    content = workbook_bytes(
        ("unit_code", "question_code", "value"), ("0880", "fortb_barn", "ja"), ("0881", "fortb_barn", '=IF(1,"ja")')
    )
    page = post(client, "svar.xlsx", "survey:answers-import", content, kwargs={"year": 2024}).content.decode()
    assert "rad 3, kolumn value: Cellen innehåller en formel; skriv in själva värdet." in page
    assert not AnswerChange.objects.exists()


def test_a_formula_cell_in_a_history_import_is_refused_and_nothing_is_imported(client, analyst):
    client.force_login(analyst)
    content = workbook_bytes(
        ("year", "unit_code", "indicator_code", "value"), (2017, "0880", "VINR02", 1), (2017, "0881", "VINR02", "=1")
    )
    page = post(client, "historik.xlsx", "indicators:history-import", content).content.decode()
    assert "rad 3, kolumn value: Cellen innehåller en formel; skriv in själva värdet." in page
    assert not UnitResult.objects.exists()


def test_formula_text_in_a_csv_is_imported_as_plain_text(client, coordinator):
    client.force_login(coordinator)
    content = b"unit_code,name,email\n0880,=1+1,anna.lind@kalmar.se\n0881,@SUM(A1),bo@nybro.se\n"
    post(client, "kontakter.csv", "survey:contact-import", content, dry_run="")
    assert sorted(Contact.objects.values_list("name", flat=True)) == ["=1+1", "@SUM(A1)"]


# The commands use the same checks


def test_the_import_commands_refuse_the_same_files(tmp_path, coordinator, analyst):
    # The coordinator and the analyst are who the commands act as, without --as (accounts/selectors.py).
    bomb = tmp_path / "kontakter.xlsx"
    bomb.write_bytes(rezip(contacts_xlsx(), add={"xl/media/image1.png": bytes(20 * 1024 * 1024)}))
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_contacts", str(bomb), stderr=errors)
    assert BOMB in errors.getvalue()
    assert not Contact.objects.exists()

    attack = tmp_path / "historik.xlsx"
    attack.write_bytes(with_entity(contacts_xlsx(), EXTERNAL_ENTITY, "xxe"))
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_results", str(attack), stderr=errors)
    assert XML_ATTACK in errors.getvalue()

    renamed = tmp_path / "vinr.xlsx"
    renamed.write_bytes(EXE)
    with pytest.raises(CommandError, match=r"Filen är ingen Excelarbetsbok"):
        call_command("load_questionnaire", str(renamed), "--year", "2030")
    assert not SurveyRound.objects.filter(year=2030).exists()
