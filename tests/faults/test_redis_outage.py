"""Redis stopped while respondents save: the autosave, the form, the API and the submission of a
part keep working and store the answers; the receipt and the indicator recomputation queued
meanwhile go out once Redis is back, through a real worker: the receipt exactly once, although the
outbox is flushed twice and the original task arrives late as well."""

import time

import pytest
import redis as redis_client
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import OutgoingEmail
from core.tasks import flush_outbox, send_outgoing_email
from indicators.models import UnitResult
from indicators.services.computation import compute_indicators
from indicators.tasks import compute_recent_years
from survey.models import Answer, PartSubmission, Response
from tests.factories import UserFactory
from tests.survey.round_helpers import COMPLETE_VINR

from .servers import (
    celery_worker,
    database_url,
    needs_services,
    private_redis,
    project_env,
    project_queue_on,
    stop,
)

pytestmark = [pytest.mark.services, needs_services]

QUICK = 10  # seconds: a request with Redis down must not hang


def timed(call):  # noqa: ANN001, ANN201
    started = time.monotonic()
    result = call()
    assert time.monotonic() - started < QUICK
    return result


def wait_for(condition, timeout: float = 30) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get it done in time"
        time.sleep(0.2)


def kalmar_results() -> dict[str, object]:
    return dict(
        UnitResult.objects.filter(year=2024, unit__code="0880", source="computed").values_list(
            "indicator__code", "value"
        )
    )


def test_with_redis_stopped_answers_are_stored_and_the_queued_work_goes_out_once_it_is_back(
    committed_db, settings, tmp_path, open_round_2024
):
    round_ = open_round_2024
    call_command("load_indicators", "--year", "2024")
    kalmar = Response.objects.get(round=round_, unit__code="0880")
    respondent = UserFactory.respondent(units=["0880"])
    part_url = reverse("survey:response-part", kwargs={"pk": kalmar.pk, "part": "vinr"})

    with private_redis() as redis:
        # The app's queue and cache are this Redis, as in production.
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": redis.url}}
        client = APIClient()  # a browser, and for the API a token
        client.force_login(respondent)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=respondent).key}")
        before = kalmar_results()  # computed when the indicators were loaded: no answers yet
        redis.stop()
        with project_queue_on(redis.url):
            autosaved = timed(lambda: client.post(
                part_url, {"skydd_rutin": "ja", "v_skydd_rutin": "0", "o_skydd_rutin": ""},
                headers={"HX-Request": "true"},
            ))  # fmt: skip
            assert autosaved.status_code == 200 and "Sparat" in autosaved.content.decode()
            form = {}
            for code, value in COMPLETE_VINR.items():
                if code not in ("skydd_rutin", "antal_skyddat_boende"):
                    form.update({code: value.split() if code.startswith("overensk") else value,
                                 f"v_{code}": "0", f"o_{code}": ""})  # fmt: skip
            assert timed(lambda: client.post(part_url, form)).status_code == 302
            through_api = timed(lambda: api.patch(
                reverse("api-response-answers", kwargs={"pk": kalmar.pk}),
                {"answers": [{"question": "antal_skyddat_boende", "value": "12"}]}, format="json",
            ))  # fmt: skip
            assert through_api.status_code == 200, through_api.content
            submitted = timed(
                lambda: client.post(reverse("survey:response-review", kwargs={"pk": kalmar.pk, "part": "vinr"}))
            )
            assert submitted.status_code == 302
            assert "har skickats in" in client.get(submitted["Location"]).content.decode()

        stored = Answer.objects.filter(response=kalmar).values_list("question__code", "value")
        assert {code: set(value.split()) for code, value in stored} == {
            code: set(value.split()) for code, value in COMPLETE_VINR.items()
        }
        assert PartSubmission.objects.filter(response=kalmar, part__code="vinr").exists()
        receipt = OutgoingEmail.objects.get(kind="receipt")
        assert receipt.sent_at is None and list(tmp_path.iterdir()) == []
        assert kalmar_results() == before  # the recomputation waits too

        # Redis is back. The scheduler's jobs arrive (the outbox twice), and the receipt's own task, late.
        redis.start()
        worker = celery_worker(
            "celery", project_env(DATABASE_URL=database_url(), REDIS_URL=redis.url, EMAIL_FILE_PATH=str(tmp_path))
        )
        try:
            with project_queue_on(redis.url):
                compute_recent_years.delay()
                flush_outbox.delay()
                flush_outbox.delay()
                send_outgoing_email.delay(receipt.pk)
            broker = redis_client.Redis.from_url(redis.url)
            # acks_late: a task leaves "unacked" only when it has run.
            wait_for(lambda: broker.llen("celery") == 0 and broker.hlen("unacked") == 0)
        finally:
            stop(worker)

    receipt.refresh_from_db()
    assert receipt.sent_at is not None and receipt.attempts == 1
    (sent,) = [path.read_text() for path in tmp_path.iterdir()]
    assert f"To: {respondent.email}" in sent and "Kvitto" in sent
    recomputed = kalmar_results()
    assert recomputed != before and recomputed["VINR01"] is not None
    compute_indicators(years=[2024])  # what it should be, computed here
    assert recomputed == kalmar_results()
