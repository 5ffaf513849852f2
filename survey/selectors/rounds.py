"""Reads about survey rounds: the list of rounds with their state."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from survey import hooks
from survey.models import SurveyRound


class State:
    """A round's state, derived from its times and whether its results are published."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"

    LABELS = {UPCOMING: _("upcoming"), OPEN: _("open"), CLOSED: _("closed"), PUBLISHED: _("published")}


def round_state(survey_round: SurveyRound, *, now: datetime, published: set[int]) -> str:
    if survey_round.year in published:
        return State.PUBLISHED
    if now < survey_round.opens_at:
        return State.UPCOMING
    return State.OPEN if now < survey_round.closes_at else State.CLOSED


@dataclass
class RoundRow:
    round: SurveyRound
    state: str

    @property
    def state_label(self) -> str:
        return str(State.LABELS[self.state])


def rounds_with_state(*, now: datetime) -> list[RoundRow]:
    """Every round, the newest first, with its state and its counts of units and questions."""
    published = hooks.published_years()
    rounds = SurveyRound.objects.annotate(
        invited=Count("responses", distinct=True), questions_count=Count("questions", distinct=True)
    ).order_by("-year")
    return [RoundRow(r, round_state(r, now=now, published=published)) for r in rounds]
