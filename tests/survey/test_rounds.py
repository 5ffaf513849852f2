"""Rounds as first-class objects: created with their fielding period (UI and `create_round`), their
times moved by the coordinator (audited, reminders follow), *Stäng nu*, and the list of rounds."""

from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from indicators.models import Publication
from survey.models import Response, SurveyRound
from survey.services.answer_import import import_answers
from survey.services.reminders import send_due_reminders

from .round_helpers import COMPLETE_VINR, add_contact, load_round_2024, local

pytestmark = pytest.mark.django_db

FORM_2024 = "survey/questionnaires/vinr-2024.md"


def test_load_questionnaire_takes_the_fielding_period_and_answers_from_its_first_day_import(coordinator):
    call_command("load_questionnaire", FORM_2024, "--year", "2024", "--opens", "2024-01-22", "--closes", "2024-03-13",
                 stdout=StringIO())  # fmt: skip
    survey_round = SurveyRound.objects.get(year=2024)
    assert timezone.localtime(survey_round.opens_at) == local(2024, 1, 22, 0, 0)
    assert timezone.localtime(survey_round.closes_at).strftime("%Y-%m-%d %H:%M") == "2024-03-13 23:59"
    lines = ["unit_code,question_code,value,submitted_at"]
    lines += [f"0880,{code},{value},2024-01-22" for code, value in COMPLETE_VINR.items()]
    report = import_answers(data="\n".join(lines).encode(), filename="svar.csv", survey_round=survey_round,
                            user=coordinator, dry_run=False)  # fmt: skip
    assert report.ok and report.submitted_parts == 1, [str(e) for e in report.errors]
    assert AuditEvent.objects.filter(code="survey.questionnaire.loaded", data__year=2024).exists()


def test_load_questionnaire_moves_the_times_of_a_round_that_exists_and_says_how_dates_are_read(capsys):
    load_round_2024()
    call_command("load_questionnaire", FORM_2024, "--year", "2024", "--opens", "2024-01-22", "--closes", "2024-03-13",
                 stdout=StringIO())  # fmt: skip
    survey_round = SurveyRound.objects.get(year=2024)
    assert timezone.localdate(survey_round.closes_at).isoformat() == "2024-03-13"
    event = AuditEvent.objects.get(code="survey.round.times_changed")
    assert event.data["old_closes_at"].startswith("2024-03-21") and event.data["closes_at"].startswith("2024-03-13")
    with pytest.raises(CommandError, match="before --opens"):
        call_command("load_questionnaire", FORM_2024, "--year", "2024", "--opens", "2024-03-13", "--closes",
                     "2024-01-22")  # fmt: skip
    with pytest.raises(SystemExit):
        call_command("load_questionnaire", "--help")
    help_text = " ".join(capsys.readouterr().out.split())
    assert "Europe/Stockholm" in help_text and "00:00" in help_text and "23:59" in help_text


def test_create_round_copies_last_years_questionnaire_and_invites_the_units():
    load_round_2024()
    out = StringIO()
    call_command("create_round", "--year", "2025", "--opens", "2025-01-22", "--closes", "2025-03-13",
                 "--copy-from", "2024", stdout=out)  # fmt: skip
    new, old = SurveyRound.objects.get(year=2025), SurveyRound.objects.get(year=2024)
    assert list(new.questions.values_list("code", flat=True)) == list(old.questions.values_list("code", flat=True))
    assert list(new.questions.get(code="overensk").choices.values_list("value", flat=True)) == list(
        old.questions.get(code="overensk").choices.values_list("value", flat=True)
    )
    assert new.questions.get(code="overensk").part.round == new
    assert "2025" in new.title and new.responses.count() > 280
    assert timezone.localtime(new.opens_at) == local(2025, 1, 22, 0, 0)
    with pytest.raises(CommandError, match="finns redan"):
        call_command("create_round", "--year", "2025", "--opens", "2025-01-22", "--closes", "2025-03-13",
                     "--copy-from", "2024")  # fmt: skip


