from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from survey.models import SurveyRound

pytestmark = pytest.mark.django_db

SHIPPED = Path(__file__).resolve().parents[2] / "survey" / "questionnaires"


def upload(client, name: str, content: bytes, year: int = 2030):  # noqa: ANN001, ANN201
    return client.post(
        reverse("survey:questionnaire-upload"), {"year": year, "file": SimpleUploadedFile(name, content)}
    )


def test_a_coordinator_loads_a_questionnaire(client, coordinator):
    client.force_login(coordinator)
    response = upload(client, "vinr-2024.md", (SHIPPED / "vinr-2024.md").read_bytes())
    assert response.status_code == 302
    survey_round = SurveyRound.objects.get(year=2030)
    assert survey_round.questions.count() == 21
    listing = client.get(response["Location"]).content.decode()
    assert "lästes in med 21 frågor" in listing and "vinr-2024.md" in listing


def test_an_invalid_file_lists_each_problem_and_loads_nothing(client, coordinator):
    client.force_login(coordinator)
    bad = (SHIPPED / "vinr-2024.md").read_text().replace("select_one janej | fortb_barn", "rank janej | fortb_barn")
    response = upload(client, "vinr-fel.md", bad.encode())
    content = response.content.decode()
    assert "Filen lästes inte in; ingenting har ändrats" in content
    assert "blad survey, rad 12, kolumn type: Typen rank janej stöds inte." in content
    assert not SurveyRound.objects.exists()


def test_only_xlsx_and_markdown_are_accepted(client, coordinator):
    client.force_login(coordinator)
    content = upload(client, "vinr.exe", b"MZ...").content.decode()
    assert "Ladda upp en .xlsx- eller .md-fil." in content


def test_an_analyst_cannot_load_questionnaires(client, analyst):
    client.force_login(analyst)
    assert upload(client, "vinr-2024.md", (SHIPPED / "vinr-2024.md").read_bytes()).status_code == 403
    assert client.get(reverse("survey:round-list")).status_code == 200
