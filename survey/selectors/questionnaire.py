"""The round's questions with their part and options, and their form-logic specs, kept in each
server process.

Every autosave needs the whole questionnaire (relevance and constraints may refer to any
question); reading it from the database took a third of an autosave's time. The cache is keyed
by the round and its `loaded_at`, which changes whenever `load_questionnaire` saves the round, so
every worker reads a new questionnaire at its next request. Within this process any write to the
questionnaire's rows empties the cache at once (connected in survey/apps.py), which also keeps
tests that build rounds by hand apart. Callers must not change the objects they get."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from survey.models import Choice, Part, Question, SurveyRound
from survey.xlsform.form_logic import ChoiceSpec, QuestionSpec

MAX_ROUNDS = 8  # a process serves one or two open rounds; older keys are dropped

# (round, loaded_at) -> the questions in order, and the form-logic spec of each
_cache: dict[tuple[int, datetime], tuple[tuple[Question, ...], tuple[QuestionSpec, ...]]] = {}


def question_specs(questions: Iterable[Question]) -> list[QuestionSpec]:
    """The form-logic spec of each question (its choices prefetched)."""
    return [
        QuestionSpec(
            code=q.code,
            type=q.type,
            label=q.label,
            required=q.required,
            required_message=q.required_message,
            relevant=tuple(q.relevant),
            constraint=q.constraint,
            constraint_message=q.constraint_message,
            choice_filter=q.choice_filter,
            calculation=q.calculation,
            choices=tuple(ChoiceSpec(c.value, c.label, tuple(c.extra.items())) for c in q.choices.all()),
        )
        for q in questions
    ]


def _questionnaire(survey_round: SurveyRound) -> tuple[tuple[Question, ...], tuple[QuestionSpec, ...]]:
    key = (survey_round.pk, survey_round.loaded_at)
    if key not in _cache:
        questions = tuple(survey_round.questions.select_related("part").prefetch_related("choices"))
        if len(_cache) >= MAX_ROUNDS:
            _cache.clear()
        _cache[key] = questions, tuple(question_specs(questions))
    return _cache[key]


def round_questions(survey_round: SurveyRound) -> tuple[Question, ...]:
    return _questionnaire(survey_round)[0]


def round_specs(survey_round: SurveyRound) -> tuple[QuestionSpec, ...]:
    """The form logic of every question, in questionnaire order; shared by every request."""
    return _questionnaire(survey_round)[1]


def clear(**kwargs: Any) -> None:  # noqa: ANN401 (a signal receiver)
    _cache.clear()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in (SurveyRound, Part, Question, Choice):
        post_save.connect(clear, sender=model, dispatch_uid=f"questionnaire_cache_{model.__name__}_save")
        post_delete.connect(clear, sender=model, dispatch_uid=f"questionnaire_cache_{model.__name__}_delete")
