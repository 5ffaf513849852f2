from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from survey.models import Answer, PartSubmission, Response
from survey.services import Change, save_answers
from tests.factories import UserFactory

from .test_answering import COMPLETE_VINR

pytestmark = pytest.mark.django_db


@pytest.fixture
def kalmar(open_round_2024):
    return Response.objects.get(round=open_round_2024, unit__code="0880")


def part_url(response, part="vinr", name="survey:response-part"):
    return reverse(name, kwargs={"pk": response.pk, "part": part})


def answers_of(response):
    return dict(Answer.objects.filter(response=response).values_list("question__code", "value"))


def test_the_start_page_lists_the_units_surveys_with_status(client, respondent, kalmar):
    client.force_login(respondent)
    content = client.get(reverse("home")).content.decode()
    assert "Öppna jämförelser 2024 – Våld i nära relationer" in content
    assert "Våld i nära relationer: Ej påbörjad" in content


def test_the_part_page_shows_accessible_questions(client, respondent, kalmar):
    client.force_login(respondent)
    content = client.get(part_url(kalmar)).content.decode()
    assert (
        '<legend class="fs-6 fw-semibold"><span class="question-number">4</span> Har ni under det senaste året '
        "genomfört fortbildning" in content
    )
    assert (
        'id="id_fortb_barn_1"' in content
        and '<label class="form-check-label" for="id_fortb_barn_1">Ja</label>' in content
    )
    assert 'id="q-su_sammanstallt" class="question mb-4" hidden' in content  # skip logic: not asked yet
    assert 'aria-describedby="hint-skydd_rutin' in content


def test_saving_without_javascript_keeps_good_answers_and_lists_errors(client, respondent, kalmar):
    client.force_login(respondent)
    page = client.get(part_url(kalmar))
    assert page.status_code == 200
    response = client.post(
        part_url(kalmar),
        {"fortb_barn": "ja", "v_fortb_barn": "0", "o_fortb_barn": "",
         "antal_skyddat_boende": "tolv", "v_antal_skyddat_boende": "0", "o_antal_skyddat_boende": "",
         "fortb_vuxna": "", "v_fortb_vuxna": "0", "o_fortb_vuxna": ""},
    )  # fmt: skip
    content = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_antal_skyddat_boende">' in content
    assert "Ange ett heltal, utan decimaler." in content
    assert 'value="tolv"' in content  # what was typed stays to be corrected
    assert "Dina övriga svar är sparade." in content
    assert answers_of(kalmar) == {"fortb_barn": "ja"}


