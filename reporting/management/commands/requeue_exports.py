from django.core.management.base import BaseCommand
from django.utils import timezone

from reporting.services import requeue_stale_exports


class Command(BaseCommand):
    help = "Queues again the exports that wait or run without a sign of life (their task was lost)."

    def handle(self, *args: object, **options: object) -> None:
        ids = requeue_stale_exports(now=timezone.now())
        self.stdout.write(f"Queued {len(ids)} exports again.")
