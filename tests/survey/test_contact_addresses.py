"""Contact persons' addresses in the one normalised form accounts use (core.text.normalise_email):
an invitation finds the person's existing account by any variant of the address, and an import
sees two variants of one address as the same contact."""

import pytest

from accounts.models import User
from survey.models import Contact, ReportingUnit
from survey.services.contacts import import_contacts, save_contact
from survey.services.invitations import invite_contacts
from tests.factories import UserFactory

from .round_helpers import load_round_2024

pytestmark = pytest.mark.django_db


def test_an_invitation_to_a_variant_of_an_existing_address_binds_the_existing_account(coordinator):
    survey_round = load_round_2024()
    existing = UserFactory(email="strasse@kalmar.se")
    contact = save_contact(
        unit=ReportingUnit.objects.get(code="0880"), name="Anna Straße", email=" Straße@KALMAR.se ",
        role=Contact.Role.RESPONSIBLE, user=coordinator,
    )  # fmt: skip
    assert contact.email == "strasse@kalmar.se"
    users_before = User.objects.count()
    assert invite_contacts(survey_round=survey_round, contacts=[contact], user=coordinator) == 1
    contact.refresh_from_db()
    assert contact.user == existing and User.objects.count() == users_before


def test_the_contact_form_finds_a_variant_of_an_address_the_unit_has(client, coordinator):
    unit = ReportingUnit.objects.get(code="0880")
    Contact.objects.create(unit=unit, name="Anna Lind", email="anna.lind@kalmar.se")
    client.force_login(coordinator)
    page = client.post(
        f"/enheter/{unit.code}/kontakter/ny/",
        {"name": "Anna L", "email": "ＡＮＮＡ.lind@kalmar.se", "role": Contact.Role.RESPONSIBLE},
    )
    assert "Enheten har redan en kontaktperson med den här e-postadressen." in page.content.decode()
    assert Contact.objects.filter(unit=unit).count() == 1


def test_an_import_stores_normalised_addresses_and_sees_variants_as_one_contact(coordinator):
    data = "unit_code,name,email\n0880,Anna Lind,ａｎｎａ.lind@kalmar.se\n0880,Anna Lind,Anna.Lind@Kalmar.se\n"
    report = import_contacts(data=data.encode(), filename="k.csv", user=coordinator)
    assert [(error.row, error.column) for error in report.errors] == [(3, "email")]
    assert "Samma kontaktperson finns på rad 2." in str(report.errors[0])
    report = import_contacts(data=data.encode().rsplit(b"\n", 2)[0] + b"\n", filename="k.csv", user=coordinator)
    assert not report.errors
    assert list(Contact.objects.values_list("email", flat=True)) == ["anna.lind@kalmar.se"]
