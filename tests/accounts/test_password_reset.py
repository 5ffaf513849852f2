"""Asking for a new password: the e-mail is written to the outbox in the request's transaction (so
a task queue that is down loses nothing and answers no 500), the account is found by its
normalised address only, and requests are limited per address and per client without telling
whether an account has the address."""

import re

import kombu.exceptions
import pytest
from celery.app.task import Task
from django.core import mail
from django.urls import reverse

from core import outbox
from core.models import OutgoingEmail
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIMITED = "Ett nytt lösenord har begärts för många gånger. Vänta en timme och försök igen."


@pytest.fixture
def queue_down(monkeypatch):  # noqa: ANN001, ANN201
    """Every task sent to Celery fails as it does while Redis is unreachable."""

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)


def ask(client, email: str, **extra: str):  # noqa: ANN001, ANN201
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_with_the_queue_down_the_reset_is_kept_in_the_outbox_and_sent_once_it_is_back(
    client, respondent, queue_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, respondent.email)
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    waiting = OutgoingEmail.objects.get()
    assert waiting.kind == "password_reset" and waiting.to == respondent.email and waiting.sent_at is None
    assert mail.outbox == []

    assert outbox.flush_outbox() == 1  # the periodic flush, once the queue is back
    (sent,) = mail.outbox
    assert sent.to == [respondent.email]
    link = re.search(r"https?://[^/\s]+(/konto/password/reset/[^\s]+/)", sent.body).group(1)
    page = client.get(link, follow=True)
    assert 'name="new_password1"' in page.content.decode()


@pytest.mark.parametrize("typed", ["  ANNA.LIND@KOMMUN.SE ", "ａｎｎａ.lind@kommun.se", "Anna.Lind@Kommun.se"])
def test_the_account_is_found_by_any_variant_of_its_address(client, typed, django_capture_on_commit_callbacks):
    UserFactory(email="anna.lind@kommun.se")
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, typed).status_code == 302
    assert [m.to for m in mail.outbox] == [["anna.lind@kommun.se"]]


def test_a_lookalike_address_gets_no_e_mail(client, django_capture_on_commit_callbacks):
    UserFactory(email="ida.lind@kommun.se")
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, "\u0131da.lind@kommun.se").status_code == 302  # the same answer as for any address
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()


def test_requests_for_one_address_are_limited_the_same_whether_it_has_an_account_or_not(
    client, respondent, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    answers = {}
    for email in (respondent.email, "nobody@kommun.example.se"):
        with django_capture_on_commit_callbacks(execute=True):
            statuses = [ask(client, email).status_code for _ in range(3)]
            limited = ask(client, email.upper())  # a variant of the address counts as the address
        answers[email] = (statuses, limited.status_code, LIMITED in limited.content.decode())
    assert answers[respondent.email] == answers["nobody@kommun.example.se"] == ([302, 302, 302], 429, True)
    assert OutgoingEmail.objects.count() == 3 and len(mail.outbox) == 3  # none for the refused request
    # Another address from the same client is not affected.
    other = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, other.email).status_code == 302
    assert mail.outbox[-1].to == [other.email]


def test_requests_from_one_client_are_limited_across_addresses(client, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 4
    users = [UserFactory() for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [ask(client, user.email, REMOTE_ADDR="198.51.100.7").status_code for user in users]
        elsewhere = ask(client, users[-1].email, REMOTE_ADDR="198.51.100.8")
    assert statuses == [302, 302, 302, 302, 429]
    assert elsewhere.status_code == 302  # another client may still ask
    assert sorted(m.to[0] for m in mail.outbox) == sorted([u.email for u in users[:4]] + [users[-1].email])


def test_behind_the_proxy_the_client_is_the_address_the_proxy_saw(client, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 2
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        # What the client itself writes in the header (the first entries) does not make it someone else.
        statuses = [
            ask(client, f"x{n}@kommun.example.se", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.5").status_code
            for n in range(3)
        ]
        other = ask(client, user.email, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert statuses == [302, 302, 429] and other.status_code == 302


def test_the_login_still_works_after_a_reset_was_asked_for(client, respondent):
    ask(client, respondent.email)
    response = client.post(reverse("login"), {"username": respondent.email, "password": PASSWORD})
    assert response.status_code == 302
