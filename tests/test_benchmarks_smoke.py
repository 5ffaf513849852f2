"""The load benchmark's own logic (benchmarks/deadline_day.py), without gunicorn: its copy of the
browser's autosave form posts what htmx posts, and its answer check finds every lost or wrong answer."""

import importlib.util
from pathlib import Path

import pytest
from django.urls import reverse

from survey.models import Answer, Response
from survey.services import Change, save_answers

pytestmark = pytest.mark.django_db

_spec = importlib.util.spec_from_file_location(
    "deadline_day", Path(__file__).resolve().parents[1] / "benchmarks" / "deadline_day.py"
)
deadline_day = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(deadline_day)


@pytest.fixture
def kalmar(open_round_2024):
    return Response.objects.get(round=open_round_2024, unit__code="0880")


def test_the_benchmarks_form_autosaves_as_the_browser_does(client, respondent, kalmar):
    client.force_login(respondent)
    url = reverse("survey:response-part", kwargs={"pk": kalmar.pk, "part": "vinr"})
    form = deadline_day.FormState(client.get(url).content.decode())
    form.type("su_foljt_upp", "ja")
    swapped = client.post(url, dict(form.body(changed="su_foljt_upp")), headers={"HX-Request": "true"})
    blocks = deadline_day.parse_questions(swapped.content.decode())
    # The follow-up question appears, as htmx swaps it in; its options can be ticked next.
    assert {"su_foljt_upp", "su_sammanstallt"} <= blocks.keys()
    form.blocks.update({code: fields for code, (fields, _html) in blocks.items()})
    form.type("su_sammanstallt", "nej")
    client.post(url, dict(form.body(changed="su_sammanstallt")), headers={"HX-Request": "true"})
    form.type("overensk", "polis kvinnojour")
    data = form.body(changed="overensk")
    assert ("overensk", "kvinnojour") in data and ("overensk", "polis") in data
    client.post(url, {key: [v for k, v in data if k == key] for key, _value in data}, headers={"HX-Request": "true"})
    answers = dict(Answer.objects.filter(response=kalmar).values_list("question__code", "value"))
    assert answers == {"su_foljt_upp": "ja", "su_sammanstallt": "nej", "overensk": "kvinnojour polis"}


def test_the_answer_check_finds_lost_wrong_and_unexpected_answers(kalmar, respondent):
    save_answers(response=kalmar, changes={"fortb_barn": Change("ja"), "skydd_rutin": Change("nej")}, user=respondent)
    saved = deadline_day.SavedAnswers()
    saved.saved(kalmar.pk, "fortb_barn", "nej")
    saved.saved(kalmar.pk, "fortb_barn", "ja")  # the last value counts
    saved.saved(kalmar.pk, "skydd_rutin", "nej")
    assert saved.problems(deadline_day.stored_answers([kalmar.pk])) == []

    saved.saved(kalmar.pk, "fortb_vuxna", "ja")  # acknowledged but not in the database
    Answer.objects.filter(response=kalmar, question__code="skydd_rutin").update(value="ja")
    save_answers(response=kalmar, changes={"skola_rutin": Change("ja")}, user=respondent)  # never acknowledged
    assert saved.problems(deadline_day.stored_answers([kalmar.pk])) == [
        f"response {kalmar.pk} fortb_vuxna: '' instead of 'ja'",
        f"response {kalmar.pk} skola_rutin: 'ja' was never saved",
        f"response {kalmar.pk} skydd_rutin: 'ja' instead of 'nej'",
    ]


def test_a_save_without_an_answer_may_have_happened_or_not(kalmar, respondent):
    saved = deadline_day.SavedAnswers()
    saved.maybe_saved(kalmar.pk, "fortb_barn", "ja")
    assert saved.problems(deadline_day.stored_answers([kalmar.pk])) == []
    save_answers(response=kalmar, changes={"fortb_barn": Change("ja")}, user=respondent)
    assert saved.problems(deadline_day.stored_answers([kalmar.pk])) == []
    save_answers(response=kalmar, changes={"fortb_barn": Change("nej")}, user=respondent)
    assert saved.problems(deadline_day.stored_answers([kalmar.pk])) == [
        f"response {kalmar.pk} fortb_barn: 'nej', expected one of ['', 'ja']"
    ]
