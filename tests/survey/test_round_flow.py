"""A round driven from invitation through reminders to submissions, on a frozen clock, checking
every e-mail that goes out."""

import time_machine
from django.core import mail
from django.urls import reverse

from core.models import OutgoingEmail
from survey.models import Contact, Response
from survey.services import Change, extend_deadline, reopen_part, save_answers, submit_part
from survey.services.reminders import send_due_reminders

from .round_helpers import COMPLETE_ALLMAN, COMPLETE_VINR, link_in, load_round_2024, local

CONTACTS_CSV = (
    "\ufeffunit_code;name;email;role\r\n"
    "0880;Anna Lind;Anna.Lind@kalmar.se;ansvarig\r\n"
    "0880;Bo Ek;bo.ek@kalmar.se;medrespondent\r\n"
    "0881;Cecilia Berg;cecilia.berg@nybro.se;\r\n"
)


def mails_since(count: int) -> list:
    return mail.outbox[count:]


def submit_everything(response: Response, user) -> None:  # noqa: ANN001
    changes = {code: Change(value) for code, value in {**COMPLETE_ALLMAN, **COMPLETE_VINR}.items()}
    save_answers(response=response, changes=changes, user=user)
    for part in response.round.parts.all():
        submit_part(response=response, part=part, user=user, notify=False)


