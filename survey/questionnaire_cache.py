"""The round's questions with their part and options, kept in each server process.

Every autosave needs the whole questionnaire (relevance and constraints may refer to any
question); reading it from the database took a third of an autosave's time. The cache is keyed
by the round and its `loaded_at`, which changes whenever `load_questionnaire` saves the round, so
every worker reads a new questionnaire at its next request. Within this process any write to the
questionnaire's rows empties the cache at once (connected in survey/apps.py), which also keeps
tests that build rounds by hand apart. Callers must not change the objects they get."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from .models import Choice, Part, Question, SurveyRound

MAX_ROUNDS = 8  # a process serves one or two open rounds; older keys are dropped

_cache: dict[tuple[int, datetime], list[Question]] = {}
_derived: dict[tuple[int, datetime, str], Any] = {}
T = TypeVar("T")


def round_questions(survey_round: SurveyRound) -> list[Question]:
    key = (survey_round.pk, survey_round.loaded_at)
    questions = _cache.get(key)
    if questions is None:
        questions = list(survey_round.questions.select_related("part").prefetch_related("choices"))
        if len(_cache) >= MAX_ROUNDS:
            _cache.clear()
        _cache[key] = questions
    return list(questions)


def derived(survey_round: SurveyRound, name: str, build: Callable[[list[Question]], T]) -> T:
    """Something built from the round's questions once per process and questionnaire, e.g. the
    form-logic specs every autosave evaluates; it must be immutable, as every request shares it."""
    key = (survey_round.pk, survey_round.loaded_at, name)
    if key not in _derived:
        value = build(round_questions(survey_round))
        if len(_derived) >= MAX_ROUNDS * 4:
            _derived.clear()
        _derived[key] = value
    return _derived[key]


def clear(**kwargs: Any) -> None:  # noqa: ANN401 (a signal receiver)
    _cache.clear()
    _derived.clear()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in (SurveyRound, Part, Question, Choice):
        post_save.connect(clear, sender=model, dispatch_uid=f"questionnaire_cache_{model.__name__}_save")
        post_delete.connect(clear, sender=model, dispatch_uid=f"questionnaire_cache_{model.__name__}_delete")
