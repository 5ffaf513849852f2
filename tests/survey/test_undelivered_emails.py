"""E-mails that did not go out, as coordinators see them (*E-post som inte skickats*): the failed
ones with the mail server's reason and the waiting ones; send one again, or correct a contact
person's address (the contact changes too, an invitation gets a new link), each in the audit log."""

from smtplib import SMTPRecipientsRefused
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.models import AuditEvent, OutgoingEmail
from survey.models import Contact
from survey.services.invitations import invite_contacts

from .round_helpers import add_contact, link_in, load_round_2024

pytestmark = pytest.mark.django_db

PAGE = reverse("survey:email-list")


def refused(address: str) -> SMTPRecipientsRefused:
    return SMTPRecipientsRefused({address: (550, b"5.1.1 User unknown")})


@pytest.fixture
def failed_invitation(coordinator):  # noqa: ANN001, ANN201
    """Bo's invitation went to a mistyped address, which the mail server refused."""
    survey_round = load_round_2024()
    bo = add_contact("0880", "Bo Ek", "bo.ek@kalmr.se")
    invite_contacts(survey_round=survey_round, contacts=[bo], user=coordinator)
    with mock.patch("core.outbox.EmailMessage.send", side_effect=refused("bo.ek@kalmr.se")):
        outbox.flush_outbox()
    return OutgoingEmail.objects.get(kind="invitation")


def test_a_failed_invitation_is_shown_with_its_reason_and_reached_from_the_contacts_page(
    client, coordinator, failed_invitation
):
    client.force_login(coordinator)
    contacts = client.get(reverse("survey:round-contacts", kwargs={"year": 2024})).content.decode()
    assert "kunde inte skickas" in contacts and f'href="{PAGE}"' in contacts
    page = client.get(PAGE).content.decode()
    assert "<h1>E-post som inte skickats</h1>" in page
    assert "1 e-postmeddelande har misslyckats." in page
    assert "bo.ek@kalmr.se: 550 5.1.1 User unknown" in page and "Bo Ek" in page
    assert "Rätta kontaktpersonens adress och skicka" in page


def test_a_coordinator_sends_a_failed_email_again(
    client, coordinator, failed_invitation, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("survey:email-retry", kwargs={"pk": failed_invitation.pk}), follow=True)
    assert "E-postmeddelandet till bo.ek@kalmr.se skickas igen." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["bo.ek@kalmr.se"]]  # the server took it this time
    failed_invitation.refresh_from_db()
    assert failed_invitation.sent_at is not None and failed_invitation.failed_at is None
    event = AuditEvent.objects.get(code="core.email.retried")
    assert event.actor == coordinator and event.data["to"] == "bo.ek@kalmr.se"


def test_correcting_the_address_changes_the_contact_and_sends_an_invitation_with_a_new_link(
    client, coordinator, failed_invitation, django_capture_on_commit_callbacks
):
    old_body = failed_invitation.body
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("survey:email-correct", kwargs={"pk": failed_invitation.pk}),
            {"address": " Bo.Ek@Kalmar.se "}, follow=True,
        )  # fmt: skip
    assert "Bo Ek har nu adressen bo.ek@kalmar.se, och e-postmeddelandet skickas dit." in response.content.decode()
    assert Contact.objects.get().email == "bo.ek@kalmar.se"
    (sent,) = mail.outbox
    assert sent.to == ["bo.ek@kalmar.se"] and link_in(sent.body) != link_in(old_body)
    assert 'name="new_password1"' in client.get(link_in(sent.body)).content.decode()
    assert "Länken har gått ut" in client.get(link_in(old_body)).content.decode()  # the link to the wrong address
    assert Contact.objects.get().user.email == "bo.ek@kalmar.se"
    retried = AuditEvent.objects.get(code="core.email.retried")
    assert (retried.data["old_to"], retried.data["to"]) == ("bo.ek@kalmr.se", "bo.ek@kalmar.se")
    assert AuditEvent.objects.filter(code="survey.contact.saved", actor=coordinator).exists()
    assert "Inga." in client.get(PAGE).content.decode()  # nothing fails or waits any more


def test_a_wrong_correction_is_refused_at_the_email_with_a_swedish_message(client, coordinator, failed_invitation):
    add_contact("0880", "Anna Lind", "anna.lind@kalmar.se")
    client.force_login(coordinator)
    url = reverse("survey:email-correct", kwargs={"pk": failed_invitation.pk})
    page = client.post(url, {"address": "bo.ek(at)kalmar.se"})
    assert page.status_code == 400
    assert "Ange en e-postadress, till exempel anna.lind@kommun.se." in page.content.decode()
    assert 'value="bo.ek(at)kalmar.se"' in page.content.decode()
    page = client.post(url, {"address": "ANNA.LIND@kalmar.se"})
    assert page.status_code == 400
    assert "Enheten har redan en kontaktperson med den här e-postadressen." in page.content.decode()
    assert Contact.objects.get(name="Bo Ek").email == "bo.ek@kalmr.se" and mail.outbox == []


def test_an_email_to_no_contact_person_can_be_sent_again_but_not_elsewhere(client, coordinator, respondent):
    """A password reset's address is the account's: no coordinator may send its link elsewhere."""
    client.post(reverse("password_reset"), {"email": respondent.email})
    reset = OutgoingEmail.objects.get(kind="password_reset")
    OutgoingEmail.objects.filter(pk=reset.pk).update(failed_at=reset.created_at, last_error="451 later")
    client.force_login(coordinator)
    page = client.get(PAGE).content.decode()
    assert respondent.email in page and "Skicka igen" in page and "Rätta kontaktpersonens adress" not in page
    response = client.post(reverse("survey:email-correct", kwargs={"pk": reset.pk}), {"address": "evil@example.com"})
    assert response.status_code == 400
    assert "Bara e-post till en kontaktperson kan skickas till en annan adress." in response.content.decode()
    reset.refresh_from_db()
    assert reset.to == respondent.email and reset.failed_at is not None


def test_a_sent_email_cannot_be_sent_again(client, coordinator, failed_invitation):
    OutgoingEmail.objects.filter(pk=failed_invitation.pk).update(sent_at=failed_invitation.created_at)
    client.force_login(coordinator)
    assert client.post(reverse("survey:email-retry", kwargs={"pk": failed_invitation.pk})).status_code == 404


@pytest.mark.parametrize("role", ["respondent", "analyst"])
def test_only_coordinators_see_and_resend_emails(client, role, request, failed_invitation):
    client.force_login(request.getfixturevalue(role))
    assert client.get(PAGE).status_code == 403
    assert client.post(reverse("survey:email-retry", kwargs={"pk": failed_invitation.pk})).status_code == 403
    url = reverse("survey:email-correct", kwargs={"pk": failed_invitation.pk})
    assert client.post(url, {"address": "x@kalmar.se"}).status_code == 403
    failed_invitation.refresh_from_db()
    assert failed_invitation.failed_at is not None and failed_invitation.to == "bo.ek@kalmr.se"


def test_a_long_outage_shows_the_first_emails_and_how_many_wait(client, coordinator):
    now = timezone.now()
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(key=f"test:{n}", kind="reminder", to=f"p{n}@kalmar.se", subject="S", body="B", created_at=now)
        for n in range(201)
    )
    client.force_login(coordinator)
    page = client.get(PAGE).content.decode()
    assert "De första 200 av 201 visas." in page
    assert page.count("Väntar på att skickas") == 200
