"""Exports of the results file (writes): start one, run it in the worker, or build a file directly."""

import io
import logging
import time
from datetime import datetime
from typing import IO

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import record_event
from core.queue import task
from reporting.exporters import ResultsExporter, collect_export_data
from reporting.exporters.results import Progress
from reporting.models import Export

logger = logging.getLogger(__name__)

RUN_EXPORT = "reporting.tasks.run_export"
REBUILD = "rebuild"  # an export started by a publication (reporting.hooks), not by an analyst


def build_results_file(*, year: int, target: IO[bytes], progress: Progress | None = None) -> int | None:
    """Writes the results file of publication year `year` (every published year from 2016 up to it)
    to `target`, in the site's language, and returns the revision of `year` it shows (None when
    `year` itself is not published). Raises ExportError when nothing up to `year` is published."""
    with translation.override(settings.LANGUAGE_CODE):
        data = collect_export_data(year=year)
        ResultsExporter(data).write(target, progress=progress)
    published = data.published.get(year)
    return published.publication.revision if published else None


def start_export(*, year: int, user: User | None, reason: str = "") -> Export:
    """A new export of `year`, run by the worker once the transaction has committed; `reason`
    REBUILD for the rebuild after a publication."""
    message = _("Waiting for the worker.")
    if reason == REBUILD:
        message = _("Built again after a publication; waiting for the worker.")
    export = Export.objects.create(year=year, created_by=user, message=message)
    extra = {"reason": reason} if reason else {}
    record_event("reporting.export.started", actor=user, year=year, export=export.pk, **extra)
    # robust: with the queue down the analyst still gets the page; requeue_stale_exports sends it later.
    transaction.on_commit(lambda: task(RUN_EXPORT).delay(export.pk), robust=True)
    return export


class TakenOver(Exception):
    """Another run took the export over (see run_export)."""


def _claim(*, export_id: int, now: datetime) -> bool:
    """Moves a waiting export, or a running one whose worker went silent, to running (compare-and-set,
    so of two deliveries of the task only one builds the file). An export that was interrupted too
    often fails instead, with a message for the analyst."""
    claimable = Export.objects.filter(Q(status=Export.Status.CREATED) | Export.silent(now=now), pk=export_id)
    if claimable.filter(attempts__gte=settings.EXPORT_MAX_ATTEMPTS).update(
        status=Export.Status.FAILED,
        message=_("The work was interrupted too many times. Start a new export."),
        finished_at=now,
    ):
        logger.error("Export %s was interrupted too many times and has failed.", export_id)
        return False
    return bool(
        claimable.update(
            status=Export.Status.RUNNING,
            progress=1,
            attempts=F("attempts") + 1,
            heartbeat_at=now,
            message=Case(
                When(status=Export.Status.RUNNING, then=Value(_("The work was interrupted; trying again."))),
                default=Value(_("Reading the published results.")),
            ),
        )
    )


def run_export(*, export_id: int) -> Export | None:
    """Builds the file of a waiting export and keeps it, updating progress, message and heartbeat as
    the sheets are written. Safe to run twice: only the run that claims the export builds it; a second
    delivery of the task while the first run is alive does nothing. A run whose worker died (no
    heartbeat for settings.EXPORT_STALE_AFTER) is taken over by the next delivery. A failure is kept
    with its message."""
    if not _claim(export_id=export_id, now=timezone.now()):
        return None
    export = Export.objects.defer("file").get(pk=export_id)
    # Writes only while this run still owns the export: a run thought dead that was only slow, and
    # has been taken over since, stops at its next step instead of overwriting the newer run.
    mine = Export.objects.filter(pk=export_id, status=Export.Status.RUNNING, attempts=export.attempts)

    def progress(percent: int, message: str) -> None:
        if settings.EXPORT_STEP_DELAY_FOR_TESTS:  # tests/faults kill the worker mid-way
            time.sleep(settings.EXPORT_STEP_DELAY_FOR_TESTS)
        if not mine.update(progress=min(percent, 99), message=message, heartbeat_at=timezone.now()):
            raise TakenOver

    buffer = io.BytesIO()
    try:
        revision = build_results_file(year=export.year, target=buffer, progress=progress)
    except TakenOver:
        logger.warning("Export %s was taken over by another run; this one stops.", export_id)
        return None
    except Exception as error:  # every failure is shown to the analyst, and logged
        logger.exception("Export %s of %s failed", export_id, export.year)
        mine.update(
            status=Export.Status.FAILED, message=str(error) or error.__class__.__name__, finished_at=timezone.now()
        )
        return Export.objects.defer("file").get(pk=export_id)
    content = buffer.getvalue()
    mine.update(
        status=Export.Status.DONE,
        progress=100,
        file=content,
        size=len(content),
        revision=revision,
        message=_("The file is ready."),
        finished_at=timezone.now(),
    )
    return Export.objects.defer("file").get(pk=export_id)


def requeue_stale_exports(*, now: datetime) -> list[int]:
    """Queues again the exports that wait or run without a sign of life for settings.EXPORT_STALE_AFTER,
    e.g. because the queue was down when they were started or their task was lost with a worker.
    Harmless when the task is still on its way: a second delivery does nothing. Returns their ids."""
    waiting = Q(status=Export.Status.CREATED, created_at__lt=now - settings.EXPORT_STALE_AFTER)
    ids = list(Export.objects.filter(waiting | Export.silent(now=now)).values_list("pk", flat=True))
    for pk in ids:
        task(RUN_EXPORT).delay(pk)
    return ids
