"""Hand-made statuses for the monitor's tests (test_monitor.py, test_response_rates_command.py)."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from survey.models import (
    Answer,
    Contact,
    Group,
    GroupMembership,
    Invitation,
    Part,
    PartSubmission,
    Question,
    ReportingUnit,
    Response,
    SurveyRound,
)

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
SKR_C7_2024 = ["0821", "0834", "0840", "0860", "0861", "0862", "0880", "0881", "0882", "0883", "0884", "0885",
               "0114", "0115", "0117", "0120"]  # fmt: skip


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def submit(survey_round: SurveyRound, code: str, part: str, when: datetime | None = None) -> None:
    PartSubmission.objects.create(
        response=Response.objects.get(round=survey_round, unit__code=code),
        part=Part.objects.get(round=survey_round, code=part),
        submitted_at=when or timezone.now(),
    )


def answer(survey_round: SurveyRound, code: str, part: str, when: datetime | None = None) -> None:
    Answer.objects.create(
        response=Response.objects.get(round=survey_round, unit__code=code),
        question=Question.objects.filter(part__round=survey_round, part__code=part).first(),
        value="ja",
        updated_at=when or timezone.now(),
    )


def invite(survey_round: SurveyRound, contact: Contact) -> None:
    Invitation.objects.create(
        round=survey_round,
        contact=contact,
        token_hash=f"hash-{contact.pk}",
        created_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=30),
    )


@pytest.fixture
def statuses(open_round_2024):
    """Kalmar län (08): 0880 submitted both parts, 0881 started vinr, 0882 submitted vinr and started
    allman. Elsewhere: 0114 submitted vinr, 0115 started allman. Contacts of 0880 and 0114 are invited.
    SKR kommungrupp C7 has 16 members in 2024 (by hand: the shipped data has none after 2022)."""
    survey_round = open_round_2024
    now = timezone.now()
    submit(survey_round, "0880", "allman", now - timedelta(hours=5))
    submit(survey_round, "0880", "vinr", now - timedelta(hours=4))
    answer(survey_round, "0881", "vinr", now - timedelta(hours=3))
    submit(survey_round, "0882", "vinr", now - timedelta(hours=2))
    answer(survey_round, "0882", "allman", now - timedelta(hours=1))
    submit(survey_round, "0114", "vinr", now - timedelta(hours=6))
    answer(survey_round, "0115", "allman", now - timedelta(hours=7))
    units = {unit.code: unit for unit in ReportingUnit.objects.filter(code__in=SKR_C7_2024 + ["0127"])}
    invite(survey_round, Contact.objects.create(unit=units["0880"], name="Anna Ansvarig", email="anna@kalmar.se"))
    Contact.objects.create(unit=units["0880"], name="Bo Medhjälpare", email="bo@kalmar.se", role="co_respondent")
    invite(survey_round, Contact.objects.create(unit=units["0114"], name="Cilla", email="cilla@vasby.se",
                                                role="co_respondent"))  # fmt: skip
    Contact.objects.create(unit=units["0881"], name="Dan Ej Inbjuden", email="dan@nybro.se")
    c7 = Group.objects.get(grouping__code="skr-2017", code="C7")
    GroupMembership.objects.bulk_create(
        [GroupMembership(grouping=c7.grouping, group=c7, unit=units[code], year=2024) for code in SKR_C7_2024]
        + [GroupMembership(grouping=c7.grouping, group=c7, unit=units["0127"], year=2023)]
    )
    return survey_round


@pytest.fixture
def two_years(open_round_2024):
    """2023 and 2024 fielded 1 February to 21 March (Stockholm time); 2024 is a leap year: 50 days."""
    call_command("load_questionnaire", "survey/questionnaires/vinr-2023.md", "--year", "2023")
    SurveyRound.objects.filter(year=2024).update(opens_at=local(2024, 2, 1, 9), closes_at=local(2024, 3, 21, 23, 59))
    round_2023, round_2024 = SurveyRound.objects.get(year=2023), SurveyRound.objects.get(year=2024)
    submit(round_2023, "0880", "vinr", local(2023, 2, 1, 10))
    submit(round_2023, "0881", "vinr", local(2023, 2, 1, 23, 30))  # still day 1 in Sweden, 22:30 UTC
    submit(round_2023, "0882", "vinr", local(2023, 2, 3, 12))
    submit(round_2023, "0883", "allman", local(2023, 2, 2, 12))  # another part: not in the vinr line
    submit(round_2024, "0880", "vinr", local(2024, 2, 1, 12))
    submit(round_2024, "0881", "vinr", local(2024, 2, 2, 0, 30))  # 1 February 23:30 UTC: day 2 in Sweden
    return round_2023, round_2024
