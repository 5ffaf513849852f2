import pytest
from django.urls import reverse

from core.models import AuditEvent
from survey.models import County, ReportingUnit
from survey.selectors.register import reporting_units_for_year

pytestmark = pytest.mark.django_db


def test_coordinator_sees_the_units_reporting_in_a_year(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("survey:unit-list"), {"year": "2019", "county": "01"})
    assert response.status_code == 200
    assert "39 enheter rapporterar 2019" in response.content.decode()  # 25 municipalities + 14 districts
    assert "Hägersten-Liljeholmen" in response.content.decode()


def test_coordinator_adds_a_district_that_reports_from_a_given_year(client, coordinator):
    client.force_login(coordinator)
    stockholm = ReportingUnit.objects.get(code="0180")
    response = client.post(
        reverse("survey:unit-create"),
        {"code": "0180-18", "name": "Söderort", "kind": "district", "parent": stockholm.pk, "first_year": 2025},
    )
    assert response.status_code == 302
    unit = ReportingUnit.objects.get(code="0180-18")
    assert unit.county.code == "01"
    assert unit in reporting_units_for_year(2025)
    assert unit not in reporting_units_for_year(2024)
    assert AuditEvent.objects.filter(code="survey.unit.created", unit=unit, actor=coordinator).exists()


def test_adding_a_unit_with_a_taken_code_says_so_in_swedish(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("survey:unit-create"),
        {
            "code": "0880",
            "name": "Kalmar igen",
            "kind": "municipality",
            "county": County.objects.get(code="08").pk,
            "first_year": 2025,
        },
    )
    assert response.status_code == 200
    assert "Det finns redan en enhet med koden 0880." in response.content.decode()
    assert ReportingUnit.objects.filter(code="0880").count() == 1


def test_a_district_without_municipality_gets_a_field_error(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("survey:unit-create"), {"code": "0180-19", "name": "X", "kind": "district", "first_year": 2025}
    )
    content = response.content.decode()
    assert 'href="#id_parent"' in content  # the error summary links to the field
    assert "Välj den kommun som stadsdelen hör till." in content


def test_coordinator_retires_a_unit_from_a_year_with_a_successor(client, coordinator):
    client.force_login(coordinator)
    old = ReportingUnit.objects.get(code="1480-13")
    successor = ReportingUnit.objects.get(code="1480-12")
    response = client.post(
        reverse("survey:unit-retire", kwargs={"code": old.code}),
        {"first_year_without": 2026, "successor": successor.pk},
    )
    assert response.status_code == 302
    assert old in reporting_units_for_year(2025)
    assert old not in reporting_units_for_year(2026)
    old.refresh_from_db()
    assert old.successor == successor
    assert AuditEvent.objects.filter(code="survey.unit.retired", unit=old).get().data["first_year_without"] == 2026


def test_analyst_reads_the_register_but_cannot_change_it(client, analyst):
    client.force_login(analyst)
    assert client.get(reverse("survey:unit-list")).status_code == 200
    assert client.get(reverse("survey:unit-create")).status_code == 403
    assert (
        client.post(reverse("survey:unit-retire", kwargs={"code": "0880"}), {"first_year_without": 2026}).status_code
        == 403
    )
    assert ReportingUnit.objects.get(code="0880").valid_to is None


def test_respondent_sees_own_unit_and_not_anothers(client, respondent):
    client.force_login(respondent)
    assert client.get(reverse("survey:unit-detail", kwargs={"code": "0880"})).status_code == 200
    assert client.get(reverse("survey:unit-detail", kwargs={"code": "0881"})).status_code == 404
    assert client.get(reverse("survey:unit-list")).status_code == 403
    home = client.get(reverse("home")).content.decode()
    assert "Kalmar" in home and "Nybro" not in home


def test_the_register_can_be_searched_by_name_or_code(client, coordinator):
    client.force_login(coordinator)
    by_name = client.get(reverse("survey:unit-list"), {"year": "2024", "q": "kalmar"})
    assert [unit.code for unit in by_name.context["units"]] == ["0880"]
    by_code = client.get(reverse("survey:unit-list"), {"year": "2024", "q": "1480"})
    assert [unit.name for unit in by_code.context["units"]] == [
        "Socialnämnden Nordost",
        "Socialnämnden Centrum",
        "Socialnämnden Sydväst",
        "Socialnämnden Hisingen",
    ]


def test_all_units_includes_retired_districts(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("survey:unit-list"), {"year": "all", "county": "14"})
    names = {unit.name for unit in response.context["units"]}
    assert {"Angered", "Socialnämnden Nordost", "Nämnden för funktionsstöd", "Göteborg"} <= names
