"""The staff start page says what to do now: the coordinator sees the open round (days left, the
response rate per part against last year on the same day, units without contacts, e-mails waiting or
failed, open flags); the analyst sees each year's state with the next step."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.models import OutgoingEmail
from indicators.models import ResultCheck, UnitResult
from indicators.services.publication import publish_year
from reporting.models import Export
from survey.models import Part, PartSubmission, ReportingUnit, Response, SurveyRound
from tests.indicators.history_helpers import make_version
from tests.survey.round_helpers import add_contact

pytestmark = pytest.mark.django_db


YEAR_ROW = re.compile(r"<tr>\s*<th scope=\"row\"><a[^>]*>(\d{4})</a></th>(.*?)</tr>", re.S)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def year_rows(html: str) -> dict[int, str]:
    """The start page's table of years: each year's row as text."""
    return {int(year): text(row) for year, row in YEAR_ROW.findall(html)}


def test_the_coordinator_sees_the_open_round_against_last_year(client, coordinator, open_round_2024):
    now = timezone.now()
    call_command("load_questionnaire", "survey/questionnaires/vinr-2024.md", "--year", "2023")
    year_ago = timedelta(days=365)
    SurveyRound.objects.filter(year=2023).update(
        opens_at=open_round_2024.opens_at - year_ago, closes_at=open_round_2024.closes_at - year_ago
    )
    invited_2023 = Response.objects.filter(round__year=2023).count()
    first_two = list(Response.objects.filter(round__year=2023).order_by("unit__code")[:2])
    allman_2023 = Part.objects.get(round__year=2023, code="allman")
    for response in first_two:  # two units submitted on the first day last year
        PartSubmission.objects.create(
            response=response, part=allman_2023, submitted_at=open_round_2024.opens_at - year_ago + timedelta(hours=1)
        )
    add_contact("0880", "Anna Lind", "anna.lind@kalmar.se")
    OutgoingEmail.objects.create(key="a", kind="reminder", to="a@kommun.example.se", subject="s", body="b",
                                 created_at=now)  # fmt: skip
    OutgoingEmail.objects.create(key="b", kind="reminder", to="b@kommun.example.se", subject="s", body="b",
                                 created_at=now, attempts=2, last_error="SMTP 451")  # fmt: skip
    ResultCheck.objects.create(year=2023, unit=ReportingUnit.objects.get(code="0880"),
                               indicator=make_version("VINR02", 2023).indicator, status="flagged",
                               comment="Fel", checked_at=now)  # fmt: skip
    client.force_login(coordinator)

    page = text(client.get("/").content.decode())

    invited = Response.objects.filter(round=open_round_2024).count()
    assert "Öppna enkätomgångar" in page
    assert "9 dagar kvar" in page
    last_year = f"{Decimal(200) / invited_2023:.1f}".replace(".", ",")
    allman = Part.objects.get(round=open_round_2024, code="allman").label
    assert f"{allman} 0,0 % {last_year} %" in page
    assert f"{invited - 1} enheter saknar kontaktperson" in page
    assert "1 e-postmeddelande väntar på att skickas" in page
    assert "1 e-postmeddelande misslyckades och skickas igen" in page
    assert "1 öppen flagga på de preliminära resultaten 2023" in page


def test_the_analyst_sees_each_years_state_and_the_next_step(client, analyst, admin_user):
    now = timezone.now()
    kalmar = ReportingUnit.objects.get(code="0880")
    for year in (2022, 2023):
        version = make_version("VINR02", year)
        UnitResult.objects.create(year=year, unit=kalmar, indicator=version.indicator, value=1,
                                  source="imported", updated_at=now)  # fmt: skip
    publish_year(year=2022, user=admin_user, now=now - timedelta(days=2))
    Export.objects.create(year=2022, status="done", progress=100, file=b"PK", size=2, finished_at=now)
    client.force_login(analyst)

    page = client.get("/").content.decode()

    rows = year_rows(page)
    assert "inte publicerat" in rows[2023] and "Publicera resultaten." in rows[2023]
    assert "revision 1" in rows[2022] and "sparad" in rows[2022] and "Inget att göra." in rows[2022]
    assert reverse("indicators:year-results", kwargs={"year": 2023}) in page
    # A new revision of 2022 after the file was made: the file is older than the publication.
    UnitResult.objects.filter(year=2022).update(value=0)
    publish_year(year=2022, user=admin_user, reason="Rättat svar", now=now + timedelta(minutes=1))
    Export.objects.filter(year=2022).update(created_at=now)
    rows = year_rows(client.get("/").content.decode())
    assert "revision 2" in rows[2022] and "äldre än senaste publiceringen" in rows[2022]
    assert "Skapa resultatfilen." in rows[2022]


def test_the_coordinator_is_not_sent_to_the_analysts_pages(client, coordinator, admin_user):
    kalmar = ReportingUnit.objects.get(code="0880")
    version = make_version("VINR02", 2022)
    UnitResult.objects.create(year=2022, unit=kalmar, indicator=version.indicator, value=1, source="imported",
                              updated_at=timezone.now())  # fmt: skip
    client.force_login(coordinator)
    page = client.get("/").content.decode()
    assert "Publicera resultaten. (analytikerna)" in year_rows(page)[2022]
    assert reverse("indicators:year-results", kwargs={"year": 2022}) in page  # the year's page, which staff read
