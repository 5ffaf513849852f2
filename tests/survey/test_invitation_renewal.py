"""Asking for a new invitation link: limited per invited address and per client, each refusal says
so in Swedish and queues nothing; a request just after the last new link says that none was sent."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from core.models import OutgoingEmail
from core.outbox import flush_outbox
from survey.models import Invitation
from survey.services.invitations import hash_token, invite_contacts

from .round_helpers import add_contact, link_in, load_round_2024, local

pytestmark = pytest.mark.django_db

START = local(2024, 2, 20, 8, 0)  # 07:00 UTC: the steps below stay within one hour's count


def invited(*emails: str, coordinator) -> list[str]:  # noqa: ANN001
    """Invites one contact of Kalmar per address and gives their tokens, the links expired."""
    survey_round = load_round_2024()
    contacts = [add_contact("0880", f"Person {n}", email) for n, email in enumerate(emails)]
    with time_machine.travel(local(2024, 2, 1, 9, 0), tick=False):
        invite_contacts(survey_round=survey_round, contacts=contacts, user=coordinator)
    flush_outbox()
    tokens = [link_in(m.body).split("/")[-2] for m in sorted(mail.outbox, key=lambda m: emails.index(m.to[0]))]
    Invitation.objects.update(expires_at=local(2024, 2, 2, 9, 0))
    mail.outbox.clear()
    return tokens


def renew(client, token: str, **extra: str):  # noqa: ANN001, ANN201
    return client.post(reverse("survey:invitation-renew", kwargs={"token": token}), **extra)


def test_a_second_request_right_after_a_new_link_says_that_none_was_sent(
    client, coordinator, django_capture_on_commit_callbacks
):
    (token,) = invited("bo.ek@kalmar.se", coordinator=coordinator)
    with time_machine.travel(START, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert "En ny länk är på väg" in renew(client, token).content.decode()
        again = renew(client, token).content.decode()
    assert "Ingen ny länk skickades" in again and "En ny länk är på väg" not in again
    assert "för bara några minuter sedan" in again and "b***@kalmar.se" in again
    assert len(mail.outbox) == 1


def test_new_links_for_one_address_are_limited_per_hour(
    client, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.INVITATION_RENEWAL_LIMIT_PER_ADDRESS = 3
    (token,) = invited("bo.ek@kalmar.se", coordinator=coordinator)
    statuses = []
    for step in range(4):  # each after the five minutes between new links
        with time_machine.travel(START + timedelta(minutes=6 * step), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                page = renew(client, token, REMOTE_ADDR=f"198.51.100.{step}")  # from other clients too
            statuses.append(page.status_code)
    assert statuses == [200, 200, 200, 429]
    assert "Nya länkar har begärts för många gånger. Vänta en timme och försök igen." in page.content.decode()
    assert len(mail.outbox) == 3 and OutgoingEmail.objects.filter(kind="invitation").count() == 4  # 1 + 3
    with time_machine.travel(START + timedelta(hours=1, minutes=5), tick=False):
        assert renew(client, token).status_code == 200  # the next hour


def test_new_links_from_one_client_are_limited_per_hour(
    client, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.INVITATION_RENEWAL_LIMIT_PER_CLIENT = 2
    tokens = invited("a@kalmar.se", "b@kalmar.se", "c@kalmar.se", coordinator=coordinator)
    with time_machine.travel(START, tick=False), django_capture_on_commit_callbacks(execute=True):
        statuses = [renew(client, token, REMOTE_ADDR="198.51.100.9").status_code for token in tokens]
        elsewhere = renew(client, tokens[-1], REMOTE_ADDR="198.51.100.10")
    assert statuses == [200, 200, 429] and elsewhere.status_code == 200
    assert sorted(m.to[0] for m in mail.outbox) == ["a@kalmar.se", "b@kalmar.se", "c@kalmar.se"]
    assert Invitation.objects.filter(token_hash=hash_token(tokens[-1])).exists()
