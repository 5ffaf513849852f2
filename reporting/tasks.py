from celery import shared_task
from django.utils import timezone

from reporting import services


@shared_task(ignore_result=True)
def run_export(export_id: int) -> None:
    """Builds the results file of an export (reporting.services.run_export)."""
    services.run_export(export_id=export_id)


@shared_task(ignore_result=True)
def requeue_stale_exports() -> None:
    """Every few minutes: queues again the exports whose task was lost (also `manage.py requeue_exports`)."""
    services.requeue_stale_exports(now=timezone.now())
