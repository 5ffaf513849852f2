from django.core.management.base import BaseCommand

from core.outbox import flush_outbox


class Command(BaseCommand):
    help = "Sends the e-mails waiting in the outbox, e.g. after the queue was down (beat runs it each minute)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"{flush_outbox()} e-mails sent.")
