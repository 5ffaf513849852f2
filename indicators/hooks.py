"""What the survey calls through its hooks (settings PART_CHANGED_HOOKS, QUESTIONNAIRE_CHECKS)."""

import logging

from django.core.cache import cache

from core.queue import QUEUE_DOWN_ERRORS
from indicators.models import Publication
from indicators.tasks import compute_indicators, recomputation_queued_key

logger = logging.getLogger(__name__)

# How long the submissions and reopenings of a year gather before one recomputation reads them all:
# on deadline day several parts a second are submitted, and a recomputation reads the whole year.
GATHER_SECONDS = 30


def recompute_year_soon(*, year: int) -> None:
    """Queues the year's recomputation to start in GATHER_SECONDS, unless one is queued that has
    not started yet: that one reads this change too (the task clears the mark as it starts).

    The mark lives in the cache, which is the queue's Redis: when the cache cannot be reached
    (`add` is then False) the queue cannot either, and the hourly job catches up."""
    key = recomputation_queued_key(year)
    if not cache.add(key, True, timeout=GATHER_SECONDS):
        return
    try:
        compute_indicators.apply_async((year,), countdown=GATHER_SECONDS)
    except QUEUE_DOWN_ERRORS:
        cache.delete(key)
        logger.warning("The task queue is unreachable; the indicators of %s are recomputed by the hourly job.", year)


def published_years() -> set[int]:
    """The years with a publication (survey.hooks.published_years)."""
    return set(Publication.objects.values_list("year", flat=True).distinct())
