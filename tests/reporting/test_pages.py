"""The public results pages: a unit's, a county's and the country's year, from published results only."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from indicators.calculation.aggregate import Figure
from indicators.models import Indicator, IndicatorVersion, Publication, UnitResult
from indicators.services.catalogue import change_version
from indicators.services.publication import publish_year
from reporting.pages.charts import Series, trend_chart
from reporting.pages.content import units_behind
from reporting.pages.summary import unit_summary
from survey.models import GroupMembership, ReportingUnit
from survey.services.register import load_register
from tests.indicators.history_helpers import make_version

pytestmark = pytest.mark.django_db

# Hand-made values: Kalmar län (08) has three units with values and one without; Uppsala län (03) one.
VALUES = {
    2023: {
        "VINR02": {"0880": 0, "0881": 0, "0882": 1, "0305": 1},
        "VINR03": {"0880": 1, "0881": 1, "0882": 0, "0305": 1},
        "VINRN1": {"0880": 10, "0881": 2},
    },
    2024: {
        "VINR02": {"0880": 1, "0881": 0, "0882": 1, "0884": None, "0305": 0},
        "VINR03": {"0880": 0, "0881": 1, "0882": 1, "0884": None, "0305": 1},
        "VINRN1": {"0880": 12, "0881": 3, "0884": None},
    },
}
KALMAR_LAN = ["0880", "0881", "0882", "0884"]


def set_value(year: int, unit_code: str, code: str, value: int | None) -> None:
    UnitResult.objects.update_or_create(
        year=year,
        unit=ReportingUnit.objects.get(code=unit_code),
        indicator=Indicator.objects.get(code=code),
        defaults={"value": value, "source": "imported", "updated_at": timezone.now()},
    )


def share(values: list[int | None]) -> Decimal:
    """The expected display share, computed here independently: units with 1 of units with a value."""
    counted = [v for v in values if v is not None]
    return (Decimal(sum(counted)) * 100 / len(counted)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@pytest.fixture
def published(analyst):
    for year, indicators in VALUES.items():
        for code, units in indicators.items():
            make_version(code, year)
            for unit_code, value in units.items():
                set_value(year, unit_code, code, value)
        publish_year(year=year, user=analyst)
    IndicatorVersion.objects.filter(year=2024, indicator__code="VINR02").update(
        title="Rutin för skolgång", description="Vad indikatorn visar.", comparability_note="Ny fråga 2024."
    )
    return VALUES


def rows_by_code(page) -> dict:  # noqa: ANN001
    return {row.code: row for section in page.sections for row in section.rows}


def test_the_unit_page_shows_the_units_values_and_the_county_and_country_shares(client, published):
    response = client.get(reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0880"}))
    assert response.status_code == 200
    rows = rows_by_code(response.context["page"])
    vinr02 = [published[2024]["VINR02"][code] for code in KALMAR_LAN]
    assert (rows["VINR02"].unit_value, rows["VINR02"].county, rows["VINR02"].country) == (
        1,
        share(vinr02),  # 2 of 3: 67
        share(list(published[2024]["VINR02"].values())),  # 2 of 4: 50
    )
    assert rows["VINR02"].county == 67 and rows["VINR02"].country == 50
    assert rows["VINR03"].unit_value == 0 and rows["VINR03"].county == share([0, 1, 1]) == 67
    assert rows["VINRN1"].unit_value == 12 and rows["VINRN1"].county == 15 and rows["VINRN1"].country == 15
    text = response.content.decode()
    assert "Rutin för skolgång" in text and "Vad indikatorn visar." in text and "Ny fråga 2024." in text
    assert "67 %" in text and "50 %" in text
    assert "/api/v3/data/municipality/0880/year/2024" in text and "/resultat/2024/resultatfil.xlsx" in text
    assert "<svg" in text and "style=" not in text and "<script" not in text


def test_the_unit_page_shows_the_trend_since_the_first_published_year(client, published):
    page = client.get(reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0880"})).context["page"]
    trend = rows_by_code(page)["VINR02"].trend
    assert [(p.year, p.county, p.country) for p in trend] == [
        (2023, share([0, 0, 1]), share([0, 0, 1, 1])),
        (2024, Decimal(67), Decimal(50)),
    ]
    chart = rows_by_code(page)["VINR02"].chart
    assert [(m.year, m.fulfilled) for m in chart.markers] == [(2023, False), (2024, True)]
    assert [link.year for link in page.years if link.available] == [2023, 2024]


def test_the_summary_is_at_the_top_of_the_unit_page(client, published):
    response = client.get(reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0880"}))
    summary = response.context["page"].summary
    assert summary[0] == (
        "Kalmar har en aktuell skriftlig och på ledningsnivå beslutad rutin för att säkra skolgången för barn i "
        "skyddat boende (riket: 50 procent)."
    )
    assert summary[1] == (
        "Kalmar har inte under det senaste året genomfört fortbildning om våld i nära relationer för handläggare "
        "som utreder vuxna (riket: 75 procent)."
    )
    assert summary[0] in response.content.decode()


def version(code: str, *, kind: str = "indicator", title: str = "") -> IndicatorVersion:
    """An unsaved definition as the catalogue gives it: an indicator is a share, a key figure a sum."""
    aggregation = "sum" if kind == "nyckeltal" else "share"
    return IndicatorVersion(year=2024, kind=kind, title=title or code, aggregation=aggregation, part_code="vinr")


def test_the_summary_says_what_the_unit_has_and_what_it_lacks():
    versions = {code: version(code) for code in ("VINR01", "VINR02", "VINR08A", "VINR08B", "VINR08C")}
    values = {"VINR01": Decimal(1), "VINR02": Decimal(0), "VINR08A": Decimal(1), "VINR08B": Decimal(0),
              "VINR08C": Decimal(0)}  # fmt: skip
    with translation.override("en"):
        sentences = unit_summary(unit_name="Kalmar", values=values, versions=versions)
    assert sentences == [
        "Kalmar has a current written routine for not disclosing protected personal data of adults but lacks a "
        "current written routine decided by management for securing the schooling of children in sheltered housing.",
        "Kalmar has a followed-up agreement on cooperation in individual cases with women's shelters but not with "
        "the police or primary care.",
    ]


def test_the_summary_of_a_unit_that_fulfils_nothing_says_what_it_lacks():
    versions = {code: version(code) for code in ("VINR01", "VINR02", "VINR03", "VINR04")}
    values = dict.fromkeys(versions, Decimal(0))
    with translation.override("en"):
        sentences = unit_summary(unit_name="Kalmar", values=values, versions=versions)
    assert sentences == [
        "Kalmar lacks a current written routine for not disclosing protected personal data of adults and lacks a "
        "current written routine decided by management for securing the schooling of children in sheltered housing.",
        "Kalmar has not given training in intimate partner violence in the last year to officers investigating "
        "adults or children.",
    ]


def test_the_summary_of_an_unknown_indicator_uses_its_title_and_counts_missing_values():
    versions = {
        "NEW1": version("NEW1", title="Rutin för X"),
        "NEW2": version("NEW2", title="Rutin för Y"),
        "VINRN1": version("VINRN1", kind="nyckeltal", title="Antal vuxna"),
        "NEWN1": version("NEWN1", kind="nyckeltal", title="Antal X"),
        "VINR01": version("VINR01"),
    }
    values = {"NEW1": Decimal(1), "NEW2": Decimal(0), "VINRN1": Decimal("12.0000"), "NEWN1": Decimal(7)}
    with translation.override("en"):
        sentences = unit_summary(unit_name="Nybro", values=values, versions=versions)
    assert sentences == [
        "Nybro fulfils the indicator “Rutin för X” but does not fulfil the indicator “Rutin för Y”.",
        "Antal X in Nybro: 7.",
        "In the year before, 12 adults were granted sheltered housing as assistance in Nybro.",
        "Nybro has no value for 1 indicator this year.",
    ]


def test_the_summary_leaves_out_a_count_under_the_key_figures_threshold_and_no_other():
    def sentences(value: int, *, below: int, country: int | None = None) -> list[str]:
        versions = {"VINRN1": version("VINRN1", kind="nyckeltal", title="Antal vuxna")}
        versions["VINRN1"].confidential_below = below
        with translation.override("en"):
            return unit_summary(unit_name="Nybro", values={"VINRN1": Decimal(value)}, versions=versions,
                                country={"VINRN1": None if country is None else Decimal(country)})  # fmt: skip

    granted = "In the year before, %s adults were granted sheltered housing as assistance in Nybro"
    assert sentences(3, below=5) == []
    assert sentences(3, below=0) == [granted % 3 + "."]  # an analyst's 0: nothing is withheld
    assert sentences(7, below=10) == []
    assert sentences(0, below=5) == [granted % 0 + "."]
    assert sentences(12, below=5, country=4) == [granted % 12 + "."]  # the country's 4 is not said either
    assert sentences(12, below=5, country=40) == [granted % 12 + " (the whole country: 40)."]


def test_an_unpublished_year_is_not_found_and_its_preliminary_values_never_show(client, published):
    for code in ("VINR02", "VINR03"):
        make_version(code, 2025)
        set_value(2025, "0880", code, 1)
    for url in (
        reverse("reporting:unit-page", kwargs={"year": 2025, "code": "0880"}),
        reverse("reporting:county-page", kwargs={"year": 2025, "county_code": "08"}),
        reverse("reporting:country-page", kwargs={"year": 2025}),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "2025" in response.content.decode()
    assert 2025 not in [entry.year for entry in client.get(reverse("reporting:results-index")).context["years"]]


def test_preliminary_values_after_publication_do_not_change_the_page(client, published):
    set_value(2024, "0880", "VINR02", 0)  # recomputed or imported after publication, not yet published
    set_value(2024, "0305", "VINR02", 1)
    page = client.get(reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0880"})).context["page"]
    row = rows_by_code(page)["VINR02"]
    assert (row.unit_value, row.county, row.country) == (1, 67, 50)


def test_a_revision_changes_what_the_page_shows(client, published, analyst):
    url = reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0880"})
    client.get(url)  # the published results are cached now
    set_value(2024, "0880", "VINR02", 0)
    publish_year(year=2024, user=analyst, reason="Kalmar hade svarat fel.")
    page = client.get(url).context["page"]
    row = rows_by_code(page)["VINR02"]
    assert (row.unit_value, row.unit_text, row.county, row.country) == (0, "Ej uppfyllt", share([0, 0, 1]), 25)
    assert page.publication.revision == 2


def test_a_unit_of_the_year_that_sent_no_answers_has_a_page_that_says_so(client, published):
    """Vimmerby (0884) is in 2024's register with no values: as in the file and the API, it is shown
    with no value, beside its county and the country, not as a page that does not exist."""
    response = client.get(reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0884"}))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.summary == ["Vimmerby lämnade inga svar 2024."] and not page.answered
    row = rows_by_code(page)["VINR02"]
    assert (row.unit_value, row.county, row.country) == (None, share([1, 0, 1]), share([1, 0, 1, 0]))
    assert "Vimmerby lämnade inga svar 2024." in response.content.decode()
    assert [link.year for link in page.years if link.available] == [2024]  # 2023: not in the register


def test_the_year_selector_links_a_year_without_answers(client, published, analyst):
    set_value(2023, "0884", "VINR02", 1)  # Vimmerby answered 2023, not 2024
    publish_year(year=2023, user=analyst, reason="Vimmerby", confirmed=True)
    page = client.get(reverse("reporting:unit-page", kwargs={"year": 2023, "code": "0884"})).context["page"]
    assert [link.year for link in page.years if link.available] == [2023, 2024]


def test_a_unit_not_in_the_years_register_is_not_found(client, published):
    """Hultsfred (0860) has no row in 2024 at all, unlike a unit that sent no answers."""
    response = client.get(reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0860"}))
    assert response.status_code == 404
    assert "Hultsfred" in response.content.decode()
    assert client.get(reverse("reporting:unit-page", kwargs={"year": 2024, "code": "9999"})).status_code == 404
    assert client.get(reverse("reporting:county-page", kwargs={"year": 2024, "county_code": "99"})).status_code == 404


def test_the_county_page_lists_its_units_with_their_values(client, published):
    response = client.get(reverse("reporting:county-page", kwargs={"year": 2024, "county_code": "08"}))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.codes == ["VINR02", "VINR03", "VINRN1"]
    assert {row.unit.code: ([str(cell) for cell in row.cells], row.reported) for row in page.units} == {
        "0880": (["Ja", "Nej", "12"], True),
        "0881": (["Nej", "Ja", "3"], True),
        "0882": (["Ja", "Ja", "–"], True),
        "0884": (["–", "–", "–"], False),
    }
    assert [row.unit.name for row in page.units] == ["Kalmar", "Nybro", "Oskarshamn", "Vimmerby"]
    rows = rows_by_code(page)
    assert (rows["VINR02"].county, rows["VINR02"].country) == (67, 50)
    text = response.content.decode()
    assert reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0881"}) in text
    assert reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0884"}) not in text


def test_the_county_page_needs_as_many_queries_for_a_large_county_as_for_a_small_one(client, published):
    def queries(county_code: str) -> int:
        url = reverse("reporting:county-page", kwargs={"year": 2024, "county_code": county_code})
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    queries("08")  # loads and caches the published results
    assert queries("08") == queries("03")  # four units against one
    assert queries("08") <= 7  # the 7th: the newest membership, part of the cache key (group figures)


def test_the_country_page_lists_the_counties_and_links_to_every_unit(client, published):
    response = client.get(reverse("reporting:country-page", kwargs={"year": 2024}))
    assert response.status_code == 200
    page = response.context["page"]
    units = {county.county.code: [u.code for u in county.units] for county in page.counties}
    assert units["08"] == ["0880", "0881", "0882"] and units["03"] == ["0305"] and units["01"] == []
    assert len(page.counties) == 21
    assert rows_by_code(page)["VINR03"].country == share([0, 1, 1, 1]) == 75
    text = response.content.decode()
    assert reverse("reporting:county-page", kwargs={"year": 2024, "county_code": "08"}) in text
    assert reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0305"}) in text


def test_the_results_index_lists_the_published_years_with_file_api_and_revision_log(client, published):
    response = client.get(reverse("reporting:results-index"))
    assert [entry.year for entry in response.context["years"]] == [2024, 2023]
    text = response.content.decode()
    assert "/resultat/2024/resultatfil.xlsx" not in text and "Filen byggs." in text  # no link that answers 404
    assert "/api/v3/kpi" in text
    assert reverse("indicators:revision-log") in text
    call_command("export_results", "--store", stdout=StringIO())
    text = client.get(reverse("reporting:results-index")).content.decode()
    assert "/resultat/2024/resultatfil.xlsx" in text and "/resultat/2023/resultatfil.xlsx" in text
    assert "Visar revision 1, byggd" in text
    assert reverse("reporting:results-index") in client.get(reverse("login")).content.decode()  # in the menu


def test_a_trend_chart_breaks_its_line_at_a_year_without_a_value():
    chart = trend_chart(
        years=[2016, 2017, 2018, 2019],
        lines=[Series("Riket", {2016: Decimal(10), 2017: Decimal(20), 2018: None, 2019: Decimal(40)})],
        markers={2016: Decimal(1), 2017: Decimal(0), 2018: None},
    )
    assert len(chart.lines[0].segments) == 1 and len(chart.lines[0].dots) == 1
    top, bottom = chart.top, chart.bottom
    assert [(m.year, m.y) for m in chart.markers] == [(2016, top), (2017, bottom)]
    assert [tick.label for tick in chart.y_ticks] == ["0", "50", "100"]


def test_publish_results_all_closed_publishes_every_closed_year_not_yet_published(open_round_2024, capsys):
    for year in (2019, 2024):
        make_version("VINR02", year)
        set_value(year, "0880", "VINR02", 1)
    call_command("publish_results", "--all-closed")
    assert "2019 published, revision 1: 1 values" in capsys.readouterr().out
    assert list(Publication.objects.values_list("year", flat=True)) == [2019]  # 2024's round is still open
    open_round_2024.closes_at = timezone.now() - timedelta(minutes=1)
    open_round_2024.save()
    call_command("publish_results", "--all-closed")
    assert sorted(Publication.objects.values_list("year", "revision")) == [(2019, 1), (2024, 1)]
    call_command("publish_results", "--all-closed")
    assert "Every closed year is already published." in capsys.readouterr().out


# Denominators and confidential counts


def withholding(below: int) -> None:
    """VINRN1 counts persons: counts from 1 up to below `below` are confidential, as an analyst sets it."""
    IndicatorVersion.objects.filter(indicator__code="VINRN1").update(confidential_below=below)


def article(text: str, code: str) -> str:
    """The part of a page about one indicator."""
    start = text.index(f'id="indicator-{code}"')
    return text[start : text.find("</article>", start)]


CONFIDENTIAL = '<abbr title="Sekretess: färre än 5 personer">'


def test_a_count_of_fewer_than_five_persons_is_withheld_on_the_unit_page(client, published):
    withholding(5)
    response = client.get(reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0881"}))  # Nybro: 3, 2023: 2

    page = response.context["page"]
    row = rows_by_code(page)["VINRN1"]
    assert row.unit_text == "" and [(p.year, p.unit_withheld, p.unit_text) for p in row.trend] == [
        (2023, True, ""),
        (2024, True, ""),
    ]
    assert not any(line.dots for line in row.chart.lines)  # the chart draws neither count
    text = article(response.content.decode(), "VINRN1")
    # The value and the trend table's two years; and the kommungrupp's sum beside it and in the
    # table's two years, since Nybro is the only unit of its group with a value: its sum is Nybro's count.
    assert [(p.year, p.skr_group.code, p.skr_withheld, p.skr_value) for p in row.trend] == [
        (2023, "B5", True, None),
        (2024, "B5", True, None),
    ]
    assert text.count(CONFIDENTIAL) == 6
    assert "<strong>3</strong>" not in text and "<td>2</td>" not in text and "<td>3</td>" not in text
    # The county's sum still counts Nybro's 3: 12 + 3.
    assert (row.county, row.current.county_withheld) == (15, False) and "från 2 svarande kommuner" in text
    assert page.confidentiality_thresholds == [5]
    note = response.content.decode()
    assert "”..” betyder sekretess: ett antal som är färre än 5 personer publiceras inte" in note
    assert not any("beviljades" in sentence for sentence in page.summary)


def test_zero_and_counts_from_the_threshold_are_published(client, published, analyst):
    withholding(5)
    set_value(2024, "0882", "VINRN1", 0)
    publish_year(year=2024, user=analyst, reason="Oskarshamn beviljade ingen.")

    oskarshamn = client.get(reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0882"}))
    kalmar = client.get(reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0880"}))

    assert "<strong>0</strong>" in article(oskarshamn.content.decode(), "VINRN1")
    assert "<strong>12</strong>" in article(kalmar.content.decode(), "VINRN1")
    assert CONFIDENTIAL not in kalmar.content.decode()  # Kalmar has 10 and 12: nothing withheld
    assert kalmar.context["page"].confidentiality_thresholds == []


def test_an_analyst_who_sets_the_threshold_to_0_publishes_the_count_on_the_page(client, published, analyst):
    withholding(5)
    url = reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0881"})
    assert CONFIDENTIAL in client.get(url).content.decode()  # the results are cached now

    change_version(version=IndicatorVersion.objects.get(indicator__code="VINRN1", year=2024),
                   values={"confidential_below": 0}, user=analyst)  # fmt: skip

    text = article(client.get(url).content.decode(), "VINRN1")
    assert "<strong>3</strong>" in text and "<td>3</td>" in text
    # 2023's 2 under 2023's threshold, as Nybro's count and as its kommungrupp's sum (Nybro alone).
    assert text.count(CONFIDENTIAL) == 2


def test_the_county_page_withholds_a_units_small_count_and_a_small_sum(client, published):
    withholding(5)
    response = client.get(reverse("reporting:county-page", kwargs={"year": 2024, "county_code": "08"}))
    nybro = next(row for row in response.context["page"].units if row.unit.code == "0881")
    assert [str(cell) for cell in nybro.cells] == ["Nej", "Ja", ".."] and nybro.cells[2].withheld
    assert CONFIDENTIAL in response.content.decode()

    withholding(20)  # an analyst's stricter threshold: the county's and the country's sum 15 are withheld too
    IndicatorVersion.objects.filter(indicator__code="VINRN1", year=2024).first().save()  # as the form saves
    response = client.get(reverse("reporting:county-page", kwargs={"year": 2024, "county_code": "08"}))
    row = rows_by_code(response.context["page"])["VINRN1"]
    assert (row.county, row.country, row.current.county_withheld, row.current.country_withheld) == (
        None, None, True, True,
    )  # fmt: skip
    text = article(response.content.decode(), "VINRN1")
    assert '<abbr title="Sekretess: färre än 20 personer">' in text and "15" not in text
    assert not any(line.dots for line in row.chart.lines)  # 12 (2023) and 15: the chart draws neither


def test_the_pages_show_the_units_behind_each_share_and_sum(client, published):
    values = published[2024]
    county_vinr02 = [values["VINR02"][code] for code in KALMAR_LAN if values["VINR02"][code] is not None]
    country_vinr02 = [value for value in values["VINR02"].values() if value is not None]

    county = client.get(reverse("reporting:county-page", kwargs={"year": 2024, "county_code": "08"}))
    country = client.get(reverse("reporting:country-page", kwargs={"year": 2024}))

    county_text = article(county.content.decode(), "VINR02")
    assert f"{share(county_vinr02)} %" in county_text  # 67 %
    assert f"{sum(county_vinr02)} av {len(county_vinr02)} svarande kommuner" in county_text  # 2 av 3
    country_text = article(country.content.decode(), "VINR02")
    assert f"{sum(country_vinr02)} av {len(country_vinr02)} svarande kommuner" in country_text  # 2 av 4
    assert "från 2 svarande kommuner" in article(country.content.decode(), "VINRN1")  # 12 + 3
    assert "66,7" not in county_text and "66.7" not in county_text  # whole percent only


def test_units_behind_a_figure_name_city_districts_where_they_answered():
    with translation.override("sv"):
        assert units_behind(Figure(Decimal(12), 28, "share"), with_districts=True) == (
            "12 av 28 svarande kommuner och stadsdelar"
        )
        assert units_behind(Figure(Decimal(1), 1, "share"), with_districts=False) == "1 av 1 svarande kommun"
        assert units_behind(Figure(Decimal(40), 28, "sum"), with_districts=False) == "från 28 svarande kommuner"
        assert units_behind(Figure(Decimal(0), 0, "share"), with_districts=True) == ""


def skr_members(year: int, unit_code: str) -> set[str]:
    """The codes of the units in `unit_code`'s SKR group of `year`, read from the register."""
    membership = GroupMembership.objects.get(unit__code=unit_code, year=year, grouping__code__startswith="skr")
    return set(GroupMembership.objects.filter(year=year, group=membership.group).values_list("unit__code", flat=True))


