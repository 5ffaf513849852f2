"""The analyst's pages: the results of a year with its county table, recomputing, publishing and
importing history; who may reach each."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Publication, PublishedValue, UnitResult
from indicators.services.history import import_results
from indicators.services.publication import publish_year
from survey.models import Response
from tests.survey.round_helpers import load_round_2024

from .history_helpers import answer_and_submit, csv_bytes, make_version, make_versions

pytestmark = pytest.mark.django_db


@pytest.fixture
def history_2018(analyst):  # noqa: ANN001, ANN201
    """VINR02 in 2018 for Kalmar län: 1 of 8 (12.5 % → 13); VINRN1 for two units."""
    make_versions(["VINR02", "VINRN1"], [2018])
    units = ["0880", "0881", "0882", "0883", "0884", "0885", "0860", "0861"]
    rows = [(2018, unit, "VINR02", 1 if index == 0 else 0) for index, unit in enumerate(units)]
    rows += [(2018, "0880", "VINRN1", "12,5"), (2018, "0881", "VINRN1", "3")]
    assert import_results(data=csv_bytes(rows, delimiter=";"), filename="h.csv", user=analyst).ok


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("indicators:year-results", {"year": 2018}),
        ("indicators:year-publish", {"year": 2018}),
        ("indicators:history-import", {}),
    ],
)
def test_staff_pages_are_closed_to_respondents_and_visitors(client, respondent, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(respondent)
    assert client.get(url).status_code == 403


def test_coordinators_read_the_results_but_neither_compute_publish_nor_import(client, coordinator, history_2018):
    client.force_login(coordinator)

    page = client.get(reverse("indicators:year-results", kwargs={"year": 2018}))

    assert page.status_code == 200
    assert reverse("indicators:year-publish", kwargs={"year": 2018}) not in page.content.decode()
    assert client.post(reverse("indicators:year-compute", kwargs={"year": 2018})).status_code == 403
    assert client.get(reverse("indicators:year-publish", kwargs={"year": 2018})).status_code == 403
    assert client.post(reverse("indicators:year-publish", kwargs={"year": 2018})).status_code == 403
    assert client.get(reverse("indicators:history-import")).status_code == 403
    assert not Publication.objects.exists()


def test_the_results_page_shows_the_national_values_their_source_and_a_county_table(client, analyst, history_2018):
    client.force_login(analyst)

    page = client.get(reverse("indicators:year-results", kwargs={"year": 2018}), {"indicator": "VINR02"})

    assert page.status_code == 200
    rows = {row.code: row for row in page.context["overview"]}
    schooling, shelter = rows["VINR02"], rows["VINRN1"]
    assert (schooling.numerator, schooling.denominator, schooling.display_value) == (1, 8, 13)
    assert (schooling.source, schooling.units_with_value) == ("imported", 8)
    assert (shelter.numerator, shelter.denominator, shelter.display_value) == (Decimal("15.5"), 2, Decimal("15.5"))
    counties = {row.county.code: row for row in page.context["counties"]}
    assert (counties["08"].numerator, counties["08"].denominator, counties["08"].display_value) == (1, 8, 13)
    assert counties["01"].aggregate is None
    text = page.content.decode()
    assert "13 %" in text and "15,5" in text
    assert "Preliminärt" in text or "Preliminary" in text
    assert reverse("indicators:year-publish", kwargs={"year": 2018}) in text


def test_the_results_page_shows_the_publication_state(client, coordinator, analyst, history_2018):
    publish_year(year=2018, user=analyst)
    client.force_login(coordinator)

    page = client.get(reverse("indicators:year-results", kwargs={"year": 2018}))

    assert page.context["publications"][0].revision == 1
    assert reverse("indicators:revision-log") in page.content.decode()


def test_compute_again_takes_only_a_post_and_recomputes_the_year(client, coordinator, analyst):
    round_ = load_round_2024()
    make_version("VINR03", 2024, with_rule=True)
    answer_and_submit(Response.objects.select_related("round").get(round=round_, unit__code="0880"), coordinator)
    client.force_login(analyst)
    url = reverse("indicators:year-compute", kwargs={"year": 2024})

    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)

    assert response.redirect_chain[-1][0] == reverse("indicators:year-results", kwargs={"year": 2024})
    assert UnitResult.objects.get(year=2024, unit__code="0880", indicator__code="VINR03").value == 1
    assert "2024" in str(list(response.context["messages"])[0])


def test_the_publish_page_shows_what_will_happen_and_publishes(client, analyst, history_2018):
    client.force_login(analyst)
    url = reverse("indicators:year-publish", kwargs={"year": 2018})

    first = client.get(url)
    assert first.status_code == 200 and first.context["plan"].is_first and first.context["plan"].values == 10

    assert client.post(url, {"reason": ""})["Location"] == reverse("indicators:year-results", kwargs={"year": 2018})
    assert PublishedValue.objects.filter(year=2018).count() == 10

    import_results(data=csv_bytes([(2018, "0881", "VINR02", 1)]), filename="r.csv", user=analyst)
    preview = client.get(url)
    assert "Nybro (0881)" in preview.content.decode()
    changes = [(c.unit.code, c.old_text, c.new_text) for c in preview.context["plan"].changes]
    assert len(changes) == 8 and ("0880", "Ja", "–") in changes and ("0881", "Nej", "Ja") in changes

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    assert client.post(url, {"reason": "Nya uppgifter från Nybro"}).status_code == 302
    assert Publication.objects.get(year=2018, revision=2).changes.count() == 8


def test_the_upload_page_checks_and_imports_a_file(client, analyst):
    make_version("VINR02", 2017)
    client.force_login(analyst)
    url = reverse("indicators:history-import")
    assert client.get(url).status_code == 200

    def upload(data: bytes, **fields: object):  # noqa: ANN202
        return client.post(url, {"file": SimpleUploadedFile("historik.csv", data, "text/csv"), **fields})

    bad = upload(csv_bytes([(2017, "0880", "VINR02", "ja")]), dry_run="on")
    assert bad.context["report"].errors and "rad 2, kolumn value" in bad.content.decode()
    checked = upload(csv_bytes([(2017, "0880", "VINR02", 1)]), dry_run="on")
    assert checked.context["report"].ok and not UnitResult.objects.exists()
    imported = upload(csv_bytes([(2017, "0880", "VINR02", 1)]))
    assert imported.context["report"].values == 1
    assert UnitResult.objects.get().source == UnitResult.Source.IMPORTED


def test_the_revision_log_is_public(client):
    assert client.get(reverse("indicators:revision-log")).status_code == 200
