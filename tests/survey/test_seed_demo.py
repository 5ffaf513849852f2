import pytest
from django.core.management import call_command
from django.utils import timezone

from survey.models import SurveyRound

pytestmark = pytest.mark.django_db


def test_the_demo_round_is_open_now_and_made_once(capsys):
    call_command("seed_demo")
    survey_round = SurveyRound.objects.get(year=timezone.localdate().year)
    assert survey_round.is_open(now=timezone.now())
    assert survey_round.responses.count() == 303
    call_command("seed_demo")
    assert "exists already" in capsys.readouterr().out
    assert SurveyRound.objects.count() == 1
