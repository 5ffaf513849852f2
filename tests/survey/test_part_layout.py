"""How a part page is laid out for the respondent: numbered questions, follow-ups set in under the
question they depend on, progress per part that follows each save, and a link to the next part.

The numbers are read by hand from survey/questionnaires/vinr-2024.md: su_sammanstallt and su_anvant
are asked only after su_foljt_upp (5) and overensk_uppfoljd only after overensk (8)."""

import re

import pytest
from django.urls import reverse

from survey.models import Response
from survey.services import Change, save_answers

pytestmark = pytest.mark.django_db
VINR_NUMBERS = {
    "skydd_rutin": "1", "skola_rutin": "2", "fortb_vuxna": "3", "fortb_barn": "4", "su_foljt_upp": "5",
    "su_sammanstallt": "5.1", "su_anvant": "5.2", "uppf_myndighet": "6", "uppf_utforare": "7", "overensk": "8",
    "overensk_uppfoljd": "8.1", "stod_beslut_kvinnor": "9", "stod_beslut_man": "10", "stod_service_kvinnor": "11",
    "stod_service_man": "12", "antal_skyddat_boende": "13", "kommentar": "14",
}  # fmt: skip


@pytest.fixture
def kalmar(open_round_2024):
    return Response.objects.get(round=open_round_2024, unit__code="0880")


def part_url(response, part="vinr") -> str:
    return reverse("survey:response-part", kwargs={"pk": response.pk, "part": part})


def block(content: str, code: str) -> str:
    return re.search(rf'<div id="q-{code}".*?(?=<div id="q-|<div id="save-status")', content, re.S).group(0)


def progress(content: str) -> str:
    return re.search(r'<p id="part-progress"[^>]*>(.*?)</p>', content).group(1)


def test_questions_are_numbered_and_follow_ups_set_in(client, respondent, kalmar):
    # Answers that ask every follow-up, so that every question is on the page.
    changes = {"su_foljt_upp": "ja", "su_sammanstallt": "ja", "overensk": "polis"}
    save_answers(response=kalmar, changes={code: Change(value) for code, value in changes.items()}, user=respondent)
    client.force_login(respondent)
    content = client.get(part_url(kalmar)).content.decode()
    for code, number in VINR_NUMBERS.items():
        assert f'<span class="question-number">{number}</span> ' in block(content, code), code
        assert ('<div class="follow-up">' in block(content, code)) == ("." in number), code


def test_progress_counts_the_questions_asked_and_follows_each_save(client, respondent, kalmar):
    client.force_login(respondent)
    # 14 questions are asked at first: the three follow-ups wait for their questions' answers.
    assert progress(client.get(part_url(kalmar)).content.decode()) == "0 av 14 besvarade"
    saved = client.post(
        part_url(kalmar),
        {"su_foljt_upp": "ja", "v_su_foljt_upp": "0", "o_su_foljt_upp": "", "changed": "su_foljt_upp"},
        headers={"HX-Request": "true"},
    ).content.decode()  # fmt: skip
    assert progress(saved) == "1 av 15 besvarade"  # su_sammanstallt is asked now
    detail = client.get(reverse("survey:response-detail", kwargs={"pk": kalmar.pk})).content.decode()
    assert "1 av 15 besvarade" in detail and "0 av 4 besvarade" in detail  # VINR, and the general part


def test_a_part_links_to_the_next_and_the_last_part_to_none(client, respondent, kalmar):
    client.force_login(respondent)
    general = client.get(part_url(kalmar, "allman")).content.decode()
    assert f'<a href="{part_url(kalmar)}">Nästa del: Våld i nära relationer</a>' in general
    assert "Nästa del" not in client.get(part_url(kalmar)).content.decode()


def test_the_history_shows_question_texts_and_option_labels_and_filters_by_question(client, respondent, kalmar):
    save_answers(response=kalmar, changes={"fortb_barn": Change("ja"), "overensk": Change("polis kvinnojour")},
                 user=respondent)  # fmt: skip
    save_answers(response=kalmar, changes={"fortb_barn": Change("nej")}, user=respondent)
    client.force_login(respondent)
    url = reverse("survey:response-history", kwargs={"pk": kalmar.pk})
    content = client.get(url).content.decode()
    label = "Har ni under det senaste året genomfört fortbildning"
    assert label in content and "Kvinnojour, Polisen" in content
    assert f'href="{part_url(kalmar)}#q-fortb_barn"' in content
    assert "kvinnojour polis" not in content  # the stored codes are for the coordinators
    only = client.get(url, {"fraga": "fortb_barn"}).content.decode()
    assert label in only and "Kvinnojour, Polisen" not in only
    assert only.count(f'href="{part_url(kalmar)}#q-fortb_barn"') == 2  # ja, then nej


def test_coordinators_see_the_codes_in_the_history_too(client, coordinator, respondent, kalmar):
    save_answers(response=kalmar, changes={"overensk": Change("polis kvinnojour")}, user=respondent)
    client.force_login(coordinator)
    content = client.get(reverse("survey:response-history", kwargs={"pk": kalmar.pk})).content.decode()
    assert "Kvinnojour, Polisen" in content and "kvinnojour polis" in content and "· overensk" in content
