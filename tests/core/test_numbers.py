"""Whole numbers typed or sent by anyone: only ASCII digits count. "²" and "①" pass str.isdigit()
but int() refuses them, which was a server error in these places; now each is a refusal or is
ignored, with the same page a wrong number gets."""

import pytest
from django.urls import reverse

from core.numbers import whole_number
from indicators.services.history import import_results
from tests.factories import UserFactory
from tests.indicators.history_helpers import csv_bytes, make_versions

SUPERSCRIPT, CIRCLED = "²", "①"


def test_only_ascii_digits_make_a_whole_number():
    assert [whole_number(t) for t in ("0", " 42 ", "2024")] == [0, 42, 2024]
    assert [whole_number(t) for t in (SUPERSCRIPT, CIRCLED, "٣", "", None, "-1", "1.5", "1 000")] == [None] * 8


@pytest.mark.django_db
@pytest.mark.parametrize("odd", [SUPERSCRIPT, CIRCLED])
def test_no_page_answers_a_superscript_digit_with_a_server_error(client, coordinator, analyst, open_round_2024, odd):
    client.force_login(coordinator)
    for url, params in [
        (reverse("survey:unit-list"), {"year": odd}),
        (reverse("survey:round-monitor", kwargs={"year": 2024}), {"group": odd}),
    ]:
        assert client.get(url, params).status_code == 200, url
    contacts = client.post(reverse("survey:round-contacts", kwargs={"year": 2024}), {"contact": [odd]})
    assert contacts.status_code < 500
    days = client.post(reverse("survey:round-settings", kwargs={"year": 2024}), {"reminder_days": f"14, {odd}"})
    assert days.status_code == 200 and f"”{odd}” är inte ett antal dagar" in days.content.decode().replace("“", "”")
    client.force_login(analyst)
    assert client.get(reverse("indicators:indicator-list"), {"year": odd}).status_code == 200


@pytest.mark.django_db
def test_a_history_year_in_superscript_names_its_row_and_column(analyst):
    make_versions(["VINR02"], [2017])
    report = import_results(
        data=csv_bytes([(f"201{SUPERSCRIPT}", "0880", "VINR02", 1)]), filename="h.csv", user=analyst
    )
    assert not report.ok and [(e.row, e.column) for e in report.errors] == [(2, "year")]


@pytest.mark.django_db
def test_a_superscript_code_at_two_factor_set_up_is_a_wrong_code(client):
    client.force_login(UserFactory(role="coordinator"))
    page = client.post(reverse("two-factor-setup"), {"code": SUPERSCRIPT * 6})
    assert page.status_code == 200 and "Ange de sex siffror som appen visar." in page.content.decode()
