from datetime import timedelta

import pytest
from django.core import mail
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from core.models import AuditEvent
from survey.models import Answer, AnswerChange, PartSubmission, Response, SurveyRound
from survey.services import (
    Change,
    PartIncomplete,
    ResponseClosed,
    extend_deadline,
    reopen_part,
    save_answers,
    submit_part,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COMPLETE_VINR = {
    "skydd_rutin": "ja", "skola_rutin": "nej", "fortb_vuxna": "ja", "fortb_barn": "ja", "su_foljt_upp": "nej",
    "uppf_myndighet": "ja", "uppf_utforare": "nej", "overensk": "polis kvinnojour", "overensk_uppfoljd": "polis",
    "stod_beslut_kvinnor": "ja", "stod_beslut_man": "ja", "stod_service_kvinnor": "nej", "stod_service_man": "nej",
    "antal_skyddat_boende": "12",
}  # fmt: skip


@pytest.fixture
def open_round(open_round_2024):
    return open_round_2024


@pytest.fixture
def kalmar(open_round):
    return Response.objects.get(round=open_round, unit__code="0880")


def answers_of(response):
    return dict(Answer.objects.filter(response=response).values_list("question__code", "value"))


def save(response, user, **values):
    return save_answers(response=response, user=user, changes={k: Change(v) for k, v in values.items()})


def test_loading_a_round_invites_the_units_that_report_that_year(open_round):
    assert open_round.responses.count() == 303
    assert not open_round.responses.filter(unit__code="0180").exists()


def test_a_wrong_value_keeps_every_other_answer(kalmar, respondent):
    result = save(kalmar, respondent, fortb_barn="ja", antal_skyddat_boende="tolv", skola_rutin="kanske")
    assert answers_of(kalmar) == {"fortb_barn": "ja"}
    assert result.errors == {
        "antal_skyddat_boende": "Ange ett heltal, utan decimaler.",
        "skola_rutin": "Välj bland de svarsalternativ som visas.",
    }


def test_constraint_messages_come_from_the_questionnaire(kalmar, respondent):
    result = save(kalmar, respondent, overensk=["ingen", "polis"], antal_skyddat_boende="-1")
    assert result.errors == {
        "overensk": "Ingen kan inte kombineras med andra svar.",
        "antal_skyddat_boende": "Ange ett heltal mellan 0 och 100 000.",
    }


def test_an_answer_made_irrelevant_is_removed_and_reported(kalmar, respondent):
    save(kalmar, respondent, su_foljt_upp="ja", su_sammanstallt="ja", su_anvant="ja")
    assert answers_of(kalmar) == {"su_foljt_upp": "ja", "su_sammanstallt": "ja", "su_anvant": "ja"}
    result = save(kalmar, respondent, su_foljt_upp="nej")
    assert [q.code for q in result.removed] == ["su_sammanstallt", "su_anvant"]
    assert answers_of(kalmar) == {"su_foljt_upp": "nej"}
    dropped = AnswerChange.objects.filter(response=kalmar, channel="system").values_list("question__code", "old_value")
    assert set(dropped) == {("su_sammanstallt", "ja"), ("su_anvant", "ja")}


def test_follow_up_offers_only_the_actors_chosen(kalmar, respondent):
    save(kalmar, respondent, overensk="polis")
    assert save(kalmar, respondent, overensk_uppfoljd="kvinnojour").errors == {
        "overensk_uppfoljd": "Välj bland de svarsalternativ som visas."
    }
    assert save(kalmar, respondent, overensk_uppfoljd="polis").errors == {}


def test_colleagues_changing_different_questions_both_keep_their_answers(kalmar, respondent):
    colleague = UserFactory.respondent(units=["0880"])
    save_answers(response=kalmar, user=respondent, changes={"fortb_barn": Change("ja", base_version=0)})
    save_answers(response=kalmar, user=colleague, changes={"fortb_vuxna": Change("nej", base_version=0)})
    assert answers_of(kalmar) == {"fortb_barn": "ja", "fortb_vuxna": "nej"}


def test_the_later_save_of_the_same_question_is_not_applied_silently(kalmar, respondent):
    colleague = UserFactory.respondent(units=["0880"])
    save_answers(response=kalmar, user=respondent, changes={"fortb_barn": Change("ja", base_version=0)})
    result = save_answers(response=kalmar, user=colleague, changes={"fortb_barn": Change("nej", base_version=0)})
    assert result.conflicts["fortb_barn"].value == "ja"
    assert result.conflicts["fortb_barn"].updated_by == respondent
    assert answers_of(kalmar) == {"fortb_barn": "ja"}
    # Having seen the other value, the colleague may choose theirs.
    chosen = save_answers(response=kalmar, user=colleague, changes={"fortb_barn": Change("nej", base_version=1)})
    assert chosen.saved["fortb_barn"].version == 2
    assert answers_of(kalmar) == {"fortb_barn": "nej"}


def test_every_change_is_kept_in_the_audit_trail(kalmar, respondent):
    save(kalmar, respondent, fortb_barn="ja")
    save_answers(response=kalmar, user=respondent, changes={"fortb_barn": Change("nej")}, channel="api")
    history = list(
        AnswerChange.objects.filter(response=kalmar).values_list("old_value", "new_value", "channel", "user")
    )
    assert history == [("ja", "nej", "api", respondent.pk), ("", "ja", "web", respondent.pk)]


def test_submitting_checks_every_rule_and_sends_a_receipt(kalmar, respondent, django_capture_on_commit_callbacks):
    vinr = kalmar.round.parts.get(code="vinr")
    save(kalmar, respondent, fortb_barn="ja")
    with pytest.raises(PartIncomplete) as caught:
        submit_part(response=kalmar, part=vinr, user=respondent)
    assert caught.value.errors["skydd_rutin"] == "Svar krävs."
    assert "kommentar" not in caught.value.errors  # optional
    assert "su_sammanstallt" not in caught.value.errors  # not asked

    save(kalmar, respondent, **COMPLETE_VINR)
    with django_capture_on_commit_callbacks(execute=True):
        submit_part(response=kalmar, part=vinr, user=respondent)
    assert PartSubmission.objects.filter(response=kalmar, part=vinr).exists()
    receipt = mail.outbox[-1]
    assert receipt.to == [respondent.email]
    assert "Våld i nära relationer" in receipt.subject and "Kalmar" in receipt.subject
    assert "Polisen, Kvinnojour" in receipt.body or "Kvinnojour, Polisen" in receipt.body

    with pytest.raises(ResponseClosed, match="har skickats in"):
        save(kalmar, respondent, fortb_barn="nej")


def test_a_coordinator_reopens_a_part_with_a_reason(kalmar, respondent, coordinator):
    vinr = kalmar.round.parts.get(code="vinr")
    save(kalmar, respondent, **COMPLETE_VINR)
    submit_part(response=kalmar, part=vinr, user=respondent)
    reopen_part(response=kalmar, part=vinr, reason="Fel antal", user=coordinator)
    assert save(kalmar, respondent, antal_skyddat_boende="13").saved["antal_skyddat_boende"].value == "13"
    event = AuditEvent.objects.get(code="survey.part.reopened")
    assert (event.actor, event.data["reason"]) == (coordinator, "Fel antal")


def test_a_closed_round_says_until_when_it_was_open(kalmar, respondent):
    SurveyRound.objects.filter(pk=kalmar.round_id).update(closes_at=timezone.now() - timedelta(days=1))
    kalmar.refresh_from_db()
    with pytest.raises(ResponseClosed, match="Enkäten stängde .* Den var öppen från"):
        save(kalmar, respondent, fortb_barn="ja")


def test_an_extension_opens_the_round_again_for_that_unit_only(kalmar, respondent, coordinator):
    closed = timezone.now() - timedelta(days=1)
    SurveyRound.objects.filter(pk=kalmar.round_id).update(closes_at=closed)
    kalmar.refresh_from_db()
    extend_deadline(response=kalmar, until=timezone.now() + timedelta(days=7), reason="Sjukdom", user=coordinator)
    assert save(kalmar, respondent, fortb_barn="ja").saved
    nybro = Response.objects.get(round=kalmar.round, unit__code="0881")
    nybro_respondent = UserFactory.respondent(units=["0881"])
    with pytest.raises(ResponseClosed):
        save(nybro, nybro_respondent, fortb_barn="ja")


def test_before_opening_nothing_can_be_answered(kalmar, respondent):
    SurveyRound.objects.filter(pk=kalmar.round_id).update(opens_at=timezone.now() + timedelta(days=1))
    kalmar.refresh_from_db()
    with pytest.raises(ResponseClosed, match="Enkäten öppnar"):
        save(kalmar, respondent, fortb_barn="ja")


@pytest.mark.django_db(transaction=True)
def test_a_save_told_that_its_caller_holds_the_lock_refuses_to_run_without_a_transaction(committed_db, open_round):
    kalmar = Response.objects.get(round=open_round, unit__code="0880")
    rita = UserFactory.respondent(units=["0880"])
    with pytest.raises(TransactionManagementError):
        save_answers(response=kalmar, changes={"kontakt_namn": Change("Rita")}, user=rita, locked=True)
    assert not Answer.objects.filter(response=kalmar).exists()
