"""make run's set-up recomputes only the years whose results are missing or not computed from the
answers there now (indicators.selectors.freshness), so that a second make run does not recompute
every year, and a first one never publishes results computed before the answers were there."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from demo.management.commands.setup_demo import Command
from indicators.models import UnitResult, YearComputation
from indicators.selectors.freshness import stale_years
from indicators.services.computation import compute_indicators
from survey.models import Answer, AnswerChange, Part, PartSubmission, ReportingUnit, Response
from tests.factories import UserFactory
from tests.indicators.history_helpers import answer_and_submit, make_version
from tests.survey.round_helpers import load_round_2024

pytestmark = pytest.mark.django_db


def compute_step() -> str:
    out = io.StringIO()
    command = Command(stdout=out)
    command.compute()
    return out.getvalue()


def test_a_year_is_recomputed_only_when_its_answers_changed_after_its_computation(django_capture_on_commit_callbacks):
    survey_round = load_round_2024()
    make_version("VINR02", 2024, with_rule=True)
    kalmar = Response.objects.get(round=survey_round, unit__code="0880")
    with django_capture_on_commit_callbacks(execute=False):  # no recomputation after the submissions
        answer_and_submit(kalmar, UserFactory(role="admin"))
    assert stale_years([2024]) == [2024]  # never computed
    assert "2024: " in compute_step()
    assert YearComputation.objects.get(year=2024).computed_at <= timezone.now()
    assert stale_years([2024]) == []
    assert compute_step() == "Every year's results are up to date.\n"

    # A submission after the computation (a part submitted again): 2024 is stale again.
    part = Part.objects.get(round=survey_round, code="vinr")
    PartSubmission.objects.filter(response=kalmar, part=part).update(submitted_at=timezone.now() + timedelta(seconds=1))
    assert stale_years([2024]) == [2024]
    compute_indicators(years=[2024], now=timezone.now() + timedelta(seconds=2))
    assert stale_years([2024]) == []


def test_answers_written_after_the_computation_with_an_earlier_time_make_the_year_stale(
    django_capture_on_commit_callbacks,
):
    """The demo and an answers import write answers with the time they were given, before the
    computation that did not see them (make run computed when the catalogue was loaded, then seeded
    the answers, and published years in which no unit had a value)."""
    survey_round = load_round_2024()
    make_version("VINR02", 2024, with_rule=True)
    compute_indicators(years=[2024])
    assert stale_years([2024]) == []
    kalmar = Response.objects.get(round=survey_round, unit__code="0880")
    with django_capture_on_commit_callbacks(execute=False):
        answer_and_submit(kalmar, UserFactory(role="admin"))
    given = timezone.now() - timedelta(days=300)
    Answer.objects.filter(response=kalmar).update(updated_at=given)
    AnswerChange.objects.filter(response=kalmar).update(created_at=given)
    PartSubmission.objects.filter(response=kalmar).update(submitted_at=given)
    assert stale_years([2024]) == [2024]
    assert "2024: " in compute_step()
    assert UnitResult.objects.get(year=2024, unit=kalmar.unit, indicator__code="VINR02").value is not None


def test_a_year_of_imported_history_is_up_to_date_once_it_has_aggregates():
    make_version("VINR02", 2019)
    assert stale_years([2019]) == [2019]
    UnitResult.objects.create(year=2019, unit=ReportingUnit.objects.get(code="0880"),
                              indicator=make_version("VINR02", 2019).indicator, value=1, source="imported",
                              updated_at=timezone.now())  # fmt: skip
    compute_indicators(years=[2019])
    assert stale_years([2019]) == []
