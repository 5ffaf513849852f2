"""Results files that are never stale: every publication or revision of a year builds that year's
file again (and the files of later published years, which show it too); the public link serves the
newest file and the results index says which revision it shows."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.services.history import import_results
from indicators.services.publication import publish_year
from reporting.models import Export
from tests.indicators.history_helpers import csv_bytes

from .export_helpers import publish_two_years

pytestmark = pytest.mark.django_db


def about_sheet(content: bytes) -> dict[str, str]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    sheet = workbook["Om filen"]
    return {str(row[0]): str(row[1]) for row in sheet.iter_rows(values_only=True) if row[0]}


def public_file(client, year: int) -> dict[str, str]:  # noqa: ANN001
    response = client.get(reverse("exports:results-file", kwargs={"year": year}))
    assert response.status_code == 200
    return about_sheet(b"".join(response.streaming_content) if response.streaming else response.content)


def test_a_revision_rebuilds_the_public_file_and_the_link_serves_it(client, analyst,
                                                                   django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        publish_two_years(analyst)  # 2021, then 2024: each publication builds its files
    assert set(Export.objects.filter(status="done").values_list("year", "revision")) == {(2021, 1), (2024, 1)}
    assert public_file(client, 2024)["Publicerat 2024"].startswith("Revision 1, ")

    import_results(data=csv_bytes([(2024, "0880", "VINR02", 1), (2024, "0881", "VINR02", 0)]),
                   filename="rattelse.csv", user=analyst)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        publish_year(year=2024, user=analyst, reason="Rättade värden för Kalmar och Nybro")

    about = public_file(client, 2024)
    assert about["Publicerat 2024"].startswith("Revision 2, ") and about["Publicerat 2021"].startswith("Revision 1, ")
    assert Export.objects.filter(year=2024, status="done").order_by("-finished_at").first().revision == 2
    index = client.get(reverse("reporting:results-index")).content.decode()
    assert "Visar revision 2, byggd" in index

    # A revision of 2021 is in the 2024 file too: both are built again.
    import_results(data=csv_bytes([(2021, "0880", "VINR03", 0), (2021, "0881", "VINR03", 1)]),
                   filename="rattelse.csv", user=analyst)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        publish_year(year=2021, user=analyst, reason="Rättelse 2021")
    assert public_file(client, 2021)["Publicerat 2021"].startswith("Revision 2, ")
    assert public_file(client, 2024)["Publicerat 2021"].startswith("Revision 2, ")


def test_the_export_page_shows_the_rebuilt_files_with_their_revision(client, analyst,
                                                                     django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        publish_two_years(analyst)
    client.force_login(analyst)
    page = client.get(reverse("exports:export-list")).content.decode()
    assert page.count("systemet") >= 2 and "Klar" in page
