"""Extension points for apps that build on the survey (e.g. indicators), named in settings so
that the survey never imports them (imports flow reporting → indicators → survey)."""

import logging
import weakref
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from survey.models import Response

logger = logging.getLogger(__name__)


@cache
def _hooks(setting: str) -> list[Callable]:
    return [import_string(path) for path in getattr(settings, setting, [])]


# The year's callback waiting for the current transaction to commit, one per database connection.
# Weak: when the transaction rolls back Django drops its callbacks, and the entry goes with it.
_pending: weakref.WeakValueDictionary[tuple[str, int], Callable[[], None]] = weakref.WeakValueDictionary()


def part_changed(response: Response) -> None:
    """A part of the response was submitted or reopened: after the commit, each hook in
    PART_CHANGED_HOOKS is called with the round's year (e.g. to recompute indicators)."""
    year = response.round.year
    key = (transaction.get_connection().alias, year)
    # Once per year and transaction: an import submitting 300 parts needs one recomputation.
    if key in _pending:
        return

    def run() -> None:
        _pending.pop(key, None)
        for hook in _hooks("PART_CHANGED_HOOKS"):
            hook(year=year)

    _pending[key] = run
    transaction.on_commit(run, robust=True)


def questionnaire_problems(*, form: object, year: int) -> list[str]:
    """What the checks in QUESTIONNAIRE_CHECKS find wrong with a form about to be loaded for
    `year` (e.g. an indicator rule naming a question the form lacks). Empty: nothing."""
    return [problem for check in _hooks("QUESTIONNAIRE_CHECKS") for problem in check(form=form, year=year)]


def published_years() -> set[int]:
    """The years whose results are published, as the hooks in PUBLISHED_YEARS say (the survey
    shows a round as published and keeps its fielding period fixed then)."""
    return {year for hook in _hooks("PUBLISHED_YEARS") for year in hook()}
