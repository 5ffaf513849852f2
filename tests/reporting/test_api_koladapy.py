"""A real Kolada v3 client, koladapy (PyPI, pinned in requirements-dev.txt), against the open API on a
live test server: its KPI, municipality, group and data calls (the query form it uses, and the path
form through its own request code), with paging, compared with the database."""

from decimal import Decimal

import pytest
from django.db import connections
from koladapy import KoladaAPI
from koladapy.exceptions import KoladaAPIError

from indicators.models import IndicatorVersion, PublishedValue
from tests.reporting.test_api import (  # noqa: F401 – published: the fixture
    COUNTRY,
    KALMAR,
    KALMAR_LAN,
    NYBRO,
    OSKARSHAMN,
    published,
)


@pytest.fixture
def kolada(live_server, monkeypatch) -> KoladaAPI:  # noqa: ANN001
    # The server's request threads close their connections after each request (not kept for 60 s),
    # so that none is left open on the test database when the session ends.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    api = KoladaAPI(base_url=f"{live_server.url}/api/v3/", max_requests_per_second=1000, max_retries=1, timeout=10)
    api.DEFAULT_PER_PAGE = 3  # so that every list takes several pages
    return api


def published_2022(code: str) -> dict[str, Decimal | None]:
    return dict(PublishedValue.objects.filter(year=2022, indicator__code=code).values_list("unit__code", "value"))


def test_koladapy_reads_the_open_api_as_it_reads_kolada(committed_db, published, kolada):  # noqa: F811
    # KPIs: the list (paged), one, several, by title.
    kpis = kolada.search_kpis()
    assert [kpi["id"] for kpi in kpis] == ["VINR02", "VINRN1"]
    assert kolada.get_kpi("VINR02")["title"] == "VINR02 2022"
    assert [kpi["id"] for kpi in kolada.get_kpis(["VINRN1", "VINR02", "N00945"])] == ["VINR02", "VINRN1"]
    assert [kpi["id"] for kpi in kolada.search_kpis(query="N1")] == ["VINRN1"]
    assert kolada.get_kpi_groups()[0]["members"][0]["member_id"] == "VINR02"

    # Municipalities: Kolada's types K and L, paged in 3s (104 pages), one by id, groups with members.
    municipalities = kolada.get_municipalities(municipality_type="L")
    assert len(municipalities) == 22 and {m["type"] for m in municipalities} == {"L"}
    assert kolada.get_municipality(KALMAR) == {"id": KALMAR, "title": "Kalmar", "type": "K"}
    groups = kolada.get_municipality_groups(query="A1")
    assert groups and all("members" in group for group in groups)

    # Data, the query form: every row equals the published values.
    rows = kolada.get_values(kpi_id="VINR02", municipality_id=[KALMAR, NYBRO, OSKARSHAMN, KALMAR_LAN], years=2022)
    values = {row["municipality"]: row["values"][0]["value"] for row in rows}
    units = published_2022("VINR02")
    assert {code: values[code] for code in (KALMAR, NYBRO, OSKARSHAMN)} == {
        code: 100 if units[code] == 1 else 0 for code in (KALMAR, NYBRO, OSKARSHAMN)
    }
    assert values[KALMAR_LAN] == float(round(100 * sum(units[c] for c in (KALMAR, NYBRO, OSKARSHAMN)) / 3, 1))
    assert all(row["values"][0]["isdeleted"] is False for row in rows)

    frame = kolada.get_data_as_dataframe(kpi_id=["VINR02", "VINRN1"], municipality_id=KALMAR, years=[2021, 2022])
    assert sorted(zip(frame["kpi"], frame["period"], frame["value"], strict=True)) == [
        ("VINR02", 2021, 0), ("VINR02", 2022, 100), ("VINRN1", 2021, 2), ("VINRN1", 2022, 3),
    ]  # fmt: skip

    # Every id for one kpi and year (several pages of 3), and the same through the path form.
    every = kolada.get_values(kpi_id="VINRN1", years=2022)
    by_path = kolada._paginate_request("data/kpi/VINRN1/year/2022")
    assert by_path == every and len(every) > 3
    assert len({row["municipality"] for row in every}) == len(every)  # no duplicates across pages
    sums = {row["municipality"]: row["values"][0]["value"] for row in every}
    assert sums[COUNTRY] == sum(published_2022("VINRN1").values())

    # A count of persons under the threshold (Kalmar's 3 in 2022): no value, status "..", as in Kolada;
    # the county's sum still has it.
    version = IndicatorVersion.objects.get(indicator__code="VINRN1", year=2022)
    version.confidential_below = 5
    version.save()
    rows = kolada.get_values(kpi_id="VINRN1", municipality_id=[KALMAR, KALMAR_LAN], years=2022)
    values = {row["municipality"]: row["values"][0] for row in rows}
    assert (values[KALMAR]["value"], values[KALMAR]["status"], values[KALMAR]["count"]) == (None, "..", 1)
    assert values[KALMAR_LAN]["value"] == sum(published_2022("VINRN1")[code] for code in (KALMAR, NYBRO))
    frame = kolada.get_data_as_dataframe(kpi_id="VINRN1", municipality_id=KALMAR, years=2022)
    assert len(frame) == 1 and frame["value"].isna().all()

    # Organisational-unit data: a clear refusal (400), not an empty answer taken for missing data.
    with pytest.raises(KoladaAPIError, match="400"):
        kolada.get_values(kpi_id="VINR02", ou_id="V15E144001301", years=2022)
