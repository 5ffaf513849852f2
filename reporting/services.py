"""Exports of the results file (writes): start one, run it in the worker, or build a file directly."""

import io
import logging
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from survey.audit import record_event

from .exporters import ResultsExporter, collect_export_data
from .exporters.results import Progress
from .models import Export

logger = logging.getLogger(__name__)


def build_results_file(*, year: int, target: IO[bytes], progress: Progress | None = None) -> None:
    """Writes the results file of publication year `year` (every published year from 2016 up to it)
    to `target`, in the site's language. Raises ExportError when nothing up to `year` is published."""
    with translation.override(settings.LANGUAGE_CODE):
        data = collect_export_data(year=year)
        ResultsExporter(data).write(target, progress=progress)


def start_export(*, year: int, user: User | None) -> Export:
    """A new export of `year`, run by the worker once the transaction has committed."""
    from . import tasks  # the tasks module imports this one

    export = Export.objects.create(year=year, created_by=user, message=_("Waiting for the worker."))
    record_event("reporting.export.started", actor=user, year=year, export=export.pk)
    transaction.on_commit(lambda: tasks.run_export.delay(export.pk))
    return export


def run_export(*, export_id: int) -> Export | None:
    """Builds the file of a waiting export and keeps it, updating progress and message as the sheets
    are written. Safe to run twice: only the run that moves the export from waiting to running
    builds it; a second delivery of the task does nothing. A failure is kept with its message."""
    claimed = Export.objects.filter(pk=export_id, status=Export.Status.CREATED).update(
        status=Export.Status.RUNNING, progress=1, message=_("Reading the published results.")
    )
    if not claimed:
        return None
    export = Export.objects.defer("file").get(pk=export_id)

    def progress(percent: int, message: str) -> None:
        Export.objects.filter(pk=export_id).update(progress=min(percent, 99), message=message)

    buffer = io.BytesIO()
    try:
        build_results_file(year=export.year, target=buffer, progress=progress)
    except Exception as error:  # every failure is shown to the analyst, and logged
        logger.exception("Export %s of %s failed", export_id, export.year)
        Export.objects.filter(pk=export_id).update(
            status=Export.Status.FAILED, message=str(error) or error.__class__.__name__, finished_at=timezone.now()
        )
        return Export.objects.defer("file").get(pk=export_id)
    content = buffer.getvalue()
    Export.objects.filter(pk=export_id).update(
        status=Export.Status.DONE,
        progress=100,
        file=content,
        size=len(content),
        message=_("The file is ready."),
        finished_at=timezone.now(),
    )
    return Export.objects.defer("file").get(pk=export_id)