def test_create_round_loads_a_questionnaire_file():
    call_command("create_round", "--year", "2026", "--opens", "2026-01-22", "--closes", "2026-03-13",
                 "--questionnaire", FORM_2024, stdout=StringIO())  # fmt: skip
    survey_round = SurveyRound.objects.get(year=2026)
    assert survey_round.questions.count() == 21 and survey_round.source_name == "vinr-2024.md"


def test_the_coordinator_creates_a_round_in_the_ui_with_swedish_validation(client, coordinator):
    load_round_2024()
    client.force_login(coordinator)
    url = reverse("survey:round-create")
    page = client.get(url).content.decode()
    assert "Kopiera enkäten från" in page
    wrong = client.post(url, {"year": 2025, "opens_on": "2025-03-13", "closes_on": "2025-01-22", "copy_from": 2024})
    assert "Sista dagen får inte vara före första dagen." in wrong.content.decode()
    assert not SurveyRound.objects.filter(year=2025).exists()
    created = client.post(url, {"year": 2025, "opens_on": "2025-01-22", "closes_on": "2025-03-13", "copy_from": 2024})
    assert created.status_code == 302
    assert SurveyRound.objects.get(year=2025).questions.count() == 21


def test_the_list_shows_the_newest_round_first_with_its_state_and_dates(client, coordinator):
    load_round_2024()
    call_command("create_round", "--year", "2027", "--opens", "2027-01-22", "--closes", "2027-03-13",
                 "--copy-from", "2024", stdout=StringIO())  # fmt: skip
    with time_machine.travel(local(2026, 12, 4, 10, 0), tick=False):
        client.force_login(coordinator)  # at the travelled time: a session from the real clock may have expired
        page = client.get(reverse("survey:round-list")).content.decode()
    assert page.index("<td>2027</td>") < page.index("<td>2024</td>")
    assert "kommande" in page and "stängd" in page
    assert "22 jan 2027 00:00 – 13 mar 2027 23:59" in page


def _settings_post(client, data: dict):  # noqa: ANN001, ANN202
    return client.post(reverse("survey:round-times", kwargs={"year": 2024}), data)


