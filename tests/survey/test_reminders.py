import threading
from collections import Counter
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django.urls import reverse

from core.models import OutgoingEmail
from survey.models import PartSubmission, Response
from survey.services import Change, save_answers
from survey.services.reminders import due_reminder_day, send_due_reminders

from .round_helpers import add_contact, load_round_2024, local

MARCH_7 = local(2024, 3, 7, 6, 5)  # 14 days before the round's last day, 21 March


def test_the_due_day_is_the_latest_reminder_day_up_to_today_after_the_opening_day():
    due = {"opens_on": date(2024, 2, 1), "closes_on": date(2024, 3, 21), "days": [14, 7, 2]}
    assert due_reminder_day(**due, today=date(2024, 3, 6)) is None
    assert due_reminder_day(**due, today=date(2024, 3, 7)) == date(2024, 3, 7)
    assert due_reminder_day(**due, today=date(2024, 3, 13)) == date(2024, 3, 7)
    assert due_reminder_day(**due, today=date(2024, 3, 20)) == date(2024, 3, 19)
    assert due_reminder_day(**{**due, "opens_on": date(2024, 3, 10)}, today=date(2024, 3, 10)) is None


@pytest.mark.django_db
def test_units_that_submitted_everything_are_never_reminded(coordinator, django_capture_on_commit_callbacks):
    round_ = load_round_2024()
    add_contact("0880", "Anna Lind", "anna@kalmar.se")
    add_contact("0881", "Bo Ek", "bo@nybro.se")
    kalmar = Response.objects.get(round=round_, unit__code="0880")
    for part in round_.parts.all():
        PartSubmission.objects.create(response=kalmar, part=part, submitted_at=MARCH_7)
    with time_machine.travel(MARCH_7, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(now=MARCH_7) == 1
    assert [m.to for m in mail.outbox] == [["bo@nybro.se"]]


@pytest.mark.django_db
def test_no_reminders_when_the_round_has_no_reminder_days(client, coordinator, django_capture_on_commit_callbacks):
    load_round_2024()
    add_contact("0880", "Anna Lind", "anna@kalmar.se")
    client.force_login(coordinator)
    settings_url = reverse("survey:round-settings", kwargs={"year": 2024})
    wrong = client.post(settings_url, {"reminder_days": "14, 7, x"})
    assert "”x” är inte ett antal dagar från 1 till 90." in wrong.content.decode()
    client.post(settings_url, {"reminder_days": ""})
    with time_machine.travel(MARCH_7, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(now=MARCH_7) == 0
    client.post(settings_url, {"reminder_days": "3; 10"})
    with time_machine.travel(local(2024, 3, 11, 6, 5), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(now=local(2024, 3, 11, 6, 5)) == 1


@pytest.mark.django_db
def test_a_manual_reminder_is_previewed_then_sent_once(client, coordinator, respondent,
                                                       django_capture_on_commit_callbacks):  # fmt: skip
    round_ = load_round_2024()
    add_contact("0880", "Anna Lind", "anna@kalmar.se")
    add_contact("0881", "Bo Ek", "bo@nybro.se")
    add_contact("0882", "Cia Berg", "cia@oskarshamn.se")
    kalmar = Response.objects.get(round=round_, unit__code="0880")
    nybro = Response.objects.get(round=round_, unit__code="0881")
    with time_machine.travel(local(2024, 3, 1, 10, 0), tick=False):
        save_answers(response=kalmar, changes={"namnd": Change("Socialnämnden")}, user=respondent)
        PartSubmission.objects.create(response=nybro, part=round_.parts.get(code="allman"), submitted_at=MARCH_7)
        client.force_login(coordinator)
        url = reverse("survey:round-reminders", kwargs={"year": 2024})

        started = client.get(url, {"status": "started"}).content.decode()
        assert "anna@kalmar.se" in started and "bo@nybro.se" in started and "cia@oskarshamn.se" not in started
        not_started = client.get(url, {"status": "not_started"}).content.decode()
        assert "cia@oskarshamn.se" in not_started and "anna@kalmar.se" not in not_started
        vinr = client.get(url, {"status": "part_not_submitted", "part": "vinr"}).content.decode()
        assert all(email in vinr for email in ("anna@kalmar.se", "bo@nybro.se", "cia@oskarshamn.se"))
        allman = client.get(url, {"status": "part_not_submitted", "part": "allman"}).content.decode()
        assert "bo@nybro.se" not in allman
        missing_part = client.get(url, {"status": "part_not_submitted"}).content.decode()
        assert "Välj delen." in missing_part

        preview = client.get(url, {"status": "started", "note": "Hör av er om ni behöver mer tid."})
        page = preview.content.decode()
        assert "Skicka påminnelsen till 2 mottagare" in page
        assert "Påminnelse: Öppna jämförelser 2024 – Våld i nära relationer för Kalmar" in page
        assert "Hör av er om ni behöver mer tid." in page
        assert mail.outbox == []  # a preview sends nothing
        batch = preview.context["batch"]
        form = {"status": "started", "part": "", "note": "Hör av er om ni behöver mer tid.", "batch": batch}
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, form)
            client.post(url, form)  # a double click
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@kalmar.se", "bo@nybro.se"]
    bo = next(m for m in mail.outbox if m.to == ["bo@nybro.se"])
    assert "- Våld i nära relationer\n" in bo.body and "Allmän del" not in bo.body
    assert "Hör av er om ni behöver mer tid." in bo.body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL: make test-services")
def test_the_reminder_job_run_by_two_workers_at_once_sends_each_reminder_once(committed_db):
    load_round_2024()
    for code, email in [("0880", "anna@kalmar.se"), ("0881", "bo@nybro.se"), ("0882", "cia@oskarshamn.se")]:
        add_contact(code, code, email)
    start = threading.Barrier(2)
    results, errors = [], []

    def worker() -> None:
        try:
            start.wait()
            results.append(send_due_reminders(now=MARCH_7))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    with time_machine.travel(MARCH_7, tick=False):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    assert sum(results) == 3
    assert Counter(m.to[0] for m in mail.outbox) == {"anna@kalmar.se": 1, "bo@nybro.se": 1, "cia@oskarshamn.se": 1}
    assert OutgoingEmail.objects.filter(sent_at__isnull=False).count() == 3
