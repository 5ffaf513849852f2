"""One identity per e-mail address: addresses are stored normalised (core.text.normalise_email), the
login and the lockout use exactly that form, and the database refuses two accounts whose addresses
differ only in case or by a Unicode compatibility variant. The variants below are the ones a guesser
(or a careless admin) would try; run on SQLite and on PostgreSQL (DATABASE_URL), whose UPPER() maps
the dotless ı to I."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from core.text import normalise_email
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "ida.fiske@kommun.example.se"
# The same identity, as someone may type it.
SAME = [
    "IDA.FISKE@KOMMUN.EXAMPLE.SE",  # upper case
    "  ida.fiske@kommun.example.se  ",  # spaces around
    "ｉｄａ.ｆｉｓｋｅ@kommun.example.se",  # fullwidth letters
    "ida.\ufb01ske@kommun.example.se",  # the ﬁ ligature
    "Ida.Fiske@Kommun.Example.SE",
]
# Other addresses, which must not find the account (nor share its lockout with it).
OTHER = [
    "\u0131da.fiske@kommun.example.se",  # dotless ı in place of i: UPPER() on PostgreSQL makes it I
    "\u0130da.fiske@kommun.example.se",  # dotted capital İ folds to i + combining dot, not to i
]


@pytest.fixture
def ida(db):  # noqa: ANN001, ANN201
    return UserFactory(email=ADDRESS)


def login(client, username: str, password: str = PASSWORD):  # noqa: ANN001, ANN201
    return client.post(reverse("login"), {"username": username, "password": password})


def test_addresses_are_stored_in_one_normalised_form():
    assert normalise_email(" Straße@Kommun.SE ") == "strasse@kommun.se"
    assert normalise_email("ＡＮＮＡ@ｋｏｍｍｕｎ.se") == "anna@kommun.se"
    assert normalise_email("\ufb01lip@kommun.se") == "filip@kommun.se"
    assert normalise_email("\u0131da@kommun.se") != "ida@kommun.se"
    user = User.objects.create_user("  Ｓtraße@Kommun.SE ", PASSWORD)
    assert user.email == "strasse@kommun.se"
    user.email = "Straße@Kommun.se"
    user.save()
    user.refresh_from_db()
    assert user.email == "strasse@kommun.se"


@pytest.mark.parametrize("typed", SAME)
def test_every_variant_of_the_address_logs_in_to_the_one_account(client, ida, typed):
    response = login(client, typed)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == ida.pk


def test_german_sharp_s_and_ss_are_one_address(client):
    user = UserFactory(email="Straße@kommun.example.se")
    assert user.email == "strasse@kommun.example.se"
    assert login(client, "STRASSE@kommun.example.se").status_code == 302


@pytest.mark.parametrize("typed", OTHER)
def test_a_lookalike_address_does_not_find_the_account(client, ida, typed):
    response = login(client, typed)
    assert response.status_code == 200
    assert "Fel e-postadress eller lösenord." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_through_all_variants_count_against_the_one_account(client, ida, settings):
    for typed in (SAME * 2)[: settings.AXES_FAILURE_LIMIT]:
        login(client, typed, "fel")
    for typed in [ADDRESS, *SAME]:
        response = login(client, typed)
        assert response.status_code == 429, typed
        assert "Kontot är låst i 15 minuter" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lookalike_address_neither_logs_in_to_a_locked_account_nor_clears_its_lock(client, ida, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, ADDRESS, "fel")
    for typed in OTHER:
        assert login(client, typed).status_code == 200  # not the account: the right password does nothing
    assert "_auth_user_id" not in client.session
    assert login(client, ADDRESS).status_code == 429  # still locked


def test_the_database_refuses_a_second_account_differing_only_in_case(ida):
    other = UserFactory(email="someone.else@kommun.example.se")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(email=ADDRESS.upper())  # past save(): the constraint holds


@pytest.mark.parametrize("typed", ["Ida.Fiske@kommun.example.se", "ｉｄａ.fiske@kommun.example.se  "])
def test_the_admin_cannot_add_a_second_account_for_a_variant_of_an_address(client, admin_user, ida, typed):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": typed, "role": "respondent", "usable_password": "true",
         "password1": "ett-annat-langt-losenord", "password2": "ett-annat-langt-losenord"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Det finns redan en användare med den här e-postadressen." in response.content.decode()
    assert User.objects.filter(email=ADDRESS).count() == 1 and User.objects.count() == 2
    client.logout()
    assert login(client, ADDRESS).status_code == 302  # the original account still logs in


def test_the_admin_cannot_change_an_address_into_a_variant_of_another(client, admin_user, ida):
    other = UserFactory(email="bo@kommun.example.se")
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[other.pk])
    response = client.post(url, {"email": "IDA.FISKE@kommun.example.se", "role": "respondent", "is_active": "on"})
    assert response.status_code == 200
    assert "Det finns redan en användare med den här e-postadressen." in response.content.decode()
    other.refresh_from_db()
    assert other.email == "bo@kommun.example.se"


def test_the_migration_normalises_stored_addresses_and_stops_at_two_that_become_one(ida):
    migration = importlib.import_module("accounts.migrations.0002_normalise_emails")
    other = UserFactory(email="bo@kommun.example.se")
    User.objects.filter(pk=other.pk).update(email="Bo@Kommun.Example.SE ")  # as an old row may be
    migration.normalise_existing(apps, None)
    other.refresh_from_db()
    assert other.email == "bo@kommun.example.se"
    with transaction.atomic():
        User.objects.filter(pk=other.pk).update(email="ｉｄａ.fiske@kommun.example.se")  # fullwidth: not Lower()-equal
        with pytest.raises(RuntimeError, match="ｉｄａ.fiske@kommun.example.se"):
            migration.normalise_existing(apps, None)
        transaction.set_rollback(True)
