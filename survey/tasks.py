from celery import shared_task
from django.utils import timezone

from survey.services import reminders


@shared_task(ignore_result=True)
def send_due_reminders() -> int:
    return reminders.send_due_reminders(now=timezone.now())