def test_autosave_saves_only_what_was_changed_and_swaps_skip_logic(client, respondent, kalmar):
    client.force_login(respondent)
    colleague = UserFactory.respondent(units=["0880"])
    client.post(part_url(kalmar), {"su_foljt_upp": "ja", "v_su_foljt_upp": "0", "o_su_foljt_upp": ""})
    assert answers_of(kalmar) == {"su_foljt_upp": "ja"}
    # A colleague answers fortb_barn; our page still shows it empty and posts the whole form.
    client.force_login(colleague)
    client.post(part_url(kalmar), {"fortb_barn": "ja", "v_fortb_barn": "0", "o_fortb_barn": ""})
    client.force_login(respondent)
    swapped = client.post(
        part_url(kalmar),
        {"su_foljt_upp": "nej", "v_su_foljt_upp": "1", "o_su_foljt_upp": "ja",
         "fortb_barn": "", "v_fortb_barn": "0", "o_fortb_barn": ""},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    content = swapped.content.decode()
    assert answers_of(kalmar) == {"su_foljt_upp": "nej", "fortb_barn": "ja"}
    assert 'id="q-su_foljt_upp"' in content and 'hx-swap-oob="true"' in content
    assert 'id="q-su_sammanstallt" class="question mb-4" hidden hx-swap-oob="true"' in content
    assert "Sparat" in content


def test_autosave_of_the_same_question_shows_the_colleagues_value(client, respondent, kalmar):
    colleague = UserFactory.respondent(units=["0880"], full_name="Cecilia Kollega")
    client.force_login(colleague)
    client.post(part_url(kalmar), {"fortb_barn": "nej", "v_fortb_barn": "0", "o_fortb_barn": ""})
    client.force_login(respondent)
    response = client.post(
        part_url(kalmar),
        {"fortb_barn": "ja", "v_fortb_barn": "0", "o_fortb_barn": ""},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert "Cecilia Kollega ändrade svaret till ”Nej”" in content
    assert "sparades inte: en kollega ändrade det medan du arbetade" in content
    assert answers_of(kalmar) == {"fortb_barn": "nej"}


def test_review_submit_and_print(client, respondent, kalmar):
    client.force_login(respondent)
    incomplete = client.post(part_url(kalmar, name="survey:response-review"))
    assert "Delen kan inte skickas in än" in incomplete.content.decode()
    data = {}
    for code, value in COMPLETE_VINR.items():
        data.update({code: value.split() if code.startswith("overensk") else value, f"v_{code}": "0", f"o_{code}": ""})
    client.post(part_url(kalmar), data)
    done = client.post(part_url(kalmar, name="survey:response-review"), follow=True)
    assert "Delen Våld i nära relationer har skickats in." in done.content.decode()
    assert PartSubmission.objects.filter(response=kalmar, part__code="vinr").exists()
    closed = client.get(part_url(kalmar)).content.decode()
    assert "Delen Våld i nära relationer har skickats in." in closed
    assert 'name="fortb_barn" value="ja" id="id_fortb_barn_1" checked disabled' in closed  # read-only now
    assert ">Spara</button>" not in closed
    printed = client.get(reverse("survey:response-print", kwargs={"pk": kalmar.pk})).content.decode()
    assert "Kvinnojour, Polisen" in printed


def test_a_submission_reads_the_answers_once(client, respondent, kalmar):
    save_answers(response=kalmar, changes={code: Change(value) for code, value in COMPLETE_VINR.items()},
                 user=respondent)  # fmt: skip
    client.force_login(respondent)
    with CaptureQueriesContext(connection) as queries:
        submitted = client.post(part_url(kalmar, name="survey:response-review"))
    assert submitted.status_code == 302
    # For its check of every rule; the page, which it does not show, reads none.
    sql = [q["sql"] for q in queries.captured_queries]
    assert len([s for s in sql if s.startswith("SELECT") and 'FROM "survey_answer"' in s]) == 1


def test_an_analyst_reads_answers_but_cannot_change_them(client, analyst, kalmar):
    client.force_login(analyst)
    assert client.get(part_url(kalmar)).status_code == 200
    posted = client.post(part_url(kalmar), {"fortb_barn": "ja", "v_fortb_barn": "0", "o_fortb_barn": ""})
    assert posted.status_code == 403
    assert answers_of(kalmar) == {}


def test_a_coordinator_answers_on_behalf_reopens_and_extends(client, coordinator, respondent, kalmar):
    client.force_login(coordinator)
    client.post(part_url(kalmar), {"fortb_barn": "ja", "v_fortb_barn": "0", "o_fortb_barn": ""})
    assert answers_of(kalmar) == {"fortb_barn": "ja"}
    PartSubmission.objects.create(
        response=kalmar, part=kalmar.round.parts.get(code="vinr"), submitted_at=timezone.now()
    )
    client.post(part_url(kalmar, name="survey:response-reopen"), {"reason": "Antalet ska rättas"})
    assert not PartSubmission.objects.filter(response=kalmar).exists()
    until = timezone.localtime(kalmar.round.closes_at + timedelta(days=7)).strftime("%Y-%m-%d %H:%M")
    client.post(reverse("survey:response-extend", kwargs={"pk": kalmar.pk}), {"until": until, "reason": "Sjukdom"})
    kalmar.refresh_from_db()
    assert kalmar.extended_until is not None
    client.force_login(respondent)
    detail = client.get(reverse("survey:response-detail", kwargs={"pk": kalmar.pk})).content.decode()
    assert "Antalet ska rättas" in detail and "Sjukdom" in detail
    history = client.get(reverse("survey:response-history", kwargs={"pk": kalmar.pk})).content.decode()
    assert "fortb_barn" in history and str(coordinator) in history


def test_a_coordinator_finds_a_units_responses_on_its_page(client, coordinator, kalmar):
    client.force_login(coordinator)
    page = client.get(reverse("survey:unit-detail", kwargs={"code": "0880"})).content.decode()
    assert reverse("survey:response-detail", kwargs={"pk": kalmar.pk}) in page


def test_the_print_view_costs_the_same_queries_for_few_and_many_answers(client, respondent, kalmar):
    client.force_login(respondent)
    url = reverse("survey:response-print", kwargs={"pk": kalmar.pk})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    client.get(url)  # the session's expiry is renewed on the first request (at most once a minute)
    save_answers(response=kalmar, user=respondent, changes={"fortb_barn": Change("ja")})
    few = queries()
    save_answers(response=kalmar, user=respondent, changes={k: Change(v) for k, v in COMPLETE_VINR.items()})
    assert queries() == few
