"""An export whose worker died is taken over and finished; one whose worker is alive is left alone;
the analyst sees which. (The real killed worker: tests/faults/test_killed_worker.py.)"""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reporting.models import Export
from reporting.services import requeue_stale_exports, run_export

from .export_helpers import publish_two_years, submit_some_parts

pytestmark = pytest.mark.django_db


def running(analyst, *, silent_for: timedelta, attempts: int = 1) -> Export:  # noqa: ANN001
    """An export that a worker started, and last reported on `silent_for` ago."""
    return Export.objects.create(
        year=2024, created_by=analyst, status=Export.Status.RUNNING, progress=40, attempts=attempts,
        message="Skrev fliken Kommuner.", heartbeat_at=timezone.now() - silent_for,
    )  # fmt: skip


def status_page(client, export: Export) -> str:  # noqa: ANN001
    return client.get(reverse("exports:export-status", args=[export.pk])).content.decode()


def test_a_second_delivery_while_the_worker_is_alive_does_nothing(analyst):
    export = running(analyst, silent_for=timedelta(seconds=5))
    assert run_export(export_id=export.pk) is None
    export.refresh_from_db()
    assert (export.status, export.progress, export.attempts) == ("running", 40, 1)


def test_an_export_whose_worker_went_silent_is_taken_over_and_finished(client, analyst):
    publish_two_years(analyst)
    submit_some_parts()
    export = running(analyst, silent_for=settings.EXPORT_STALE_AFTER + timedelta(seconds=1))
    client.force_login(analyst)
    assert "inte hörts av på en stund" in status_page(client, export)

    done = run_export(export_id=export.pk)
    assert (done.status, done.progress, done.attempts) == ("done", 100, 2)
    assert reverse("exports:export-download", args=[export.pk]) in status_page(client, done)


def test_a_taken_over_export_tells_the_analyst_it_is_trying_again(client, analyst):
    export = running(analyst, silent_for=settings.EXPORT_STALE_AFTER + timedelta(seconds=1))
    steps = []

    def stop_after_claim(*, year, target, progress):  # noqa: ANN001, ANN202
        export.refresh_from_db()
        steps.append((export.status, export.message, export.attempts))
        client.force_login(analyst)
        steps.append(status_page(client, export))
        raise RuntimeError("stopped here")

    with mock.patch("reporting.services.build_results_file", stop_after_claim):
        run_export(export_id=export.pk)
    assert steps[0] == ("running", "Arbetet avbröts, försöker igen.", 2)
    assert "Arbetet avbröts, försöker igen." in steps[1] and "Försök 2: det förra avbröts." in steps[1]


def test_an_export_interrupted_too_often_fails_with_a_message(client, analyst):
    export = running(
        analyst, silent_for=settings.EXPORT_STALE_AFTER + timedelta(seconds=1), attempts=settings.EXPORT_MAX_ATTEMPTS
    )
    assert run_export(export_id=export.pk) is None
    export.refresh_from_db()
    assert export.status == "failed" and export.finished_at is not None
    client.force_login(analyst)
    page = status_page(client, export)
    assert "Arbetet avbröts för många gånger. Starta en ny export." in page and "every 2s" not in page


def test_the_periodic_job_queues_again_only_the_exports_without_a_sign_of_life(analyst):
    now = timezone.now()
    stale = settings.EXPORT_STALE_AFTER + timedelta(seconds=1)
    lost = Export.objects.create(year=2024, created_by=analyst)
    Export.objects.filter(pk=lost.pk).update(created_at=now - stale)  # its task never arrived
    Export.objects.create(year=2024, created_by=analyst)  # waiting: its task is on its way
    silent = running(analyst, silent_for=stale)
    running(analyst, silent_for=timedelta(seconds=5))  # alive
    Export.objects.create(year=2024, status=Export.Status.DONE, finished_at=now - stale)  # finished
    with mock.patch("reporting.tasks.run_export.delay") as delay:
        assert sorted(requeue_stale_exports(now=now)) == sorted([lost.pk, silent.pk])
    assert sorted(call.args[0] for call in delay.call_args_list) == sorted([lost.pk, silent.pk])


def test_the_command_queues_them_and_they_run(analyst, capsys):
    export = Export.objects.create(year=2024, created_by=analyst)
    Export.objects.filter(pk=export.pk).update(created_at=timezone.now() - settings.EXPORT_STALE_AFTER * 2)
    call_command("requeue_exports")  # tasks run inline in tests
    assert "Queued 1 exports again." in capsys.readouterr().out
    export.refresh_from_db()
    assert export.status == "failed" and "2024" in export.message  # nothing is published: it ran, and says why


def test_a_slow_run_that_was_taken_over_stops_without_overwriting_the_new_one(analyst):
    export = Export.objects.create(year=2024, created_by=analyst)

    def taken_over_meanwhile(*, year, target, progress):  # noqa: ANN001, ANN202
        # This run went silent long enough for a redelivery to take the export over.
        Export.objects.filter(pk=export.pk).update(attempts=2, message="Arbetet avbröts, försöker igen.")
        progress(50, "Skrev ett blad.")
        raise AssertionError("not reached: the run stops at its next step")

    with mock.patch("reporting.services.build_results_file", taken_over_meanwhile):
        assert run_export(export_id=export.pk) is None
    export.refresh_from_db()
    assert (export.status, export.attempts, export.message) == ("running", 2, "Arbetet avbröts, försöker igen.")