@pytest.fixture
def with_skr_peers(published, analyst):
    """Kalmar's peers: Växjö, Kristianstad (C6 → B3 like Kalmar) and Uppsala are B3 from 2023;
    Oskarshamn is C6 in both groupings, Kalmar's group in 2022."""
    values = {
        2022: {"0880": 0, "0882": 1, "0780": 1},
        2024: {"0780": 1, "1290": 0, "0380": 0},
    }
    make_version("VINR02", 2022)
    for year, units in values.items():
        for unit_code, value in units.items():
            set_value(year, unit_code, "VINR02", value)
        publish_year(year=year, user=analyst, reason="Fler kommuner." if year == 2024 else "")
    every = {year: {**published.get(year, {}).get("VINR02", {}), **units} for year, units in values.items()}
    every[2023] = published[2023]["VINR02"]
    return every


def test_the_unit_page_compares_with_the_units_kommungrupp_of_each_year(client, with_skr_peers):
    response = client.get(reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0880"}))
    page = response.context["page"]
    row = rows_by_code(page)["VINR02"]
    expected = {
        year: share([value for code, value in with_skr_peers[year].items() if code in skr_members(year, "0880")])
        for year in (2022, 2023, 2024)
    }
    assert expected == {2022: 50, 2023: 0, 2024: 50}  # 2022: Kalmar 0, Oskarshamn 1 (C6); 2024: 2 of 4 (B3)
    assert (row.skr_group.code, row.skr_value) == ("B3", expected[2024])
    assert [(p.year, p.skr_group.code, p.skr_value) for p in row.trend] == [
        (2022, "C6", expected[2022]),
        (2023, "B3", expected[2023]),
        (2024, "B3", expected[2024]),
    ]
    # The group's line breaks where Kalmar moves from C6 (2017 grouping) to B3 (2023 grouping).
    group_lines = [line for line in row.chart.lines if line.label == "Kommungrupp (SKR)"]
    assert [(len(line.segments), len(line.dots)) for line in group_lines] == [(0, 1), (1, 0)]
    text = response.content.decode()
    assert (
        "Kalmar tillhör 2024 kommungruppen Större stad (B3) i SKR:s kommungruppsindelning 2023 och "
        "storleksklassen 50 000–99 999 invånare."
    ) in text
    assert f'Kommungrupp (SKR): Större stad (B3)</dt>\n    <dd class="col-5">{expected[2024]} %' in text
    assert '<th scope="col" class="text-end">Kommungrupp (SKR)</th>' in text
    assert f'{expected[2022]} %\n (<abbr title="Mindre stad/tätort">C6</abbr>)' in text  # 2022 in the table
    assert "Prickad linje: kommungruppen (SKR) för varje år" in text


def test_a_year_without_an_skr_grouping_says_so_instead_of_an_empty_figure(client, published, analyst):
    make_version("VINR02", 2016)
    set_value(2016, "0880", "VINR02", 1)
    publish_year(year=2016, user=analyst)
    response = client.get(reverse("reporting:unit-page", kwargs={"year": 2016, "code": "0880"}))
    row = rows_by_code(response.context["page"])["VINR02"]
    assert row.skr_group is None and row.skr_value is None
    text = response.content.decode()
    assert (
        "SKR:s kommungruppsindelning som gällde 2016 finns inte i registret, så resultaten 2016 jämförs inte med "
        "någon kommungrupp. Kalmar tillhör 2016 storleksklassen 50 000–99 999 invånare."
    ) in text
    assert "ingen kommungrupp 2016" in text


def test_a_district_is_compared_with_its_citys_kommungrupp(client, published, analyst):
    set_value(2024, "0180-08", "VINR02", 1)
    publish_year(year=2024, user=analyst, reason="Södermalm hade svarat.")
    response = client.get(reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0180-08"}))
    assert rows_by_code(response.context["page"])["VINR02"].skr_group.code == "A1"
    assert (
        "Södermalm tillhör 2024, som stadsdel i Stockholm, kommungruppen Storstäder (A1) i SKR:s "
        "kommungruppsindelning 2023 och storleksklassen 100 000 invånare eller fler."
    ) in response.content.decode()


def test_a_corrected_membership_changes_the_published_group_figure_without_a_new_publication(client, published):
    """An install loaded before the 2023 grouping was corrected: the page was served (and cached)
    with Kalmar in another group; loading the register again shows its true group at once."""
    b3 = GroupMembership.objects.get(unit__code="0880", year=2024, grouping__code="skr-2023").group
    c6 = b3.grouping.groups.get(code="C6")
    GroupMembership.objects.filter(unit__code="0880", year=2024, grouping__code="skr-2023").update(group=c6)
    url = reverse("reporting:unit-page", kwargs={"year": 2024, "code": "0880"})
    assert rows_by_code(client.get(url).context["page"])["VINR02"].skr_group.code == "C6"

    load_register()

    row = rows_by_code(client.get(url).context["page"])["VINR02"]
    b3_values = [v for code, v in published[2024]["VINR02"].items() if code in skr_members(2024, "0880")]
    assert (row.skr_group.code, row.skr_value) == ("B3", share(b3_values))
