"""The open API as Kolada v3 clients use it: the query form of /data, the group endpoints, unknown
ids left out, Kolada's filters (applied, or refused with 400 saying so), from_date and isdeleted
from the revisions, publication_date, Stockholm and Göteborg through their districts, and CORS."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from indicators.models import IndicatorVersion, UnitResult
from indicators.services.publication import publish_year
from survey.models import GroupMembership, ReportingUnit
from tests.indicators.history_helpers import make_version
from tests.reporting.test_api import (  # noqa: F401 – published: the fixture
    COUNTRY,
    KALMAR,
    KALMAR_LAN,
    NYBRO,
    OSKARSHAMN,
    SODERMALM,
    by_id,
    data_url,
    get,
    published,
    set_results,
)

pytestmark = pytest.mark.django_db

JANUARY_2024 = datetime(2024, 1, 15, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
STOCKHOLM, GOTEBORG, HASSELBY, STOCKHOLMS_LAN = "0180", "1480", "0180-03", "0001"
DATA = reverse("kolada:data")


def refused(client, url: str, **params) -> dict:  # noqa: ANN001
    response = client.get(url, params)
    assert response.status_code == 400, response.content
    return response.json()


# The query form


def test_the_query_form_gives_the_same_rows_and_pages_as_the_path_form(client, published):  # noqa: F811
    path_rows = get(client, data_url(kpi="VINR02,VINRN1", years="2021,2022"))["values"]
    query_rows = get(client, DATA, kpi_id="VINR02,VINRN1", year="2021,2022")["values"]
    assert query_rows == path_rows and len(path_rows) > 6

    rows, url = [], f"{DATA}?kpi_id=VINR02,VINRN1&year=2021,2022&per_page=4"
    while url:
        body = get(client, url)
        rows += body["values"]
        url = body.get("next_url")
        assert url is None or (url.startswith("http://testserver/api/v3/data?") and "kpi_id=" in url)
    assert rows == path_rows


def test_the_query_form_takes_repeated_parameters_and_a_trailing_slash(client, published):  # noqa: F811
    """As requests sends a list (koladapy): kpi_id=a&kpi_id=b; and koladapy asks for /data/."""
    expected = get(client, data_url(kpi="VINR02,VINRN1", municipality=f"{KALMAR},{KALMAR_LAN}", years="2022"))
    for url in (DATA, DATA + "/"):
        body = get(client, f"{url}?kpi_id=VINR02&kpi_id=VINRN1&municipality_id={KALMAR}&municipality_id={KALMAR_LAN}"
                           "&year=2022")  # fmt: skip
        assert body["values"] == expected["values"] and body["count"] == 4


def test_the_query_form_needs_two_of_kpi_municipality_and_year(client, published):  # noqa: F811
    body = refused(client, DATA, kpi_id="VINR02")
    assert body["detail"] == "Ange två av kpi_id, municipality_id och year, eller from_date."
    assert body["parameter"] == "municipality_id"
    assert get(client, DATA, kpi_id="VINR02", municipality_id=KALMAR)["count"] == 2  # every published year


# Groups


def test_municipality_groups_have_their_members_as_kolada_shapes_them(client, published):  # noqa: F811
    membership = GroupMembership.objects.select_related("group").filter(unit__code=KALMAR, grouping__code="skr-2017")
    group_id = f"G-skr-2017-{membership.order_by('-year').first().group.code}"
    groups = get(client, reverse("kolada:municipality-groups"))["values"]
    by_group = {group["id"]: group for group in groups}

    assert {"id": KALMAR, "title": "Kalmar"} in [
        {"id": m["member_id"], "title": m["member_title"]} for m in by_group[group_id]["members"]
    ]
    assert set(by_group) >= {"G-skr-2017-A1", "G-population-P3"}
    assert all(group["id"].startswith("G-") for group in groups)
    chosen = get(client, reverse("kolada:municipality-groups-detail", kwargs={"ids": f"{group_id},G-nope"}))
    assert [group["id"] for group in chosen["values"]] == [group_id]  # the unknown id is left out
    assert get(client, reverse("kolada:municipality-groups"), id=group_id.lower())["values"][0]["id"] == group_id


def test_municipality_groups_list_both_skr_groupings_with_the_members_of_their_latest_year(
    client,
    published,  # noqa: F811
):
    """Kalmar moved from C6 (2017 grouping, 2017–2022) to B3 (2023 grouping, from 2023): each group
    keeps its id, made of the grouping's and the group's codes."""
    by_group = {group["id"]: group for group in get(client, reverse("kolada:municipality-groups"))["values"]}
    latest = GroupMembership.objects.filter(grouping__code="skr-2023").order_by("-year").first().year

    def member_ids(group_id: str) -> set[str]:
        return {member["member_id"] for member in by_group[group_id]["members"]}

    assert (by_group["G-skr-2023-B3"]["title"], by_group["G-skr-2023-B3"]["members_year"]) == (
        "B3 Större stad (SKR:s kommungruppsindelning 2023)",
        latest,
    )
    assert KALMAR in member_ids("G-skr-2023-B3") and KALMAR not in member_ids("G-skr-2023-C6")
    assert by_group["G-skr-2017-C6"]["members_year"] == 2022 and KALMAR in member_ids("G-skr-2017-C6")
    assert len([m for m in member_ids("G-skr-2023-B3") if "-" not in m]) == 23  # SKR's 23 municipalities


def test_the_data_of_a_group_is_named_at_municipality_groups(client, published):  # noqa: F811
    """The common v3 client call: one kpi for every id in a year, then the names of the G- ids."""
    ids = {row["municipality"] for row in get(client, DATA, kpi_id="VINR02", year="2022")["values"]}
    groups = {group["id"] for group in get(client, reverse("kolada:municipality-groups"))["values"]}
    assert {id for id in ids if id.startswith("G-")} <= groups and any(id.startswith("G-") for id in ids)


def test_kpi_groups_have_the_published_indicators_of_each_part(client, published):  # noqa: F811
    groups = get(client, reverse("kolada:kpi-groups"))["values"]

    assert [group["id"] for group in groups] == ["G-part-vinr"]
    assert groups[0]["members"] == [
        {"member_id": "VINR02", "member_title": "VINR02 2022"},
        {"member_id": "VINRN1", "member_title": "VINRN1 2022"},
    ]  # VINR03 is not published
    assert get(client, reverse("kolada:kpi-groups-detail", kwargs={"ids": "G-part-nope"}))["values"] == []


def test_groups_are_not_in_the_municipality_list(client, published):  # noqa: F811
    assert get(client, reverse("kolada:municipality-detail", kwargs={"ids": "G-skr-2017-A1"}))["values"] == []
    body = refused(client, reverse("kolada:municipality-list"), type="G")
    assert body["detail"] == "Grupper är inte kommuner: se /api/v3/municipality_groups."


# Unknown ids


def test_unknown_ids_in_a_list_are_left_out(client, published):  # noqa: F811
    assert [k["id"] for k in get(client, reverse("kolada:kpi-detail", kwargs={"ids": "VINR02,N00945"}))["values"]] == [
        "VINR02"
    ]
    assert [k["id"] for k in get(client, reverse("kolada:kpi-list"), id="N00945,vinrn1")["values"]] == ["VINRN1"]
    places = get(client, reverse("kolada:municipality-detail", kwargs={"ids": f"{KALMAR},9999"}))["values"]
    assert [place["id"] for place in places] == [KALMAR]
    values = by_id(get(client, data_url(kpi="VINR02,N00945,VINR03", municipality=f"{KALMAR},9999", years="2022")))
    assert set(values) == {("VINR02", KALMAR, 2022)}  # VINR03 exists, but no year of it is published
    assert get(client, DATA, kpi_id="N00945", year="2022")["values"] == []


def test_malformed_ids_or_more_than_25_are_refused(client, published):  # noqa: F811
    body = refused(client, reverse("kolada:kpi-detail", kwargs={"ids": "VINR02,VI NR"}))
    assert (body["parameter"], body["invalid"]) == ("kpi", ["VI NR"])
    assert body["detail"] == "Felaktiga id i kpi: VI NR. Ett id ser ut som VINR02."
    many = ",".join(f"VINR{n:02}" for n in range(26))
    assert refused(client, DATA, kpi_id=many, year="2022")["detail"] == "Högst 25 id per anrop, fick 26."


# Filters


def test_kolada_filters_choose_what_they_say(client, published):  # noqa: F811
    assert {p["type"] for p in get(client, reverse("kolada:municipality-list"), type="L")["values"]} == {"L"}
    assert len(get(client, reverse("kolada:municipality-list"), type="L")["values"]) == 22  # 21 counties, the country
    assert {p["type"] for p in get(client, reverse("kolada:municipality-list"), type="K")["values"]} == {"K"}
    assert len(get(client, reverse("kolada:kpi-list"), operating_area="våld i nära")["values"]) == 2
    assert get(client, reverse("kolada:kpi-list"), operating_area="skola")["values"] == []
    assert len(get(client, reverse("kolada:kpi-list"), municipality_type="K")["values"]) == 2
    assert get(client, reverse("kolada:kpi-list"), municipality_type="L")["values"] == []

    rows = get(client, data_url(kpi="VINR02", years="2022"), municipality_type="L")["values"]
    assert {row["municipality"] for row in rows} == {COUNTRY, KALMAR_LAN, STOCKHOLMS_LAN}


def test_a_kpi_description_filter(client, published):  # noqa: F811
    IndicatorVersion.objects.filter(indicator__code="VINRN1", year=2022).update(description="Antal ärenden")
    assert [k["id"] for k in get(client, reverse("kolada:kpi-list"), description="ÄRENDEN")["values"]] == ["VINRN1"]


def test_filters_that_do_not_apply_here_are_refused_never_ignored(client, published):  # noqa: F811
    body = refused(client, reverse("kolada:municipality-list"), region_type="X")
    assert body["detail"] == "Kolada-filtret region_type stöds inte i det här anropet."
    assert (body["parameter"], body["invalid"]) == ("region_type", ["X"])
    assert refused(client, reverse("kolada:kpi-list"), from_date="2024-01-01")["parameter"] == "from_date"
    assert refused(client, reverse("kolada:municipality-groups"), from_date="2024-01-01")["parameter"] == "from_date"

    unknown = refused(client, reverse("kolada:municipality-list"), typ="K")
    assert unknown["detail"] == "Okänd parameter typ. Det här anropet tar: id, page, per_page, title, type."
    assert refused(client, reverse("kolada:municipality-list"), type="X")["detail"] == (
        "type ska vara något av K, L, S, G."
    )
    assert refused(client, data_url(kpi="VINR02", years="2022"), kpi_id="VINR02")["parameter"] == "kpi_id"
    twice = client.get(reverse("kolada:kpi-list") + "?title=a&title=b")
    assert twice.status_code == 400 and twice.json()["detail"] == "title anges mer än en gång."


def test_organisational_units_are_not_here_and_a_client_asking_is_told_so(client, published):  # noqa: F811
    for url in ("/api/v3/ou", "/api/v3/ou/V15E144001301", "/api/v3/oudata?kpi_id=VINR02&year=2022",
                "/api/v3/oudata/", "/api/v3/oudata/kpi/VINR02/ou/V15E144001301/year/2022"):  # fmt: skip
        body = refused(client, url)
        assert body["detail"].startswith("Det finns inga organisatoriska enheter (ou) här"), url
        assert body["parameter"] == "ou"
    assert all(kpi["has_ou_data"] is False for kpi in get(client, reverse("kolada:kpi-list"))["values"])


# from_date and isdeleted


def test_from_date_gives_what_the_publications_since_changed_and_marks_withdrawn_values(client, published, analyst):  # noqa: F811
    set_results(2022, [(NYBRO, "VINR02", 1)])
    UnitResult.objects.filter(year=2022, unit__code=OSKARSHAMN, indicator__code="VINR02").delete()
    publish_year(year=2022, user=analyst, reason="Nybro rättade, Oskarshamn drog tillbaka", now=JANUARY_2024)

    values = by_id(get(client, DATA, kpi_id="VINR02,VINRN1", year="2021,2022", from_date="2024-01-15"))
    assert values["VINR02", NYBRO, 2022] == {"gender": "T", "count": 1, "status": "", "value": 100,
                                             "isdeleted": False, "numerator": 1}  # fmt: skip
    assert values["VINR02", OSKARSHAMN, 2022] == {"gender": "T", "count": 0, "status": "Saknas", "value": None,
                                                  "isdeleted": True, "numerator": None}  # fmt: skip
    assert values["VINR02", KALMAR_LAN, 2022]["value"] == 100  # Kalmar and Nybro: 2 of 2
    assert values["VINR02", COUNTRY, 2022]["count"] == 2
    units = {id for _, id, _ in values if not id.startswith(("G-", "00"))}
    assert units == {NYBRO, OSKARSHAMN}  # Kalmar did not change; nothing of VINRN1 or 2021 did
    assert {kpi for kpi, _, _ in values} == {"VINR02"}

    # Since before the first publication of 2022: all of 2022, as published now; 2021 is older.
    everything = by_id(get(client, data_url(kpi="VINR02", years="2021,2022"), from_date="2023-01-01"))
    assert {year for _, _, year in everything} == {2022} and (("VINR02", KALMAR, 2022) in everything)
    assert not any(value["isdeleted"] for value in everything.values())
    assert get(client, DATA, kpi_id="VINR02", year="2022", from_date="2024-01-16")["values"] == []
    # Without from_date a withdrawn value is simply gone.
    assert ("VINR02", OSKARSHAMN, 2022) not in by_id(get(client, data_url(kpi="VINR02", years="2022")))


def test_from_date_alone_is_enough_in_the_query_form_and_must_be_a_date(client, published):  # noqa: F811
    rows = get(client, DATA, from_date="2023-06-12")["values"]
    assert {row["period"] for row in rows} == {2022} and {row["kpi"] for row in rows} == {"VINR02", "VINRN1"}
    body = refused(client, DATA, kpi_id="VINR02", year="2022", from_date="12/6/2023")
    assert body["detail"] == "from_date ska vara ett datum som ÅÅÅÅ-MM-DD, t.ex. 2024-06-15."
    assert refused(client, DATA, kpi_id="VINR02", year="2022", from_date="2023-02-30")["parameter"] == "from_date"


def test_publication_date_is_the_next_expected_publication(client, published):  # noqa: F811
    vinr02 = get(client, reverse("kolada:kpi-detail", kwargs={"ids": "VINR02"}))["values"][0]
    assert vinr02["publication_date"] == "2024-06-12"  # 2022 was first published 2023-06-12; 2023 a year on
    assert vinr02["latest_publication_date"] == "2023-06-12"


# Stockholm and Göteborg


def test_stockholm_has_the_aggregate_of_its_districts_marked_as_such(client, published, analyst):  # noqa: F811
    for code in ("VINR02", "VINRN1"):
        make_version(code, 2023)
    set_results(2023, [(SODERMALM, "VINR02", 1), (HASSELBY, "VINR02", 0), ("0180-04", "VINR02", None),
                       (SODERMALM, "VINRN1", 2), (HASSELBY, "VINRN1", 5)])  # fmt: skip
    publish_year(year=2023, user=analyst, now=JANUARY_2024)

    values = by_id(get(client, data_url(kpi="VINR02,VINRN1", municipality=STOCKHOLM, years="2023")))
    assert values["VINR02", STOCKHOLM, 2023] == {"gender": "T", "count": 2, "status": "", "value": 50,
                                                 "isdeleted": False, "numerator": 1}  # fmt: skip
    assert values["VINRN1", STOCKHOLM, 2023]["value"] == 7
    assert ("VINR02", STOCKHOLM, 2023) in by_id(get(client, DATA, kpi_id="VINR02", year="2023"))
    assert get(client, data_url(kpi="VINR02", municipality=GOTEBORG, years="2023"))["values"] == []  # no district had

    stockholm = get(client, reverse("kolada:municipality-detail", kwargs={"ids": STOCKHOLM}))["values"][0]
    assert stockholm["type"] == "K" and SODERMALM in stockholm["aggregate_of"] and HASSELBY in stockholm["aggregate_of"]
    goteborg = get(client, reverse("kolada:municipality-detail", kwargs={"ids": GOTEBORG}))["values"][0]
    assert goteborg["aggregate_of"] and all(id.startswith("1480-") for id in goteborg["aggregate_of"])
    kalmar = get(client, reverse("kolada:municipality-detail", kwargs={"ids": KALMAR}))["values"][0]
    assert "aggregate_of" not in kalmar
    assert ReportingUnit.objects.get(code=STOCKHOLM).districts.count() == len(stockholm["aggregate_of"])


# CORS


def test_the_open_api_answers_any_origin_and_the_rest_of_the_site_none(client, published):  # noqa: F811
    origin = {"HTTP_ORIGIN": "https://statistik.example.org"}
    for url in (data_url(kpi="VINR02", years="2022"), reverse("kolada:kpi-list"), reverse("kolada:published-csv")):
        response = client.get(url, **origin)
        assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        DATA, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept", **origin
    )
    assert preflight["Access-Control-Allow-Origin"] == "*" and "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]

    for url in ("/", reverse("reporting:results-index"), "/api/schema/", reverse("login")):
        response = client.get(url, **origin)
        assert "Access-Control-Allow-Origin" not in response, url
