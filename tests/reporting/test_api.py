"""The open API: published results in Kolada's v3 paths and shapes, without login, and the CSV of
every published value. Preliminary values never appear."""

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator, IndicatorVersion, PublishedValue, UnitResult
from indicators.services.catalogue import change_version
from indicators.services.publication import publish_year
from reporting.selectors.kolada import csv_text
from survey.models import GroupMembership, ReportingUnit
from tests.indicators.history_helpers import make_version

pytestmark = pytest.mark.django_db

JUNE_2022 = datetime(2022, 6, 10, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
JUNE_2023 = datetime(2023, 6, 12, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
KALMAR, NYBRO, OSKARSHAMN, SODERMALM = "0880", "0881", "0882", "0180-08"
KALMAR_LAN, COUNTRY = "0008", "0000"


def set_results(year: int, rows: list[tuple[str, str, object]]) -> None:
    """Preliminary unit results, as computing or importing leaves them."""
    for unit, code, value in rows:
        UnitResult.objects.update_or_create(
            year=year,
            unit=ReportingUnit.objects.get(code=unit),
            indicator=Indicator.objects.get(code=code),
            defaults={"value": None if value is None else Decimal(str(value)), "source": "imported",
                      "updated_at": timezone.now()},
        )  # fmt: skip


@pytest.fixture
def published(analyst):
    """2021 and 2022 published; 2023 computed but not published. VINR02 is an indicator, VINRN1 a key
    figure; VINR03 exists only in 2023."""
    for year in (2021, 2022, 2023):
        make_version("VINR02", year)
        make_version("VINRN1", year)
    make_version("VINR03", 2023)
    set_results(2021, [(KALMAR, "VINR02", 0), (NYBRO, "VINR02", 0), (KALMAR, "VINRN1", 2)])
    publish_year(year=2021, user=analyst, now=JUNE_2022)
    set_results(2022, [(KALMAR, "VINR02", 1), (NYBRO, "VINR02", 0), (OSKARSHAMN, "VINR02", 1),
                       (SODERMALM, "VINR02", None), (KALMAR, "VINRN1", 3), (NYBRO, "VINRN1", 4)])  # fmt: skip
    publish_year(year=2022, user=analyst, now=JUNE_2023)
    set_results(2023, [(KALMAR, "VINR02", 1), (KALMAR, "VINR03", 1)])


def get(client, url: str, **params):  # noqa: ANN001, ANN201
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def data_url(**kwargs: str) -> str:
    name = "data-" + "-".join(part for part in ("kpi", "municipality", "years") if part in kwargs)
    return reverse("kolada:" + name.replace("years", "year"), kwargs=kwargs)


def by_id(body: dict) -> dict[tuple[str, str, int], dict]:
    return {(row["kpi"], row["municipality"], row["period"]): row["values"][0] for row in body["values"]}


def test_the_kpi_list_describes_the_published_indicators_as_kolada_does(client, published):
    body = get(client, reverse("kolada:kpi-list"))

    assert body["count"] == 2 and "next_url" not in body
    vinr02, vinrn1 = body["values"]
    assert vinr02["id"] == "VINR02" and vinr02["title"] == "VINR02 2022"  # the latest published definition
    assert {"description", "operating_area", "perspective", "municipality_type", "is_divided_by_gender",
            "has_ou_data", "prel_publication_date", "ou_publication_date"} <= set(vinr02)  # fmt: skip
    # Kolada's publication_date is the next expected one: a year after 2022 was first published.
    assert vinr02["publication_date"] == "2024-06-12" and vinr02["publ_period"] == "2022"
    assert vinr02["latest_publication_date"] == "2023-06-12"
    assert vinr02["years"] == [2021, 2022] and vinr02["kind"] == "indicator"
    assert vinr02["is_divided_by_gender"] is False and vinr02["prel_publication_date"] is None
    assert (vinrn1["id"], vinrn1["aggregation"]) == ("VINRN1", "sum")
    assert vinr02["unit"] != vinrn1["unit"]


def test_kpis_are_chosen_by_path_by_id_and_by_title(client, published):
    assert [k["id"] for k in get(client, reverse("kolada:kpi-detail", kwargs={"ids": "VINRN1"}))["values"]] == [
        "VINRN1"
    ]
    assert [k["id"] for k in get(client, reverse("kolada:kpi-list"), id="vinr02,VINRN1")["values"]] == [
        "VINR02",
        "VINRN1",
    ]
    assert [k["id"] for k in get(client, reverse("kolada:kpi-list"), title="n1 20")["values"]] == ["VINRN1"]


def test_the_municipality_list_has_koladas_types_k_and_l_and_districts_on_request(client, published):
    body = get(client, reverse("kolada:municipality-list"))
    places = {place["id"]: place for place in body["values"]}

    assert places[KALMAR] == {"id": KALMAR, "title": "Kalmar", "type": "K"}
    assert places["0001"] == {"id": "0001", "title": "Stockholms län", "type": "L"}
    assert places[COUNTRY]["type"] == "L"
    assert {place["type"] for place in body["values"]} == {"K", "L"}  # no districts, no groups
    assert body["count"] == len(places) == 290 + 21 + 1
    assert [place["id"] for place in body["values"]] == sorted(places)

    districts = get(client, reverse("kolada:municipality-list"), type="S")["values"]
    assert {place["type"] for place in districts} == {"S"} and SODERMALM in {place["id"] for place in districts}
    counties = get(client, reverse("kolada:municipality-list"), type="l", title="kalmar")["values"]
    assert [place["title"] for place in counties] == ["Kalmar län"]


def test_municipalities_are_chosen_by_path_by_id_and_by_title(client, published):
    chosen = get(client, reverse("kolada:municipality-detail", kwargs={"ids": f"{KALMAR},{KALMAR_LAN}"}))
    assert [place["id"] for place in chosen["values"]] == [KALMAR_LAN, KALMAR]
    assert [p["id"] for p in get(client, reverse("kolada:municipality-list"), id=SODERMALM)["values"]] == [SODERMALM]
    titles = [place["title"] for place in get(client, reverse("kolada:municipality-list"), title="kalmar")["values"]]
    assert titles == ["Kalmar län", "Kalmar"]


def test_data_rows_have_koladas_shape_with_percent_for_indicators(client, published):
    url = data_url(kpi="VINR02", municipality=f"{KALMAR},{NYBRO},{KALMAR_LAN},{COUNTRY}", years="2022")
    body = get(client, url)

    assert body["values"][0] == {
        "kpi": "VINR02", "municipality": COUNTRY, "period": 2022,
        "values": [{"gender": "T", "count": 3, "status": "", "value": 66.7, "isdeleted": False, "numerator": 2}],
    }  # fmt: skip
    values = by_id(body)
    assert values["VINR02", KALMAR_LAN, 2022] == {"gender": "T", "count": 3, "status": "", "value": 66.7,
                                                  "isdeleted": False, "numerator": 2}  # fmt: skip
    assert values["VINR02", KALMAR, 2022] == {"gender": "T", "count": 1, "status": "", "value": 100,
                                              "isdeleted": False, "numerator": 1}  # fmt: skip
    assert values["VINR02", NYBRO, 2022] == {"gender": "T", "count": 1, "status": "", "value": 0,
                                             "isdeleted": False, "numerator": 0}  # fmt: skip
    assert [row["municipality"] for row in body["values"]] == [COUNTRY, KALMAR_LAN, KALMAR, NYBRO]


def test_a_key_figure_gives_the_number_and_for_an_area_the_sum(client, published):
    values = by_id(get(client, data_url(kpi="VINRN1", municipality=f"{KALMAR},{KALMAR_LAN}", years="2022")))

    assert values["VINRN1", KALMAR, 2022]["value"] == 3
    assert values["VINRN1", KALMAR_LAN, 2022] == {"gender": "T", "count": 2, "status": "", "value": 7,
                                                  "isdeleted": False, "numerator": 7}  # fmt: skip


@pytest.fixture
def confidential(published, analyst):
    """VINRN1 masks counts of persons 1–4 (the catalogue's default for a key figure); 2022 gets a
    revision in which Oskarshamn granted sheltered housing to nobody (0)."""
    IndicatorVersion.objects.filter(indicator__code="VINRN1").update(confidential_below=5)
    set_results(2022, [(OSKARSHAMN, "VINRN1", 0)])
    publish_year(year=2022, user=analyst, reason="Oskarshamn", now=JUNE_2023)


def test_a_count_of_persons_under_the_threshold_is_withheld_as_in_kolada(client, confidential):
    values = by_id(get(client, data_url(kpi="VINRN1", years="2021,2022")))

    withheld = {"gender": "T", "count": 1, "status": "..", "value": None, "isdeleted": False, "numerator": None}
    assert values["VINRN1", KALMAR, 2022] == withheld  # 3 adults
    assert values["VINRN1", NYBRO, 2022] == withheld  # 4 adults
    assert values["VINRN1", OSKARSHAMN, 2022]["value"] == 0 and values["VINRN1", OSKARSHAMN, 2022]["status"] == ""
    # The county's sum still counts them (3 + 4 + 0), and 7 is no small count.
    assert values["VINRN1", KALMAR_LAN, 2022] == {"gender": "T", "count": 3, "status": "", "value": 7,
                                                  "isdeleted": False, "numerator": 7}  # fmt: skip
    # An area's sum under the threshold is withheld too: Kalmar län 2021 is Kalmar's 2 alone.
    assert values["VINRN1", KALMAR_LAN, 2021] == {**withheld, "count": 1}
    assert values["VINRN1", KALMAR, 2021] == withheld


def test_the_kpi_says_below_which_count_values_are_withheld(client, confidential):
    vinr02, vinrn1 = get(client, reverse("kolada:kpi-list"))["values"]

    assert (vinr02["confidential_below"], vinrn1["confidential_below"]) == (0, 5)


def test_the_csv_withholds_the_same_counts(client, confidential):
    rows = list(csv.reader(io.StringIO(client.get(reverse("kolada:published-csv")).getvalue().decode())))

    kalmar = next(row for row in rows if row[:3] == ["2022", "VINRN1", KALMAR])
    assert kalmar[5:9] == ["", "1", "", ".."]
    county = next(row for row in rows if row[:3] == ["2022", "VINRN1", KALMAR_LAN])
    assert county[5:9] == ["7", "3", "7", ""]


def test_an_analyst_who_sets_the_threshold_to_0_publishes_the_counts(client, confidential, analyst):
    url = data_url(kpi="VINRN1", municipality=KALMAR, years="2022")
    assert by_id(get(client, url))["VINRN1", KALMAR, 2022]["status"] == ".."
    version = IndicatorVersion.objects.get(indicator__code="VINRN1", year=2022)

    change_version(version=version, values={"confidential_below": 0}, user=analyst)

    value = by_id(get(client, url))["VINRN1", KALMAR, 2022]
    assert value == {"gender": "T", "count": 1, "status": "", "value": 3, "isdeleted": False, "numerator": 3}


def test_an_areas_numerator_and_count_are_its_units_fulfilling_and_with_a_value(client, published):
    unit_values = PublishedValue.objects.filter(year=2022, indicator__code="VINR02", unit__county__code="08")
    with_value = [value for value in unit_values.values_list("value", flat=True) if value is not None]
    fulfilling = sum(1 for value in with_value if value == 1)

    body = get(client, data_url(kpi="VINR02", municipality=KALMAR_LAN, years="2022"))
    county = by_id(body)["VINR02", KALMAR_LAN, 2022]

    assert (county["numerator"], county["count"]) == (fulfilling, len(with_value)) == (2, 3)
    assert county["value"] == 66.7


def test_no_value_is_null_with_status_saknas(client, published):
    values = by_id(get(client, data_url(kpi="VINR02", municipality=f"{SODERMALM},0001", years="2022")))

    missing = {"gender": "T", "count": 0, "status": "Saknas", "value": None, "isdeleted": False, "numerator": None}
    assert values["VINR02", SODERMALM, 2022] == missing
    assert values["VINR02", "0001", 2022] == missing


def test_a_kpi_and_years_give_every_unit_county_the_country_and_group(client, published):
    values = by_id(get(client, data_url(kpi="VINR02", years="2022")))
    group = GroupMembership.objects.select_related("group", "grouping").get(
        year=2022, unit__code=KALMAR, grouping__code="skr-2017"
    )
    group_id = f"G-skr-2017-{group.group.code}"

    assert {KALMAR, NYBRO, OSKARSHAMN, SODERMALM, KALMAR_LAN, COUNTRY, group_id} <= {id for _, id, _ in values}
    assert values["VINR02", COUNTRY, 2022]["count"] == 3
    assert values["VINR02", group_id, 2022]["count"] >= 1
    assert "0114" not in {id for _, id, _ in values}  # a unit without a published row has no row


def test_a_municipality_and_years_give_every_kpi(client, published):
    values = by_id(get(client, data_url(municipality=KALMAR, years="2021,2022")))

    assert set(values) == {("VINR02", KALMAR, 2021), ("VINRN1", KALMAR, 2021), ("VINR02", KALMAR, 2022),
                           ("VINRN1", KALMAR, 2022)}  # fmt: skip


def test_a_kpi_and_a_municipality_give_every_published_year(client, published):
    body = get(client, data_url(kpi="VINR02", municipality=KALMAR))

    assert [(row["period"], row["values"][0]["value"]) for row in body["values"]] == [(2021, 0), (2022, 100)]


def test_pages_follow_next_url_and_together_give_every_row(client, published):
    url = data_url(kpi="VINR02,VINRN1", years="2021,2022")
    everything = get(client, url)["values"]
    rows, page_url, pages = [], f"{url}?per_page=4", 0
    while page_url:
        body = get(client, page_url)
        assert body["count"] == len(body["values"]) <= 4
        assert ("previous_url" in body) == (pages > 0)
        rows += body["values"]
        pages += 1
        page_url = body.get("next_url")
        assert page_url is None or page_url.startswith("http://testserver/api/v3/data/")

    assert rows == everything and pages == -(-len(everything) // 4) > 2


def test_bad_input_is_refused_with_a_clear_400(client, published):
    many = ",".join(str(year) for year in range(2000, 2026))
    cases = [
        (data_url(kpi="VINR-99", years="2022"), {}, "kpi", ["VINR-99"]),
        (data_url(kpi="VINR02", municipality="0880,99999", years="2022"), {}, "municipality", ["99999"]),
        (data_url(kpi="VINR02", municipality="0880,G-ä", years="2022"), {}, "municipality", ["G-ä"]),
        (data_url(kpi="VINR02", years="2022,20x4"), {}, "year", ["20x4"]),
        (data_url(kpi="VINR02", years="2022,,2021"), {}, "year", ["2022,,2021"]),
        (data_url(kpi="VINR02", years=many), {}, "year", []),
        (data_url(kpi="VINR02", years="2022"), {"per_page": "0"}, "per_page", ["0"]),
        (data_url(kpi="VINR02", years="2022"), {"per_page": "5001"}, "per_page", ["5001"]),
        (data_url(kpi="VINR02", years="2022"), {"page": "x"}, "page", ["x"]),
        (reverse("kolada:kpi-detail", kwargs={"ids": "NO PE"}), {}, "kpi", ["NO PE"]),
        (reverse("kolada:municipality-list"), {"id": "0880,0000x"}, "municipality", ["0000x"]),
        (reverse("kolada:municipality-list"), {"id": ",".join(f"{n:04}" for n in range(26))}, "municipality", []),
    ]
    for url, params, parameter, invalid in cases:
        response = client.get(url, params)
        assert response.status_code == 400, url
        body = response.json()
        assert (body["parameter"], body["invalid"]) == (parameter, invalid), url
        assert body["detail"] and body["detail_en"]


def test_a_page_past_the_last_or_beyond_any_is_a_400_not_a_server_error(client, published):
    """Every paged endpoint, anonymously: a page after the last names the first row it would start
    at; a number too big for any page (20 digits) is refused before anything is read."""
    paged_urls = [
        data_url(kpi="VINR02", years="2022"), reverse("kolada:kpi-list"), reverse("kolada:municipality-list"),
    ]  # fmt: skip
    for url in paged_urls:
        assert client.get(url, {"page": "1"}).status_code == 200, url
        past = client.get(url, {"page": "2"})
        assert past.status_code == 400, url
        assert (past.json()["parameter"], past.json()["invalid"]) == ("page", ["2"])
        assert "sista sidan" in past.json()["detail"]
        huge = client.get(url, {"page": "99999999999999999999"})
        assert huge.status_code == 400 and huge.json()["parameter"] == "page", url


def test_only_published_values_are_served(client, published):
    set_results(2022, [(KALMAR, "VINR02", 0), (NYBRO, "VINR02", 1), (KALMAR, "VINRN1", 99)])  # preliminary

    values = by_id(get(client, data_url(kpi="VINR02,VINRN1", municipality=f"{KALMAR},{NYBRO}", years="2022")))
    assert values["VINR02", KALMAR, 2022]["value"] == 100
    assert values["VINR02", NYBRO, 2022]["value"] == 0
    assert values["VINRN1", KALMAR, 2022]["value"] == 3
    assert get(client, data_url(kpi="VINR02", years="2023"))["values"] == []  # computed, not published
    assert get(client, data_url(municipality=KALMAR, years="2023"))["values"] == []
    assert "VINR03" not in {kpi["id"] for kpi in get(client, reverse("kolada:kpi-list"))["values"]}
    assert ",2023," not in client.get(reverse("kolada:published-csv")).getvalue().decode()


def test_a_revision_changes_the_served_value(client, published, analyst):
    url = data_url(kpi="VINR02", municipality=f"{NYBRO},{KALMAR_LAN}", years="2022")
    assert by_id(get(client, url))["VINR02", NYBRO, 2022]["value"] == 0

    set_results(2022, [(NYBRO, "VINR02", 1)])
    publish_year(year=2022, user=analyst, reason="Nybro rättade sitt svar")

    values = by_id(get(client, url))
    assert values["VINR02", NYBRO, 2022]["value"] == 100
    assert values["VINR02", KALMAR_LAN, 2022]["value"] == 100  # 3 of 3
    assert get(client, reverse("kolada:kpi-list"))["values"][0]["latest_publication_date"] == (
        timezone.localdate().isoformat()
    )


def test_the_schema_covers_every_endpoint(client):
    paths = client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]

    for path in [
        "/api/v3/kpi", "/api/v3/kpi/{ids}", "/api/v3/municipality", "/api/v3/municipality/{ids}",
        "/api/v3/data/kpi/{kpi}/municipality/{municipality}/year/{years}", "/api/v3/data/kpi/{kpi}/year/{years}",
        "/api/v3/data/municipality/{municipality}/year/{years}", "/api/v3/data/kpi/{kpi}/municipality/{municipality}",
        "/resultat/publicerade-varden.csv", "/api/v3/data", "/api/v3/municipality_groups",
        "/api/v3/municipality_groups/{ids}", "/api/v3/kpi_groups", "/api/v3/kpi_groups/{ids}",
    ]:  # fmt: skip
        assert "get" in paths[path], path
    query = {p["name"] for p in paths["/api/v3/data"]["get"]["parameters"]}
    assert query == {"kpi_id", "municipality_id", "year", "from_date", "municipality_type", "page", "per_page"}
    assert "region_type" in {p["name"] for p in paths["/api/v3/municipality"]["get"]["parameters"]}
    assert "/api/v3/data/" not in paths
    data = paths["/api/v3/data/kpi/{kpi}/year/{years}"]["get"]
    assert {p["name"] for p in data["parameters"]} == {"kpi", "years", "from_date", "municipality_type", "page",
                                                       "per_page"}  # fmt: skip
    assert set(data["responses"]) == {"200", "400"}
    assert "text/csv" in paths["/resultat/publicerade-varden.csv"]["get"]["responses"]["200"]["content"]


def test_the_csv_has_every_published_value_with_a_header(client, published):
    response = client.get(reverse("kolada:published-csv"))

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="publicerade-varden.csv"' in response["Content-Disposition"]
    text = response.getvalue().decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["year", "kpi", "id", "title", "type", "value", "count", "numerator", "status", "source",
                       "revision", "published"]  # fmt: skip
    assert ["2022", "VINR02", KALMAR, "Kalmar", "K", "100", "1", "1", "", "imported", "1", "2023-06-12"] in rows
    assert ["2022", "VINR02", KALMAR_LAN, "Kalmar län", "L", "66.7", "3", "2", "", "", "1", "2023-06-12"] in rows
    sodermalm = next(row for row in rows if row[:3] == ["2022", "VINR02", SODERMALM])
    assert sodermalm[4:] == ["S", "", "0", "", "Saknas", "imported", "1", "2023-06-12"]
    api_rows = sum(len(get(client, data_url(kpi="VINR02,VINRN1", years=str(y)))["values"]) for y in (2021, 2022))
    assert len(rows) == 1 + api_rows


def test_csv_text_never_starts_a_formula(client, published):
    ReportingUnit.objects.filter(code=NYBRO).update(name='=HYPERLINK("http://example.com","x")')

    rows = list(csv.reader(io.StringIO(client.get(reverse("kolada:published-csv")).getvalue().decode())))

    assert [row[3] for row in rows if row[2] == NYBRO][0] == '\'=HYPERLINK("http://example.com","x")'
    assert [csv_text(text) for text in ("+1", "-1", "@SUM(A1)", "\tx", "\rx", "Kalmar")] == [
        "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "Kalmar",
    ]  # fmt: skip


def test_anyone_may_read_without_login_or_token(client, published, respondent):
    url = data_url(kpi="VINR02", years="2022")
    assert client.get(url).status_code == 200
    assert client.get(url, HTTP_AUTHORIZATION="Token not-a-token").status_code == 200
    client.force_login(respondent)
    assert client.get(url).status_code == 200
    assert client.get(reverse("kolada:published-csv"), HTTP_ACCEPT="text/csv").status_code == 200


def test_nothing_published_gives_empty_answers(client):
    assert get(client, reverse("kolada:kpi-list"))["values"] == []
    assert get(client, data_url(municipality=KALMAR, years="2024"))["values"] == []
    rows = list(csv.reader(io.StringIO(client.get(reverse("kolada:published-csv")).getvalue().decode())))
    assert len(rows) == 1
