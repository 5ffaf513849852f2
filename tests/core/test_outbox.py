"""The e-mail outbox: nothing lost while the queue is down, nothing sent twice."""

import time
from datetime import timedelta
from smtplib import SMTPException, SMTPRecipientsRefused
from unittest import mock

import pytest
from celery import Celery
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.models import OutgoingEmail
from core.tasks import flush_outbox, send_outgoing_email
from tests.survey.round_helpers import add_contact, load_round_2024

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens there: Redis is "down"


def queue_one(key: str = "test:1") -> OutgoingEmail:
    outbox.queue_emails([OutgoingEmail(key=key, kind="reminder", to="anna@kalmar.se", subject="Ämne", body="Text")])
    return OutgoingEmail.objects.get(key=key)


def dead_app() -> Celery:
    """A Celery app with the project's own settings whose broker is not running."""
    app = Celery("down", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=DEAD_BROKER, task_always_eager=False)
    return app


@pytest.fixture
def dead_queue():
    """Enqueueing an e-mail goes to a broker that is not running."""
    app = dead_app()
    with mock.patch.object(
        send_outgoing_email, "delay", lambda *args: app.send_task("core.tasks.send_outgoing_email", args)
    ):
        yield


def test_with_the_queue_down_the_request_succeeds_and_the_email_goes_out_once_it_is_back(
    client, coordinator, dead_queue, django_capture_on_commit_callbacks
):
    load_round_2024()
    add_contact("0880", "Anna Lind", "anna.lind@kalmar.se")
    client.force_login(coordinator)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("survey:round-contacts", kwargs={"year": 2024}), {"action": "invite-new"})
    assert page.status_code == 302
    assert time.monotonic() - started < 10  # the request does not hang on the dead queue
    assert "1 inbjudan är på väg." in client.get(page["Location"]).content.decode()
    waiting = OutgoingEmail.objects.get()
    assert waiting.sent_at is None and mail.outbox == []
    listing = client.get(reverse("survey:round-contacts", kwargs={"year": 2024})).content.decode()
    assert "väntar på att skickas" in listing

    # The queue is back: the periodic flush sends it, once, however often it runs.
    flush_outbox.delay()
    flush_outbox.delay()
    send_outgoing_email(waiting.pk)  # the original task, arriving late
    assert [m.to for m in mail.outbox] == [["anna.lind@kalmar.se"]]
    assert OutgoingEmail.objects.get().sent_at is not None
    listing = client.get(reverse("survey:round-contacts", kwargs={"year": 2024})).content.decode()
    assert "väntar på att skickas" not in listing


def test_the_dead_queue_error_is_the_one_the_outbox_expects():
    with pytest.raises(outbox.QUEUE_DOWN_ERRORS):
        dead_app().send_task("core.tasks.send_outgoing_email", (1,))


def test_an_email_with_a_known_key_is_not_queued_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_one()
        outbox.queue_emails([OutgoingEmail(key="test:1", kind="reminder", to="anna@kalmar.se", subject="S", body="B")])
    assert OutgoingEmail.objects.count() == 1 and len(mail.outbox) == 1


def test_an_email_is_sent_once_even_when_two_senders_try():
    email = queue_one()
    assert outbox.send_outgoing(email_id=email.pk) is True
    assert outbox.send_outgoing(email_id=email.pk) is False
    assert outbox.flush_outbox() == 0
    assert len(mail.outbox) == 1


def test_a_claim_left_by_a_dead_worker_is_taken_over_after_a_while():
    email = queue_one()
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=email.pk).update(claimed_at=now - timedelta(minutes=1))
    assert outbox.flush_outbox(now=now) == 0  # another worker may be sending it right now
    assert outbox.flush_outbox(now=now + outbox.CLAIM_TIMEOUT) == 1
    assert len(mail.outbox) == 1


def test_a_failed_send_stays_in_the_outbox_with_the_error_and_goes_out_later():
    email = queue_one()
    now = timezone.now()
    with mock.patch("core.outbox.EmailMessage.send", side_effect=SMTPException("421 try later")):
        assert outbox.flush_outbox(now=now) == 0
    email.refresh_from_db()
    assert (email.sent_at, email.attempts, email.last_error) == (None, 1, "421 try later")
    assert email.next_attempt_at == now + settings.OUTBOX_RETRY_AFTER and email.failed_at is None
    assert outbox.flush_outbox(now=now + timedelta(seconds=61)) == 0  # not every minute: it waits its turn
    assert outbox.flush_outbox(now=email.next_attempt_at) == 1
    assert mail.outbox[0].subject == "Ämne" and mail.outbox[0].from_email == settings.DEFAULT_FROM_EMAIL


