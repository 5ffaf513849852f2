import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tasks import send_email
from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.services
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis: run with make test-services")
def test_a_real_worker_process_runs_a_queued_task(tmp_path):
    """A queued e-mail goes through Redis to a separate worker process, which sends it."""
    queue = f"test-{uuid.uuid4().hex}"  # no other worker on this machine takes it
    env = {key: value for key, value in os.environ.items() if key != "EMAIL_URL"}
    env["EMAIL_FILE_PATH"] = str(tmp_path)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    celery_app.conf.task_always_eager = False
    try:
        result = send_email.apply_async(("Påminnelse", "Enkäten stänger snart.", ["kontakt@kalmar.se"]), queue=queue)
        result.get(timeout=60)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    sent = [path.read_text() for path in tmp_path.iterdir()]
    assert len(sent) == 1
    assert "To: kontakt@kalmar.se" in sent[0]
    assert "Enk=C3=A4ten st=C3=A4nger snart." in sent[0] or "Enkäten stänger snart." in sent[0]


def test_every_task_has_a_soft_and_a_hard_time_limit_below_the_redelivery_timeout():
    assert 0 < celery_app.conf.task_soft_time_limit < celery_app.conf.task_time_limit
    assert celery_app.conf.task_time_limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
