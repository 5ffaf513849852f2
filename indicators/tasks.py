from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(ignore_result=True)
def compute_indicators(year: int) -> None:
    """Recomputes a year's results, e.g. after a part was submitted or reopened."""
    services.compute_indicators(years=[year])


@shared_task(ignore_result=True)
def compute_recent_years() -> None:
    """Hourly: recomputes the years whose answers still change, so that a recomputation lost
    while the queue was down is made up (also `manage.py compute_indicators --recent`)."""
    years = services.recent_years(now=timezone.now())
    if years:
        services.compute_indicators(years=years)
