import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from core.models import AuditEvent
from survey.models import Contact
from survey.services.contacts import import_contacts

from .round_helpers import add_contact

pytestmark = pytest.mark.django_db


def csv_bytes(*lines: str, separator: str = ",") -> bytes:
    return ("\n".join(line.replace(",", separator) for line in lines) + "\n").encode()


def test_a_bad_file_lists_every_bad_row_by_row_and_column_and_imports_nothing(coordinator):
    data = csv_bytes(
        "unit_code,name,email,role",
        "0880,Anna Lind,anna.lind@kalmar.se,ansvarig",
        "9999,Okänd Person,okand@example.se,",
        "0881,Bo Ek,bo.ek(at)nybro.se,",
        "0880,Anna Lind,ANNA.LIND@kalmar.se,",
        "0880,,c@kalmar.se,chef",
    )
    report = import_contacts(data=data, filename="kontakter.csv", user=coordinator)
    found = [(error.row, error.column) for error in report.errors]
    assert found == [(3, "unit_code"), (4, "email"), (5, "email"), (6, "name"), (6, "role")]
    assert "Det finns ingen enhet med koden 9999." in str(report.errors[0])
    assert "bo.ek(at)nybro.se är inte en e-postadress." in str(report.errors[1])
    assert "Samma kontaktperson finns på rad 2." in str(report.errors[2])
    assert not Contact.objects.exists()


def test_swedish_excel_csv_and_xlsx_are_imported_and_existing_contacts_updated(coordinator):
    add_contact("0880", "Anna Lindh", "anna.lind@kalmar.se")
    swedish = "\ufeff" + "unit_code;name;email;role\r\n0880;Anna Lind;anna.lind@kalmar.se;medrespondent\r\n"
    report = import_contacts(data=swedish.encode("utf-8"), filename="k.csv", user=coordinator)
    assert report.ok and (report.created, report.updated) == (0, 1)
    assert Contact.objects.get().role == Contact.Role.CO_RESPONDENT and Contact.objects.get().name == "Anna Lind"

    workbook = Workbook()
    workbook.active.append(["unit_code", "name", "email", "role"])
    workbook.active.append(["0180-08", "Sam Stadsdel", "sam@stockholm.se", "responsible"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_contacts(data=buffer.getvalue(), filename="k.xlsx", user=coordinator)
    assert report.ok and report.created == 1
    assert Contact.objects.get(unit__code="0180-08").email == "sam@stockholm.se"
    assert AuditEvent.objects.filter(code="survey.contact.imported").count() == 2


def test_a_dry_run_checks_without_importing(coordinator):
    report = import_contacts(data=csv_bytes("unit_code,name,email", "0880,A B,a@b.se"), filename="k.csv",
                             user=coordinator, dry_run=True)  # fmt: skip
    assert report.ok and report.rows == 1
    assert not Contact.objects.exists()


def test_a_file_without_the_required_columns_says_which_is_missing(coordinator):
    report = import_contacts(data=csv_bytes("kod,namn", "0880,A"), filename="k.csv", user=coordinator)
    assert [(e.row, e.column) for e in report.errors] == [(1, "unit_code"), (1, "name"), (1, "email")]


def test_the_import_page_shows_the_problems(client, coordinator):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("k.csv", csv_bytes("unit_code,name,email", "0880,A B,inte-en-adress"))
    page = client.post(reverse("survey:contact-import"), {"file": upload}).content.decode()
    assert "1 problem; ingenting importerades" in page
    assert "inte-en-adress är inte en e-postadress." in page


def test_a_coordinator_adds_changes_and_removes_a_contact_on_the_units_page(client, coordinator):
    client.force_login(coordinator)
    url = reverse("survey:contact-create", kwargs={"code": "0880"})
    added = client.post(url, {"name": "Anna Lind", "email": "Anna.Lind@Kalmar.se", "role": "responsible"})
    assert added.status_code == 302
    contact = Contact.objects.get()
    assert contact.email == "anna.lind@kalmar.se"
    page = client.get(reverse("survey:unit-detail", kwargs={"code": "0880"})).content.decode()
    assert "Anna Lind" in page and "ansvarig" in page

    duplicate = client.post(url, {"name": "Anna L", "email": "anna.lind@kalmar.se", "role": "co_respondent"})
    assert "Enheten har redan en kontaktperson med den här e-postadressen." in duplicate.content.decode()
    wrong = client.post(url, {"name": "Bo", "email": "bo@", "role": "co_respondent"})
    assert "Ange en e-postadress, till exempel anna.lind@kommun.se." in wrong.content.decode()

    edit = reverse("survey:contact-edit", kwargs={"code": "0880", "pk": contact.pk})
    client.post(edit, {"name": "Anna Lind", "email": "anna.lind@kalmar.se", "role": "co_respondent"})
    assert Contact.objects.get().role == "co_respondent"
    client.post(reverse("survey:contact-delete", kwargs={"code": "0880", "pk": contact.pk}))
    assert not Contact.objects.exists()


def test_respondents_cannot_edit_contacts_even_of_their_own_unit(client, respondent):
    contact = add_contact("0880", "Anna Lind", "anna.lind@kalmar.se")
    client.force_login(respondent)
    edit = reverse("survey:contact-edit", kwargs={"code": "0880", "pk": contact.pk})
    assert client.post(edit, {"name": "X", "email": "x@y.se", "role": "responsible"}).status_code == 403
    assert Contact.objects.get().name == "Anna Lind"


def test_the_import_command_refuses_a_bad_file_and_imports_a_good_one(tmp_path, coordinator):
    from django.core.management import CommandError, call_command

    bad = tmp_path / "fel.csv"
    bad.write_bytes(csv_bytes("unit_code;name;email", "0880;Anna Lind;anna(at)kalmar.se", separator=";"))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_contacts", str(bad))
    good = tmp_path / "ratt.csv"
    good.write_bytes(csv_bytes("unit_code;name;email", "0880;Anna Lind;anna@kalmar.se", separator=";"))
    call_command("import_contacts", str(good))
    assert Contact.objects.get().email == "anna@kalmar.se"
