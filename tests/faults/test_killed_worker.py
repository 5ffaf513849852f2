"""A Celery worker killed (SIGKILL) in the middle of an export: Redis hands the task to the restarted
worker after the visibility timeout, which takes the silent export over and finishes it; the
analyst's status page tells what happens all along."""

import io
import re
import signal
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from reporting.models import Export
from reporting.services import build_results_file
from tests.factories import UserFactory
from tests.reporting.export_helpers import publish_two_years, submit_some_parts

from .servers import celery_worker, database_url, needs_services, private_redis, project_env, project_queue_on, stop

pytestmark = [pytest.mark.services, needs_services]

VISIBILITY_TIMEOUT = 3  # seconds; production waits an hour (settings.CELERY_BROKER_TRANSPORT_OPTIONS)
STALE_AFTER = 2  # seconds without a heartbeat; production two minutes


def poll_until(client: Client, export: Export, seen: list[str], done, timeout: float = 40) -> str:  # noqa: ANN001
    """Polls the status fragment as the analyst's page does, keeping what it showed, until `done(text)`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get(reverse("exports:export-status", args=[export.pk]))
        assert page.status_code == 200
        text = re.sub(r"\s+", " ", page.content.decode())
        if not seen or seen[-1] != text:
            seen.append(text)
        if done(text):
            return text
        time.sleep(0.1)
    raise AssertionError(f"the export page never showed what was awaited; last: {seen[-1]}")


def progress_of(text: str) -> int:
    found = re.search(r'<progress max="100" value="(\d+)"', text)
    return int(found.group(1)) if found else 0


def workbook_cells(content: io.BytesIO) -> dict[str, dict[str, object]]:
    """Every filled cell of every sheet (formulas as written), the generation time left out."""
    workbook = load_workbook(content)
    cells: dict[str, dict[str, object]] = {}
    for sheet in workbook.worksheets:
        values = {cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None}
        generated = [ref for ref, value in values.items() if value == "Skapad"]
        for ref in generated:  # the value beside the label
            values.pop(sheet[ref].offset(column=1).coordinate, None)
        cells[sheet.title] = values
    return cells


def test_an_export_whose_worker_is_killed_is_retried_and_finishes(committed_db, settings):
    settings.EXPORT_STALE_AFTER = timedelta(seconds=STALE_AFTER)  # the web side, as the workers' env
    analyst = UserFactory(role="analyst")
    publish_two_years(analyst)
    submit_some_parts()
    with private_redis() as redis:
        env = project_env(
            DATABASE_URL=database_url(), REDIS_URL=redis.url, CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            EXPORT_STALE_AFTER_SECONDS=str(STALE_AFTER), EXPORT_STEP_DELAY_FOR_TESTS="0.5",
        )  # fmt: skip
        client = Client()
        client.force_login(analyst)
        seen: list[str] = []
        first = celery_worker("celery", env)
        second = None
        try:
            with project_queue_on(redis.url):
                started = client.post(reverse("exports:export-list"), {"year": 2024})
            assert started.status_code == 302
            export = Export.objects.get(created_by=analyst)  # not the files the publications built
            poll_until(client, export, seen, lambda text: progress_of(text) >= 10)  # the start page is written
            taken_at = time.monotonic()  # about when the worker took the task
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)

            # The analyst sees the export stop, then that it will be retried.
            poll_until(client, export, seen, lambda text: "inte hörts av på en stund" in text)
            time.sleep(max(0.0, VISIBILITY_TIMEOUT + 0.5 - (time.monotonic() - taken_at)))
            second = celery_worker("celery", env)  # the supervisor restarts the worker
            final = poll_until(client, export, seen, lambda text: "every 2s" not in text)
        finally:
            stop(first)
            if second is not None:
                stop(second)

    export.refresh_from_db()
    assert (export.status, export.progress, export.attempts) == ("done", 100, 2)
    assert reverse("exports:export-download", args=[export.pk]) in final
    # The file of the retried export is the file a clean export writes, cell for cell (but the
    # moment it was generated).
    clean = io.BytesIO()
    build_results_file(year=2024, target=clean)
    retried = workbook_cells(io.BytesIO(bytes(export.file)))
    assert len(retried) > 3 and sum(len(cells) for cells in retried.values()) > 1000
    assert retried == workbook_cells(clean)
    shown = " | ".join(seen)
    # Throughout: running with progress, the stall, the retry, then the file.
    assert re.search(r"<progress max=\"100\" value=\"[1-9]\d*\"", shown)
    assert shown.index("inte hörts av på en stund") < shown.index("Försök 2: det förra avbröts.")
    assert "Arbetet avbröts, försöker igen." in shown
    download = reverse("exports:export-download", args=[export.pk])
    assert shown.index("Försök 2: det förra avbröts.") < shown.index(download)
