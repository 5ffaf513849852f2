"""One small world for the access tests and the API fuzzing: the 2024 round open, Kalmar (0880, the
`respondent` fixture's unit) and Nybro (0881, another unit) with answers, the part `allman` submitted
and `vinr` complete but not submitted, a contact each, a flagged result, a finished export and a
published year (2023), so that every page has something to show and a refusal cannot hide behind a
404 for missing data."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from indicators.models import ResultCheck, UnitResult
from indicators.services.publication import publish_year
from reporting.models import Export
from survey.models import Contact, Part, ReportingUnit, Response, SurveyRound
from survey.services import Change, save_answers, submit_part
from tests.factories import UserFactory
from tests.indicators.history_helpers import make_version
from tests.survey.round_helpers import COMPLETE_ALLMAN, COMPLETE_VINR

OWN_UNIT, OTHER_UNIT = "0880", "0881"
PUBLISHED_YEAR = 2023


@dataclass(frozen=True)
class World:
    responses: dict[str, Response]  # by unit code
    contacts: dict[str, Contact]  # by unit code
    flag: ResultCheck
    export: Export


def build_world() -> World:
    call_command("load_questionnaire", "survey/questionnaires/vinr-2024.md", "--year", "2024")
    now = timezone.now()
    SurveyRound.objects.filter(year=2024).update(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9))
    staff = UserFactory(role="admin", is_staff=True, is_superuser=True)
    allman = Part.objects.get(round__year=2024, code="allman")
    responses, contacts = {}, {}
    for code in (OWN_UNIT, OTHER_UNIT):
        response = Response.objects.get(round__year=2024, unit__code=code)
        answers = {**COMPLETE_ALLMAN, **COMPLETE_VINR}
        save_answers(response=response, changes={k: Change(v) for k, v in answers.items()}, user=staff)
        submit_part(response=response, part=allman, user=staff, notify=False)
        responses[code] = response
        contacts[code] = Contact.objects.create(
            unit=response.unit, name=f"Kontakt {code}", email=f"kontakt{code}@kommun.example.se"
        )
    vinr02 = make_version("VINR02", 2024, with_rule=True).indicator
    make_version("VINR02", PUBLISHED_YEAR)
    for code in (OWN_UNIT, OTHER_UNIT):
        UnitResult.objects.create(
            year=PUBLISHED_YEAR, unit=ReportingUnit.objects.get(code=code), indicator=vinr02,
            value=Decimal(1), source="imported", updated_at=now,
        )  # fmt: skip
    publish_year(year=PUBLISHED_YEAR, user=staff, now=now - timedelta(days=30))
    flag = ResultCheck.objects.create(
        year=2024, unit=responses[OWN_UNIT].unit, indicator=vinr02, status=ResultCheck.Status.FLAGGED,
        comment="Fel värde", checked_at=now,
    )  # fmt: skip
    export = Export.objects.create(
        year=PUBLISHED_YEAR, status=Export.Status.DONE, progress=100, file=b"PK\x03\x04", size=4,
        created_by=staff, finished_at=now,
    )  # fmt: skip
    return World(responses=responses, contacts=contacts, flag=flag, export=export)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    """Built once per module: each test's transaction is a savepoint inside this one, which rolls back
    at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
