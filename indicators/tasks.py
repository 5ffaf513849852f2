from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def compute_indicators(year: int) -> None:
    """Recomputes a year's results, e.g. after a part was submitted or reopened."""
    services.compute_indicators(years=[year])
