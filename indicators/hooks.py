"""What the survey calls through its hooks (settings PART_CHANGED_HOOKS, QUESTIONNAIRE_CHECKS)."""

import logging

from survey.outbox import QUEUE_DOWN_ERRORS

from .tasks import compute_indicators

logger = logging.getLogger(__name__)


def recompute_year(*, year: int) -> None:
    """Queues the year's recomputation. With the queue down, the hourly job catches up."""
    try:
        compute_indicators.delay(year)
    except QUEUE_DOWN_ERRORS:
        logger.warning("The task queue is unreachable; the indicators of %s are recomputed by the hourly job.", year)