def test_a_round_from_invitation_through_reminders_to_submission(
    client, coordinator, django_capture_on_commit_callbacks
):
    round_ = load_round_2024()
    kalmar = Response.objects.get(round=round_, unit__code="0880")
    nybro = Response.objects.get(round=round_, unit__code="0881")
    coordinator_client = client.__class__()
    coordinator_client.force_login(coordinator)

    # Before opening: contacts from Swedish Excel's CSV, then the invitations.
    with time_machine.travel(local(2024, 1, 29, 10, 0), tick=False):
        upload = coordinator_client.post(
            reverse("survey:contact-import"),
            {"file": _file("kontakter.csv", CONTACTS_CSV.encode("utf-8")), "dry_run": ""},
        )
        assert "3 nya kontaktpersoner" in upload.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            coordinator_client.post(reverse("survey:round-contacts", kwargs={"year": 2024}), {"action": "invite-new"})
    invitations = {m.to[0]: m for m in mail.outbox}
    assert set(invitations) == {"anna.lind@kalmar.se", "bo.ek@kalmar.se", "cecilia.berg@nybro.se"}
    anna_mail = invitations["anna.lind@kalmar.se"]
    assert anna_mail.subject == "Inbjudan: Öppna jämförelser 2024 – Våld i nära relationer för Kalmar"
    assert "Hej Anna Lind," in anna_mail.body
    assert "Sista dag att svara är 21 mars 2024 23:59." in anna_mail.body
    assert "12 februari 2024 10:00" in anna_mail.body  # the link works 14 days
    assert "Nybro" in invitations["cecilia.berg@nybro.se"].subject
    assert link_in(anna_mail.body) != link_in(invitations["bo.ek@kalmar.se"].body)

    # Anna's link sets her password and logs her in, once.
    anna_link = link_in(anna_mail.body)
    with time_machine.travel(local(2024, 2, 2, 9, 0), tick=False):
        page = client.get(anna_link)
        assert "Kalmar" in page.content.decode() and 'name="new_password1"' in page.content.decode()
        done = client.post(anna_link, {"new_password1": "ett-bra-losenord-24", "new_password2": "ett-bra-losenord-24"})
        assert done.status_code == 302 and done["Location"] == reverse("home")
        assert "Kalmar" in client.get(reverse("home")).content.decode()
        client.logout()
        assert "Länken har redan använts" in client.get(anna_link).content.decode()
        login = client.post(reverse("login"), {"username": "anna.lind@kalmar.se", "password": "ett-bra-losenord-24"})
        assert login.status_code == 302
        client.logout()
    anna = Contact.objects.get(email="anna.lind@kalmar.se").user
    assert anna.last_login is not None
    coordinator_client.force_login(coordinator)
    listing = coordinator_client.get(reverse("survey:round-contacts", kwargs={"year": 2024})).content.decode()
    assert "2024-02-02 09:00" in listing  # Anna has logged in

    # Bo's link expires unused; he asks for a new one, which comes to his address only.
    bo_link = link_in(invitations["bo.ek@kalmar.se"].body)
    with time_machine.travel(local(2024, 2, 20, 8, 0), tick=False):
        assert "Länken har gått ut" in client.get(bo_link).content.decode()
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            renewed = client.post(reverse("survey:invitation-renew", kwargs={"token": bo_link.split("/")[-2]}))
        assert "b***@kalmar.se" in renewed.content.decode()
        (new_mail,) = mails_since(before)
        assert new_mail.to == ["bo.ek@kalmar.se"]
        assert 'name="new_password1"' in client.get(link_in(new_mail.body)).content.decode()
        assert "Länken har gått ut" in client.get(bo_link).content.decode()

    # 14 days before the deadline: everyone is reminded, once, however often the job runs.
    with time_machine.travel(local(2024, 3, 7, 6, 5), tick=False):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_reminders(now=local(2024, 3, 7, 6, 5)) == 3
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_reminders(now=local(2024, 3, 7, 7, 5)) == 0
        reminders = mails_since(before)
    assert sorted(m.to[0] for m in reminders) == ["anna.lind@kalmar.se", "bo.ek@kalmar.se", "cecilia.berg@nybro.se"]
    anna_reminder = next(m for m in reminders if m.to == ["anna.lind@kalmar.se"])
    assert anna_reminder.subject == "Påminnelse: Öppna jämförelser 2024 – Våld i nära relationer för Kalmar"
    assert "- Allmän del\n- Våld i nära relationer\n" in anna_reminder.body
    assert "21 mars 2024 23:59" in anna_reminder.body
    assert f"/svar/{kalmar.pk}/" in anna_reminder.body

    # Kalmar submits; Nybro gets a week more.
    with time_machine.travel(local(2024, 3, 10, 14, 0), tick=False):
        submit_everything(kalmar, anna)
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            extend_deadline(response=nybro, until=local(2024, 3, 28, 23, 59), reason="Sjukdom", user=coordinator)
        told = mails_since(before)
    assert [m.to[0] for m in told] == ["cecilia.berg@nybro.se"]
    assert "28 mars 2024 23:59" in told[0].body and "Sjukdom" in told[0].body

    def reminded_on(*moment: int) -> list[str]:
        before = len(mail.outbox)
        with time_machine.travel(local(*moment), tick=False), django_capture_on_commit_callbacks(execute=True):
            send_due_reminders(now=local(*moment))
        return [m.to[0] for m in mails_since(before)]

    # Kalmar is never reminded again; Nybro's reminders follow its new deadline (28 March).
    assert reminded_on(2024, 3, 14, 6, 5) == ["cecilia.berg@nybro.se"]  # 14 days before 28 March
    assert reminded_on(2024, 3, 19, 6, 5) == []  # 2 days before 21 March: Kalmar has submitted
    assert reminded_on(2024, 3, 21, 6, 5) == ["cecilia.berg@nybro.se"]  # 7 days before 28 March
    extended = mail.outbox[-1]
    assert "28 mars 2024 23:59" in extended.body and "förlängts" in extended.body
    assert reminded_on(2024, 3, 26, 6, 5) == ["cecilia.berg@nybro.se"]  # 2 days before 28 March
    assert reminded_on(2024, 3, 27, 6, 5) == []
    assert reminded_on(2024, 3, 29, 6, 5) == []  # closed

    # Reopening a submitted part after the deadline gives a new one and tells the unit's contact
    # persons why, and until when.
    with time_machine.travel(local(2024, 3, 30, 10, 0), tick=False):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            reopen_part(response=kalmar, part=round_.parts.get(code="vinr"), reason="Fel antal i fråga 13",
                        user=coordinator, until=local(2024, 4, 5, 23, 59))  # fmt: skip
        sent = mails_since(before)
    reopened = [m for m in sent if "öppnats igen" in m.subject]
    assert sorted(m.to[0] for m in reopened) == ["anna.lind@kalmar.se", "bo.ek@kalmar.se"]
    assert "Fel antal i fråga 13" in reopened[0].body and "5 april 2024 23:59" in reopened[0].body
    assert sorted(m.to[0] for m in sent if m not in reopened) == ["anna.lind@kalmar.se", "bo.ek@kalmar.se"]

    # Every e-mail went through the outbox and left it exactly once.
    assert OutgoingEmail.objects.count() == len(mail.outbox)
    assert not OutgoingEmail.objects.filter(sent_at__isnull=True).exists()


def _file(name: str, content: bytes):  # noqa: ANN202
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
