from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from indicators.services import computation


def recomputation_queued_key(year: int) -> str:
    """The cache key that marks a recomputation of `year` as queued and not yet started."""
    return f"indicators:recomputation-queued:{year}"


@shared_task(ignore_result=True)
def compute_indicators(year: int) -> None:
    """Recomputes a year's results, e.g. after a part was submitted or reopened."""
    # Before reading: a part submitted from now on queues a recomputation of its own.
    cache.delete(recomputation_queued_key(year))
    computation.compute_indicators(years=[year])


@shared_task(ignore_result=True)
def compute_recent_years() -> None:
    """Hourly: recomputes the years whose answers still change, so that a recomputation lost
    while the queue was down is made up (also `manage.py compute_indicators --recent`)."""
    years = computation.recent_years(now=timezone.now())
    if years:
        computation.compute_indicators(years=years)
