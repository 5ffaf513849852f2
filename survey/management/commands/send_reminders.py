from django.core.management.base import BaseCommand
from django.utils import timezone

from survey.services.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Sends the reminders due now (what Celery beat runs every hour). Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        count = send_due_reminders(now=timezone.now())
        self.stdout.write(f"{count} reminders queued.")
