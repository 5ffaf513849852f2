"""Publication with its checks in view: the publish page shows the response rate, how the units
checked their results, open flags and running extensions; an open round or extension refuses the
publication, and other warnings need a confirmation that the audit event keeps."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from indicators.models import Indicator, Publication, ResultCheck, UnitResult
from indicators.services.publication import ConfirmationNeeded, PublicationBlocked, publish_year
from survey.models import PartSubmission, ReportingUnit, Response
from tests.indicators.history_helpers import make_version
from tests.survey.round_helpers import load_round_2024

pytestmark = pytest.mark.django_db


def result(unit_code: str, value: int) -> None:
    UnitResult.objects.create(
        year=2024, unit=ReportingUnit.objects.get(code=unit_code), indicator=Indicator.objects.get(code="VINR02"),
        value=value, source="computed", updated_at=timezone.now(),
    )  # fmt: skip


def submit_all(survey_round, unit_code: str) -> None:  # noqa: ANN001
    response = Response.objects.get(round=survey_round, unit__code=unit_code)
    for part in survey_round.parts.all():
        PartSubmission.objects.create(response=response, part=part, submitted_at=timezone.now())


@pytest.fixture
def round_2024():
    survey_round = load_round_2024()
    make_version("VINR02", 2024, with_rule=True)
    for code in ("0880", "0881", "0882"):
        submit_all(survey_round, code)
        result(code, 1)
    return survey_round


def move_round(survey_round, *, opens: timedelta, closes: timedelta) -> None:  # noqa: ANN001
    now = timezone.now()
    survey_round.opens_at, survey_round.closes_at = now + opens, now + closes
    survey_round.save()


def test_publishing_an_open_round_is_refused_with_the_reason(client, analyst, round_2024):
    move_round(round_2024, opens=timedelta(days=-30), closes=timedelta(days=14))
    client.force_login(analyst)
    url = reverse("indicators:year-publish", kwargs={"year": 2024})
    page = client.get(url).content.decode()
    assert "Resultaten kan inte publiceras än:" in page
    refused = client.post(url, {"reason": "", "confirmed": "on"})
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "Enkäten för 2024 är öppen till " in text and "resultaten kan publiceras när den har stängt." in text
    assert not Publication.objects.exists()
    with pytest.raises(PublicationBlocked):
        publish_year(year=2024, user=analyst, confirmed=True)


def test_an_extension_still_running_refuses_the_publication(analyst, round_2024):
    move_round(round_2024, opens=timedelta(days=-60), closes=timedelta(days=-2))
    late = Response.objects.get(round=round_2024, unit__code="0884")
    late.extended_until = timezone.now() + timedelta(days=5)
    late.save()
    with pytest.raises(PublicationBlocked, match="1 enhet har förlängd svarstid till "):
        publish_year(year=2024, user=analyst, confirmed=True)
    # A unit with an extension that has submitted everything changes nothing more.
    submit_all(round_2024, "0884")
    publish_year(year=2024, user=analyst, confirmed=True)
    assert Publication.objects.filter(year=2024).exists()


def test_the_page_shows_the_checks_and_warnings_need_a_confirmation_kept_in_the_audit(client, analyst, round_2024):
    move_round(round_2024, opens=timedelta(days=-60), closes=timedelta(days=-2))
    now = timezone.now()
    vinr02 = Indicator.objects.get(code="VINR02")
    for code, status in (("0880", ResultCheck.Status.CONFIRMED), ("0881", ResultCheck.Status.FLAGGED)):
        ResultCheck.objects.create(year=2024, unit=ReportingUnit.objects.get(code=code), indicator=vinr02,
                                   status=status, checked_at=now)  # fmt: skip
    client.force_login(analyst)
    url = reverse("indicators:year-publish", kwargs={"year": 2024})
    checks = client.get(url).context["checks"]
    assert (checks.confirmed_units, checks.flagged_units, checks.unchecked_units, checks.open_flags) == (1, 1, 1, 1)
    page = client.get(url).content.decode()
    assert "Svarsfrekvens, Våld i nära relationer" in page
    warnings = ["1 svarande enhet har inte granskat sina resultat.", "1 flagga från enheterna är fortfarande öppen."]
    assert all(warning in page for warning in warnings)

    unconfirmed = client.post(url, {"reason": ""})
    assert "Bekräfta varningarna för att publicera." in unconfirmed.content.decode()
    assert not Publication.objects.exists()
    with pytest.raises(ConfirmationNeeded):
        publish_year(year=2024, user=analyst)

    assert client.post(url, {"reason": "", "confirmed": "on"}).status_code == 302
    event = AuditEvent.objects.get(code="indicators.results.published")
    assert event.actor == analyst and event.data["confirmed_warnings"] == warnings
