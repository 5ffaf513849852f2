from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def run_export(export_id: int) -> None:
    """Builds the results file of an export (reporting.services.run_export)."""
    services.run_export(export_id=export_id)