def test_a_later_deadline_moves_the_scheduled_reminders(client, coordinator, django_capture_on_commit_callbacks):
    survey_round = load_round_2024()  # open 1 February – 21 March 23:59
    survey_round.reminder_days = [7]
    survey_round.save()
    add_contact("0880", "Anna Lind", "anna@kalmar.se")
    client.force_login(coordinator)
    with time_machine.travel(local(2024, 3, 1, 10, 0), tick=False):
        saved = _settings_post(client, {"opens_at": "2024-02-01T00:00", "closes_at": "2024-03-28T23:59"})
    assert saved.status_code == 302
    survey_round.refresh_from_db()
    assert timezone.localtime(survey_round.closes_at).strftime("%Y-%m-%d %H:%M:%S") == "2024-03-28 23:59:59"
    event = AuditEvent.objects.get(code="survey.round.times_changed")
    assert event.actor == coordinator and event.data["closes_at"].startswith("2024-03-28")
    # 14 March was the reminder day of the old deadline; now it is 21 March.
    old_day, new_day = local(2024, 3, 14, 6, 5), local(2024, 3, 21, 6, 5)
    with time_machine.travel(old_day, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(now=old_day) == 0
    with time_machine.travel(new_day, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(now=new_day) == 1
    assert [m.to for m in mail.outbox] == [["anna@kalmar.se"]]
    assert "28 mars 2024" in mail.outbox[0].body


def test_reopening_a_closed_round_says_so_and_needs_a_confirmation(client, coordinator):
    survey_round = load_round_2024()
    client.force_login(coordinator)
    data = {"opens_at": "2024-02-01T00:00", "closes_at": "2024-04-30T23:59"}
    with time_machine.travel(local(2024, 4, 2, 10, 0), tick=False):
        asked = _settings_post(client, data)
        survey_round.refresh_from_db()
        assert timezone.localdate(survey_round.closes_at).isoformat() == "2024-03-21"
        text = asked.content.decode()
        assert "Enkäten har stängt: ändringen öppnar den igen, och alla enheter kan svara." in text
        assert not AuditEvent.objects.filter(code="survey.round.times_changed").exists()
        done = _settings_post(client, {**data, "confirmed": "1"})
        assert done.status_code == 302
        survey_round.refresh_from_db()
        assert survey_round.is_open(now=timezone.now())
    event = AuditEvent.objects.get(code="survey.round.times_changed")
    assert event.data["confirmed"] == ["Enkäten har stängt: ändringen öppnar den igen, och alla enheter kan svara."]


def test_closing_before_opening_is_refused_in_swedish(client, coordinator):
    load_round_2024()
    client.force_login(coordinator)
    refused = _settings_post(client, {"opens_at": "2024-03-01T00:00", "closes_at": "2024-02-01T23:59"})
    assert "Enkäten måste stänga efter att den öppnar." in refused.content.decode()


def test_close_now_asks_first_then_closes_the_round_but_not_running_extensions(client, coordinator):
    survey_round = load_round_2024()
    extended = Response.objects.get(round=survey_round, unit__code="0881")
    extended.extended_until = local(2024, 4, 15, 23, 59)
    extended.save()
    client.force_login(coordinator)
    url = reverse("survey:round-close", kwargs={"year": 2024})
    with time_machine.travel(local(2024, 3, 1, 10, 0), tick=False):
        settings_page = client.get(reverse("survey:round-settings", kwargs={"year": 2024})).content.decode()
        assert "Stäng nu" in settings_page
        asked = client.get(url).content.decode()
        assert "Enkäten är öppen: ändringen stänger den nu, och ingen enhet kan svara vidare." in asked
        assert "1 enheter har förlängd svarstid och kan svara tills den går ut." in asked
        survey_round.refresh_from_db()
        assert survey_round.is_open(now=timezone.now())
        closed = client.post(url, {"confirmed": "1"})
        assert closed.status_code == 302
        now = timezone.now()
        survey_round.refresh_from_db()
        kalmar = Response.objects.get(round=survey_round, unit__code="0880")
        assert not survey_round.is_open(now=now) and not kalmar.is_open(now=now)
        assert Response.objects.get(pk=extended.pk).is_open(now=now)
    assert AuditEvent.objects.filter(code="survey.round.times_changed", actor=coordinator).exists()


def test_a_published_round_keeps_its_period_and_is_listed_as_published(client, coordinator, analyst):
    load_round_2024()
    Publication.objects.create(year=2024, revision=1, published_at=timezone.now(), published_by=analyst)
    client.force_login(coordinator)
    page = client.get(reverse("survey:round-settings", kwargs={"year": 2024})).content.decode()
    assert "Resultaten är publicerade, så perioden kan inte längre ändras." in page and "Stäng nu" not in page
    assert "publicerad" in client.get(reverse("survey:round-list")).content.decode()
    _settings_post(client, {"opens_at": "2024-02-01T00:00", "closes_at": "2024-03-28T23:59"})
    assert timezone.localdate(SurveyRound.objects.get(year=2024).closes_at).isoformat() == "2024-03-21"


def test_the_ui_loads_a_new_rounds_questionnaire_from_a_file_and_refuses_a_year_that_exists(client, coordinator):
    client.force_login(coordinator)
    url = reverse("survey:round-create")

    def post(year: int):  # noqa: ANN202
        upload = SimpleUploadedFile("vinr-2024.md", Path(FORM_2024).read_bytes())
        return client.post(url, {"year": year, "opens_on": f"{year}-01-22", "closes_on": f"{year}-03-13",
                                 "file": upload})  # fmt: skip

    assert post(2026).status_code == 302
    survey_round = SurveyRound.objects.get(year=2026)
    assert survey_round.questions.count() == 21 and timezone.localtime(survey_round.opens_at) == local(2026, 1, 22)
    assert "Enkäten för 2026 finns redan." in post(2026).content.decode()
