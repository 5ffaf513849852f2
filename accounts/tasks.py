from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


# Not used by the site: its every e-mail goes through the outbox (core/outbox.py). Kept for
# tests/config/test_celery_worker.py, which checks that a real worker process runs a queued task.
@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=5)
def send_email(subject: str, body: str, to: list[str], html_body: str = "") -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()
