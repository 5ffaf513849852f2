"""The beat schedule (config/celery.py) in development without a broker: under `make run` there is no
Redis, tasks run inline (CELERY_TASK_ALWAYS_EAGER), and no `celery beat` runs, so reminders, the outbox
flush and the export requeue would never run. This thread, started by the serving process of
`manage.py setup_demo --serve` (make run) only when DEBUG and CELERY_TASK_ALWAYS_EAGER are both on,
runs each scheduled task when it is due, inline, as beat and a worker would. Production runs the real
`celery beat` (docker/), never this."""

import logging
import threading
import time
from datetime import datetime

from celery import current_app
from celery.schedules import maybe_schedule
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(settings.DEBUG and getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


class DevScheduler:
    """Each entry of the beat schedule with when it last ran; `tick` runs what is due and says how
    long to wait for the next."""

    def __init__(self, schedule: dict, *, now: datetime) -> None:
        current_app.loader.import_default_modules()  # the tasks of every app, as a worker would
        self.entries = {name: (entry["task"], maybe_schedule(entry["schedule"], app=current_app))
                        for name, entry in schedule.items()}  # fmt: skip
        self.last_run = dict.fromkeys(self.entries, now)

    def tick(self, *, now: datetime | None = None) -> tuple[list[str], float]:
        """Runs the due tasks; returns their names and the seconds until the next check (at most 60)."""
        now = now or timezone.now()
        ran, wait = [], 60.0
        for name, (task, schedule) in self.entries.items():
            due, next_in = schedule.is_due(self.last_run[name])
            if due:
                self.last_run[name] = now
                self.run(task)
                ran.append(task)
            wait = min(wait, max(1.0, float(next_in)))
        return ran, wait

    def run(self, task: str) -> None:
        try:
            current_app.tasks[task].apply_async()  # eager: runs here, inline
            logger.info("Development scheduler ran %s.", task)
        except Exception:
            logger.exception("Development scheduler: %s failed.", task)


def start() -> threading.Thread | None:
    """Starts the scheduler in a daemon thread if development settings allow it; None otherwise."""
    if not enabled():
        return None
    scheduler = DevScheduler(current_app.conf.beat_schedule, now=timezone.now())

    def loop() -> None:
        while True:
            close_old_connections()  # the thread's own connection, as around a request
            try:
                _ran, wait = scheduler.tick()
            except Exception:  # the schedule itself failed (the database locked…): try again later
                logger.exception("Development scheduler: the schedule could not be checked.")
                wait = 60.0
            finally:
                close_old_connections()
            time.sleep(wait)

    thread = threading.Thread(target=loop, name="dev-scheduler", daemon=True)
    thread.start()
    return thread
