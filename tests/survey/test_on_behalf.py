"""A coordinator working on a unit's behalf: the history says so, the unit's contact persons get the
receipt too, an extension is e-mailed to them with its reason, and a part of a closed round is
reopened only with a new deadline that the e-mail then gives."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import OutgoingEmail
from survey.models import AnswerChange, PartSubmission, Response, SurveyRound
from survey.services import Change, ResponseClosed, reopen_part, save_answers, submit_part
from tests.survey.round_helpers import COMPLETE_VINR, add_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def kalmar(open_round_2024):
    add_contact("0880", "Anna Lind", "anna.lind@kalmar.se")
    add_contact("0880", "Bo Ek", "bo.ek@kalmar.se", role="co_respondent")
    return Response.objects.get(round=open_round_2024, unit__code="0880")


def part_url(response, name="survey:response-part", part="vinr") -> str:
    return reverse(name, kwargs={"pk": response.pk, "part": part})


def test_a_coordinators_answers_are_recorded_as_on_the_units_behalf(client, coordinator, respondent, kalmar):
    client.force_login(coordinator)
    client.post(part_url(kalmar), {"fortb_barn": "ja", "v_fortb_barn": "0", "o_fortb_barn": ""})
    assert AnswerChange.objects.get(question__code="fortb_barn").channel == "on_behalf"
    client.force_login(respondent)
    client.post(part_url(kalmar), {"fortb_vuxna": "ja", "v_fortb_vuxna": "0", "o_fortb_vuxna": ""})
    assert AnswerChange.objects.get(question__code="fortb_vuxna").channel == "web"
    history = client.get(reverse("survey:response-history", kwargs={"pk": kalmar.pk})).content.decode()
    assert "Samordnare för enhetens räkning" in history and "Webbformulär" in history


def test_a_part_submitted_on_the_units_behalf_sends_the_receipt_to_its_contacts_too(
    client, coordinator, kalmar, django_capture_on_commit_callbacks
):
    save_answers(response=kalmar, changes={k: Change(v) for k, v in COMPLETE_VINR.items()}, user=coordinator)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(part_url(kalmar, "survey:response-review"))
    receipts = OutgoingEmail.objects.filter(kind="receipt")
    assert sorted(receipts.values_list("to", flat=True)) == sorted(
        [coordinator.email, "anna.lind@kalmar.se", "bo.ek@kalmar.se"]
    )
    assert all(f"{coordinator} bland de nationella samordnarna skickade in den för enhetens räkning." in r.body
               for r in receipts)  # fmt: skip


def test_a_respondents_own_submission_sends_the_receipt_to_them_alone(respondent, kalmar):
    save_answers(response=kalmar, changes={k: Change(v) for k, v in COMPLETE_VINR.items()}, user=respondent)
    submit_part(response=kalmar, part=kalmar.round.parts.get(code="vinr"), user=respondent)
    receipt = OutgoingEmail.objects.get(kind="receipt")
    assert receipt.to == respondent.email and "för enhetens räkning" not in receipt.body


def test_an_extension_is_e_mailed_to_the_units_contacts_with_its_reason(client, coordinator, kalmar):
    client.force_login(coordinator)
    url = reverse("survey:response-extend", kwargs={"pk": kalmar.pk})
    assert "skickas med e-post till dess kontaktpersoner" in client.get(url).content.decode()
    until = timezone.localtime(kalmar.round.closes_at + timedelta(days=7))
    client.post(url, {"until": until.strftime("%Y-%m-%d %H:%M"), "reason": "Sjukdom i enheten"})
    emails = OutgoingEmail.objects.filter(kind="extended")
    assert sorted(emails.values_list("to", flat=True)) == ["anna.lind@kalmar.se", "bo.ek@kalmar.se"]
    body = emails.first().body
    assert "Sjukdom i enheten" in body and f"Sista dag att svara är nu {until.day} " in body


def test_a_part_of_a_closed_round_is_reopened_only_with_a_new_deadline(respondent, coordinator, kalmar):
    part = kalmar.round.parts.get(code="vinr")
    save_answers(response=kalmar, changes={k: Change(v) for k, v in COMPLETE_VINR.items()}, user=respondent)
    submit_part(response=kalmar, part=part, user=respondent, notify=False)
    SurveyRound.objects.filter(pk=kalmar.round_id).update(closes_at=timezone.now() - timedelta(days=1))
    kalmar = Response.objects.get(pk=kalmar.pk)
    with pytest.raises(ResponseClosed, match="ange en ny stängningstid"):
        reopen_part(response=kalmar, part=part, reason="Fel antal", user=coordinator)
    assert PartSubmission.objects.filter(response=kalmar).exists()  # nothing changed
    until = timezone.now() + timedelta(days=5)
    reopen_part(response=kalmar, part=part, reason="Fel antal", user=coordinator, until=until)
    kalmar.refresh_from_db()
    assert kalmar.extended_until == until and not PartSubmission.objects.filter(response=kalmar).exists()
    reopened = OutgoingEmail.objects.filter(kind="reopened").first()
    assert f"Sista dag att svara är {timezone.localtime(until).day} " in reopened.body


def test_the_task_list_asks_for_a_new_deadline_when_reopening_in_a_closed_round(
    client, respondent, coordinator, kalmar
):
    part = kalmar.round.parts.get(code="vinr")
    save_answers(response=kalmar, changes={k: Change(v) for k, v in COMPLETE_VINR.items()}, user=respondent)
    submit_part(response=kalmar, part=part, user=respondent, notify=False)
    client.force_login(coordinator)
    detail = reverse("survey:response-detail", kwargs={"pk": kalmar.pk})
    assert 'name="until"' not in client.get(detail).content.decode()
    SurveyRound.objects.filter(pk=kalmar.round_id).update(closes_at=timezone.now() - timedelta(days=1))
    assert "Ny stängningstid (enhetens sista dag har passerat)" in client.get(detail).content.decode()
    page = client.post(part_url(kalmar, "survey:response-reopen"), {"reason": "Fel antal"}, follow=True)
    assert "ange en ny stängningstid" in page.content.decode()
