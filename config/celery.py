import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("oj")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic "do what is due now" jobs; each is also a management command.
app.conf.beat_schedule = {
    # Reminders are due on days before a unit's deadline; hourly, so a missed run is made up soon.
    "send-due-reminders": {"task": "survey.tasks.send_due_reminders", "schedule": crontab(minute=5)},
    # E-mails written while the queue was down go out once it is back.
    "flush-outbox": {"task": "core.tasks.flush_outbox", "schedule": 60.0},
    # Indicators of rounds whose answers still change, should a recomputation have been lost.
    "compute-recent-indicators": {"task": "indicators.tasks.compute_recent_years", "schedule": crontab(minute=35)},
    # Exports whose task was lost (queue down at the start, worker killed) are queued again.
    "requeue-stale-exports": {"task": "reporting.tasks.requeue_stale_exports", "schedule": 300.0},
}
