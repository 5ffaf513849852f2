"""Last year's answers beside each question: the unit's submitted answer of the year before, for a
question asked the same way (code, text, kind, options), copied one at a time or for the whole part,
and recorded in the history as last year's. The 2023 and 2024 forms differ in one VINR question:
overensk_uppfoljd asks about 12 months in 2023 and 24 months in 2024."""

import re
from unittest import mock

import django.urls
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from survey.models import Answer, AnswerChange, PartSubmission, Question, Response
from survey.services import Change, save_answers
from tests.survey.round_helpers import COMPLETE_VINR

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
LAST_YEAR = {**COMPLETE_VINR, "overensk": "kvinnojour polis"}  # options stored in the form's order, as saves do


@pytest.fixture
def kalmar(open_round_2024):
    """Kalmar 2024, with its submitted VINR answers of 2023 (a closed round)."""
    call_command("load_questionnaire", "survey/questionnaires/vinr-2023.md", "--year", "2023")
    before = Response.objects.get(round__year=2023, unit__code="0880")
    now = timezone.now()
    for code, value in LAST_YEAR.items():
        question = Question.objects.get(round__year=2023, code=code)
        Answer.objects.create(response=before, question=question, value=value, version=1, updated_at=now)
    PartSubmission.objects.create(response=before, part=before.round.parts.get(code="vinr"), submitted_at=now)
    return Response.objects.get(round=open_round_2024, unit__code="0880")


def url(response) -> str:
    return reverse("survey:response-part", kwargs={"pk": response.pk, "part": "vinr"})


def block(content: str, code: str) -> str:
    return re.search(rf'<div id="q-{code}".*?(?=<div id="q-|<div id="save-status")', content, re.S).group(0)


def answers_of(response) -> dict[str, str]:
    return dict(Answer.objects.filter(response=response).values_list("question__code", "value"))


def status(html: str) -> str:
    return " ".join(re.search(r'<div id="save-status"[^>]*>(.*?)</div>', html, re.S).group(1).split())


def test_last_years_answer_stands_beside_the_question_with_a_copy_button(client, respondent, kalmar):
    save_answers(response=kalmar, changes={"overensk": Change("polis")}, user=respondent)  # asks overensk_uppfoljd
    client.force_login(respondent)
    page = client.get(url(kalmar)).content.decode()
    assert "Förra året: Nej" in block(page, "skola_rutin") and "Samma svar som förra året" in block(page, "skola_rutin")
    assert "Förra året: Kvinnojour, Polisen" in block(page, "overensk")  # this year's "polis" differs: offered
    assert "Samma svar som förra året" in block(page, "overensk")
    # Asked otherwise this year: shown, and said so, but not offered.
    changed = block(page, "overensk_uppfoljd")
    assert "frågan har ändrats sedan dess" in changed and "Samma svar som förra året" not in changed
    assert "Fyll i förra årets svar" in page


def test_no_last_year_for_a_part_the_unit_did_not_submit(client, respondent, kalmar):
    PartSubmission.objects.filter(response__round__year=2023).delete()
    client.force_login(respondent)
    page = client.get(url(kalmar)).content.decode()
    assert "Förra året" not in page and "Fyll i förra årets svar" not in page


def test_same_answer_as_last_year_saves_it_as_last_years(client, respondent, kalmar):
    client.force_login(respondent)
    saved = client.post(
        url(kalmar),
        {"skola_rutin": "", "v_skola_rutin": "0", "o_skola_rutin": "", "ly_skola_rutin": "ja",  # a page tampered with
         "lyt_skola_rutin": "Ja", "copy": "skola_rutin", "changed": "copy"},
        headers=HTMX,
    ).content.decode()  # fmt: skip
    assert answers_of(kalmar) == {"skola_rutin": "nej"}  # last year's, from the database
    change = AnswerChange.objects.get(question__round__year=2024, question__code="skola_rutin")
    assert (change.channel, change.user, change.new_value) == ("last_year", respondent, "nej")
    assert re.fullmatch(r"Sparat \d\d:\d\d:\d\d\. Förra årets svar fylldes i för 1 fråga\.", status(saved))
    assert re.search(r'name="skola_rutin" value="nej" id="[^"]+" checked', saved)
    history = client.get(reverse("survey:response-history", kwargs={"pk": kalmar.pk})).content.decode()
    assert "Förra årets svar" in history


def test_fill_in_last_years_answers_fills_only_unanswered_questions_asked_the_same_way(client, respondent, kalmar):
    save_answers(response=kalmar, changes={"fortb_barn": Change("nej")}, user=respondent)  # this year's stays
    client.force_login(respondent)
    response = client.post(url(kalmar), {"copy_all": "1"})
    assert response.status_code == 302
    expected = {code: value for code, value in LAST_YEAR.items() if code != "overensk_uppfoljd"}
    assert answers_of(kalmar) == {**expected, "fortb_barn": "nej"}
    copied = AnswerChange.objects.filter(question__round__year=2024, channel="last_year")
    assert copied.count() == len(expected) - 1
    page = client.get(response["Location"]).content.decode()
    assert f"Förra årets svar fylldes i för {len(expected) - 1} frågor." in page
    assert "Fyll i förra årets svar" not in page  # nothing left to fill


def test_an_autosave_keeps_last_years_answer_beside_the_question_without_reading_last_year(client, respondent, kalmar):
    client.force_login(respondent)
    page = client.get(url(kalmar)).content.decode()
    shown = {
        name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
        for name in ("ly_skola_rutin", "lyt_skola_rutin")
    }
    with CaptureQueriesContext(connection) as queries:
        saved = client.post(
            url(kalmar),
            {"skola_rutin": "ja", "v_skola_rutin": "0", "o_skola_rutin": "", **shown, "changed": "skola_rutin"},
            headers=HTMX,
        ).content.decode()  # fmt: skip
    assert "Förra året: Nej" in block(saved, "skola_rutin") and "Samma svar som förra året" in block(
        saved, "skola_rutin"
    )
    # The response once (the access check and lock): last year's response is not read.
    assert len([q for q in queries.captured_queries if 'FROM "survey_response"' in q["sql"]]) == 1


def test_the_copy_button_saves_on_the_parts_own_address_which_a_page_works_out_once(client, respondent, kalmar):
    """Each question's buttons post to the part's save address: the page, and an autosave's answer,
    reverse it once for all their questions (once per question was a share of a part page's CPU)."""
    client.force_login(respondent)
    with mock.patch("django.urls.reverse", wraps=django.urls.reverse) as reversed_urls:  # the {% url %} tag's
        page = client.get(url(kalmar)).content.decode()
    copy = f'name="copy" value="skola_rutin" hx-post="{url(kalmar)}"'
    assert copy in block(page, "skola_rutin") and f'hx-post="{url(kalmar)}" hx-trigger="change"' in page
    saves = [call for call in reversed_urls.call_args_list if call.args == ("survey:response-part",)
             and call.kwargs["kwargs"] == {"pk": kalmar.pk, "part": "vinr"}]  # fmt: skip
    assert len(saves) == 1
    last_year = {name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
                 for name in ("ly_skola_rutin", "lyt_skola_rutin")}  # fmt: skip
    saved = client.post(url(kalmar), {"skola_rutin": "ja", "v_skola_rutin": "0", "o_skola_rutin": "", **last_year,
                                      "changed": "skola_rutin"}, headers=HTMX).content.decode()  # fmt: skip
    assert copy in block(saved, "skola_rutin")
