"""What an autosave reads: the questionnaire once per process and round (survey/selectors/questionnaire.py),
the response once (with the access check, under its lock), the answers once, under that lock. A
questionnaire loaded again is shown at once."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from survey.models import Answer, Question, Response, SurveyRound
from survey.services import Change, load_questionnaire, save_answers, submit_part
from survey.xlsform.parser import read_xlsform
from tests.factories import UserFactory
from tests.survey.round_helpers import COMPLETE_ALLMAN

pytestmark = pytest.mark.django_db

FORM = Path(__file__).resolve().parents[2] / "survey" / "questionnaires" / "vinr-2024.md"
OLD_LABEL = "Vilken nämnd ansvarar för socialtjänstens arbete med våld i nära relationer?"


@pytest.fixture
def kalmar(open_round_2024):
    return Response.objects.get(round=open_round_2024, unit__code="0880")


def part_url(response, part="allman"):
    return reverse("survey:response-part", kwargs={"pk": response.pk, "part": part})


def test_a_questionnaire_loaded_again_shows_its_new_texts_at_once(client, respondent, kalmar):
    client.force_login(respondent)
    assert OLD_LABEL in client.get(part_url(kalmar)).content.decode()
    text = FORM.read_text().replace(OLD_LABEL, "Vilken nämnd ansvarar för frågorna?")
    load_questionnaire(form=read_xlsform(text.encode(), FORM.name), year=2024, source_name=FORM.name, user=None)
    page = client.get(part_url(kalmar)).content.decode()
    assert "Vilken nämnd ansvarar för frågorna?" in page and OLD_LABEL not in page


def test_a_server_process_reads_the_questionnaire_again_once_another_loaded_it(client, respondent, kalmar):
    client.force_login(respondent)
    client.get(part_url(kalmar))
    # Another process changes the texts (no signal reaches this one) and saves the round, as
    # load_questionnaire does, which moves its loaded_at.
    Question.objects.filter(round=kalmar.round, code="namnd").update(label="Ny text")
    SurveyRound.objects.filter(pk=kalmar.round_id).update(loaded_at=kalmar.round.loaded_at + timedelta(seconds=1))
    assert "Ny text" in client.get(part_url(kalmar)).content.decode()


def test_an_autosave_reads_the_questionnaire_from_memory_and_the_answers_once(client, respondent, kalmar):
    save_answers(response=kalmar, changes={"kontakt_namn": Change("Anna")}, user=respondent)
    client.force_login(respondent)
    client.get(part_url(kalmar))
    with CaptureQueriesContext(connection) as queries:
        swapped = client.post(
            part_url(kalmar),
            {"namnd": "Socialnämnden", "v_namnd": "0", "o_namnd": "", "kontakt_namn": "Anna",
             "v_kontakt_namn": "1", "o_kontakt_namn": "Anna", "changed": "namnd"},
            headers={"HX-Request": "true"},
        )  # fmt: skip
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [s for s in sql if '"survey_question"' in s or '"survey_choice"' in s or 'FROM "survey_part"' in s]
    # Once, by the save under the response's lock: it tells what the page showed before and the page
    # shows what it left.
    assert len([s for s in sql if s.startswith("SELECT") and 'FROM "survey_answer"' in s]) == 1
    assert len([s for s in sql if 'FROM "survey_partsubmission"' in s]) == 1  # under the lock
    # The response once: the access check, and the lock on PostgreSQL, are that one query.
    assert len([s for s in sql if 'FROM "survey_response"' in s]) == 1
    content = swapped.content.decode()
    assert 'name="o_namnd" value="Socialnämnden"' in content and 'name="v_namnd" value="1"' in content
    assert dict(Answer.objects.filter(response=kalmar).values_list("question__code", "value")) == {
        "kontakt_namn": "Anna",
        "namnd": "Socialnämnden",
    }


def test_a_save_returns_every_answer_it_leaves(kalmar, respondent):
    save_answers(response=kalmar, changes={"su_foljt_upp": Change("ja"), "su_sammanstallt": Change("ja")},
                 user=respondent)  # fmt: skip
    result = save_answers(response=kalmar, changes={"su_foljt_upp": Change("nej")}, user=respondent)
    assert {answer.question.code: answer.value for answer in result.answers.values()} == {"su_foljt_upp": "nej"}
    assert [question.code for question in result.removed] == ["su_sammanstallt"]


def test_a_save_after_a_colleague_submitted_the_part_says_why_it_was_not_saved(client, respondent, kalmar):
    """The page was opened before the submission: its autosave is refused under the response's lock
    and the page's save status says so, instead of an error page."""
    client.force_login(respondent)
    client.get(part_url(kalmar))
    allman = kalmar.round.parts.get(code="allman")
    save_answers(response=kalmar, changes={k: Change(v) for k, v in COMPLETE_ALLMAN.items()}, user=respondent)
    submit_part(response=kalmar, part=allman, user=respondent, notify=False)
    swapped = client.post(
        part_url(kalmar),
        {"namnd": "Ändrad nämnd", "v_namnd": "1", "o_namnd": "Socialnämnden", "changed": "namnd"},
        headers={"HX-Request": "true"},
    )
    assert swapped.status_code == 200
    assert "Inte sparat: Delen Allmän del har skickats in." in swapped.content.decode()
    assert Answer.objects.get(response=kalmar, question__code="namnd").value == "Socialnämnden"
    # Without JavaScript the form comes back with the reason.
    posted = client.post(part_url(kalmar), {"namnd": "Ändrad nämnd", "v_namnd": "1", "o_namnd": "Socialnämnden"})
    assert "Delen Allmän del har skickats in." in client.get(posted["Location"]).content.decode()


def test_an_autosave_shows_who_last_changed_each_answer_it_swaps_in(client, respondent, kalmar):
    colleague = UserFactory.respondent(units=["0880"], full_name="Cecilia Kollega")
    save_answers(response=kalmar, changes={"kontakt_epost": Change("cecilia@kalmar.se")}, user=colleague)
    client.force_login(respondent)
    client.get(part_url(kalmar))

    def autosave_email(value: str) -> str:
        """The autosave of the e-mail field, over the colleague's address the page showed."""
        data = {"kontakt_epost": value, "v_kontakt_epost": "1", "o_kontakt_epost": "cecilia@kalmar.se",
                "changed": "kontakt_epost"}  # fmt: skip
        return client.post(part_url(kalmar), data, headers={"HX-Request": "true"}).content.decode()

    refused = autosave_email("inte en adress")
    assert "Ange en giltig e-postadress" in refused
    # The month as Swedish writes it, in lower case: "23 nov 13:00".
    assert re.search(r"Senast ändrat av Cecilia Kollega, \d{1,2} [a-zåäö]{3} \d\d:\d\d<", refused)
    with CaptureQueriesContext(connection) as queries:
        saved = autosave_email("rita@kalmar.se")
    assert f"Senast ändrat av {respondent}" in saved
    # The person saving is known: the only read of a user is the request's own login.
    assert len([q for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]) == 1
