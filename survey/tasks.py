from smtplib import SMTPException

from celery import shared_task

from . import notifications


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=5)
def send_receipt(submission_id: int) -> None:
    notifications.send_receipt(submission_id=submission_id)
