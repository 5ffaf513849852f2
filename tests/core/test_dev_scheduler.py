"""make run's in-process scheduler: the beat schedule runs in development without a broker, so an
e-mail waiting in the outbox goes out and scheduled jobs are not silently skipped."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from config.celery import app
from core import dev_scheduler
from core.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def waiting_email() -> OutgoingEmail:
    return OutgoingEmail.objects.create(key="k", kind="reminder", to="anna@kalmar.se", subject="Påminnelse",
                                        body="Hej", created_at=timezone.now())  # fmt: skip


def test_a_due_job_runs_inline_and_the_waiting_email_goes_out(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    email = waiting_email()
    start = timezone.now() - timedelta(seconds=61)
    scheduler = dev_scheduler.DevScheduler(
        {"flush-outbox": {"task": "core.tasks.flush_outbox", "schedule": 60.0}}, now=start
    )
    ran, wait = scheduler.tick()
    assert ran == ["core.tasks.flush_outbox"]
    assert [message.to for message in mail.outbox] == [["anna@kalmar.se"]]
    email.refresh_from_db()
    assert email.sent_at is not None
    assert 1 <= wait <= 60
    assert scheduler.tick() == ([], pytest.approx(60, abs=1))  # not due again for a minute


def test_every_job_of_the_beat_schedule_is_known_to_the_scheduler():
    app.loader.import_default_modules()
    scheduler = dev_scheduler.DevScheduler(app.conf.beat_schedule, now=timezone.now())
    assert {task for task, _schedule in scheduler.entries.values()} <= set(app.tasks)
    assert {"survey.tasks.send_due_reminders", "core.tasks.flush_outbox", "reporting.tasks.requeue_stale_exports"} <= {
        task for task, _schedule in scheduler.entries.values()
    }


def test_it_starts_only_in_development_without_a_broker(settings):
    settings.DEBUG, settings.CELERY_TASK_ALWAYS_EAGER = False, True
    assert dev_scheduler.start() is None
    settings.DEBUG, settings.CELERY_TASK_ALWAYS_EAGER = True, False
    assert dev_scheduler.start() is None