def test_with_the_queue_down_a_submission_succeeds_and_its_receipt_goes_out_once_it_is_back(
    client, respondent, dead_queue, django_capture_on_commit_callbacks
):
    from survey.models import PartSubmission, Response
    from survey.services import Change, save_answers
    from tests.survey.round_helpers import COMPLETE_VINR

    round_ = load_round_2024()
    round_.opens_at, round_.closes_at = timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=9)
    round_.save()
    kalmar = Response.objects.get(round=round_, unit__code="0880")
    save_answers(response=kalmar, changes={k: Change(v) for k, v in COMPLETE_VINR.items()}, user=respondent)
    client.force_login(respondent)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("survey:response-review", kwargs={"pk": kalmar.pk, "part": "vinr"}))
    assert page.status_code == 302
    assert PartSubmission.objects.filter(response=kalmar, part__code="vinr").exists()
    assert mail.outbox == [] and OutgoingEmail.objects.get().kind == "receipt"

    flush_outbox.delay()
    flush_outbox.delay()
    (receipt,) = mail.outbox
    assert receipt.to == [respondent.email] and "Kvitto" in receipt.subject and "&amp;" not in receipt.body


REFUSED = SMTPRecipientsRefused({"anna@kalmar.se": (550, b"5.1.1 No such mailbox")})


def test_each_failed_attempt_waits_twice_as_long_and_after_the_last_the_email_has_failed(settings):
    """A refusing server is no longer asked every minute for ever: the waits double, the count
    stops at the maximum and the e-mail is marked failed (for a coordinator to see)."""
    email = queue_one()
    now = timezone.now()
    waits = []
    with mock.patch("core.outbox.EmailMessage.send", side_effect=SMTPException("451 try later")):
        for _attempt in range(settings.OUTBOX_MAX_ATTEMPTS):
            assert outbox.flush_outbox(now=now) == 0
            email.refresh_from_db()
            if email.failed_at:
                break
            waits.append(email.next_attempt_at - now)
            now = email.next_attempt_at
        for _later in range(3):  # nothing more is tried, however often the flush runs
            assert outbox.flush_outbox(now=now + timedelta(days=30)) == 0
    email.refresh_from_db()
    assert email.attempts == settings.OUTBOX_MAX_ATTEMPTS
    assert email.failed_at == now and email.next_attempt_at is None and email.last_error == "451 try later"
    assert waits == [settings.OUTBOX_RETRY_AFTER * 2**n for n in range(settings.OUTBOX_MAX_ATTEMPTS - 1)]
    assert mail.outbox == []


def test_an_address_the_server_refuses_for_good_fails_at_once_with_the_reason():
    email = queue_one()
    with mock.patch("core.outbox.EmailMessage.send", side_effect=REFUSED):
        assert outbox.flush_outbox() == 0
    email.refresh_from_db()
    assert email.failed_at is not None and email.attempts == 1
    assert email.last_error == "anna@kalmar.se: 550 5.1.1 No such mailbox"
    assert outbox.flush_outbox(now=timezone.now() + timedelta(days=1)) == 0


def test_the_attempt_count_does_not_overflow_a_small_integer():
    email = queue_one()
    OutgoingEmail.objects.filter(pk=email.pk).update(attempts=40_000)  # beyond 32767, the old column's limit
    with mock.patch("core.outbox.EmailMessage.send", side_effect=SMTPException("451 try later")):
        assert outbox.send_outgoing(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.attempts == 40_001 and email.failed_at is not None


def test_a_failure_in_the_task_is_recorded_not_retried_by_celery_for_ever():
    email = queue_one()
    with mock.patch("core.outbox.EmailMessage.send", side_effect=OSError("Connection refused")) as send:
        send_outgoing_email.delay(email.pk)
    assert send.call_count == 1
    email.refresh_from_db()
    assert email.attempts == 1 and email.next_attempt_at is not None and email.last_error == "Connection refused"
