"""Two people on one unit's part: a conflict is per question and explicit. A question in conflict
stays in conflict, whatever else is saved, until the person keeps their answer or takes the
colleague's; an answer the server refused waits at its question; and the status line says what
happened to each save.

The posts are what the page sends: the whole form, with the hidden fields (v_, o_, c_) read back
from what the server drew, and `changed` naming the field, as static/js/autosave.js sends it."""

import re

import pytest
from django.urls import reverse

from survey.models import Answer, AnswerChange, Response
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
LABEL = (
    "Har ni använt enskildas uppfattning om kvaliteten i verksamheten för att utveckla myndighetsutövningen "
    "för vuxna som utsatts för våld av närstående?"
)


@pytest.fixture
def kalmar(open_round_2024):
    return Response.objects.get(round=open_round_2024, unit__code="0880")


@pytest.fixture
def anna(db):
    return UserFactory.respondent(units=["0880"], full_name="Anna Andersson")


@pytest.fixture
def bertil(db):
    return UserFactory.respondent(units=["0880"], full_name="Bertil Berg")


def url(response) -> str:
    return reverse("survey:response-part", kwargs={"pk": response.pk, "part": "vinr"})


def answers_of(response) -> dict[str, str]:
    return dict(Answer.objects.filter(response=response).values_list("question__code", "value"))


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def drawn_fields(html: str, code: str) -> dict[str, str]:
    """The hidden fields the server drew for a question (v_, o_, c_, r_): what the browser posts back."""
    return dict(re.findall(rf'name="([vocr]_{code})" value="([^"]*)"', html))


def status(html: str) -> str:
    return " ".join(re.search(r'<div id="save-status"[^>]*>(.*?)</div>', html, re.S).group(1).split())


def bertil_in_conflict(client, kalmar, anna, bertil) -> str:
    """Both open the empty page; Anna answers uppf_myndighet "ja"; Bertil then picks "nej" for it.
    Returns what Bertil's autosave drew."""
    client.force_login(anna)
    client.post(url(kalmar), {"uppf_myndighet": "ja", "v_uppf_myndighet": "0", "o_uppf_myndighet": "",
                              "changed": "uppf_myndighet"}, headers=HTMX)  # fmt: skip
    client.force_login(bertil)
    drawn = client.post(
        url(kalmar),
        {"uppf_myndighet": "nej", "v_uppf_myndighet": "0", "o_uppf_myndighet": "", "kommentar": "",
         "v_kommentar": "0", "o_kommentar": "", "changed": "uppf_myndighet"},
        headers=HTMX,
    ).content.decode()  # fmt: skip
    assert answers_of(kalmar) == {"uppf_myndighet": "ja"}
    return drawn


def test_a_conflict_shows_the_colleagues_answer_and_both_choices(client, kalmar, anna, bertil):
    drawn = bertil_in_conflict(client, kalmar, anna, bertil)
    assert "Anna Andersson ändrade svaret till ”Ja” kl." in drawn
    assert "Ditt svar står i fältet och är inte sparat." in drawn
    assert 'value="mine:uppf_myndighet"' in drawn and "Behåll mitt svar" in drawn
    assert 'value="theirs:uppf_myndighet"' in drawn and "Använd kollegans svar" in drawn
    # The page keeps what Bertil's answer was based on: any later save of it is a conflict again.
    assert (hidden(drawn, "v_uppf_myndighet"), hidden(drawn, "o_uppf_myndighet")) == ("0", "")
    assert hidden(drawn, "c_uppf_myndighet") == "1"
    assert status(drawn).startswith(f"Svaret på ”{LABEL}” sparades inte")
    assert "sparades inte: en kollega ändrade det medan du arbetade. Välj vems svar som ska gälla." in status(drawn)
    assert "Sparat" not in status(drawn)


def test_saving_another_question_never_writes_the_question_in_conflict(client, kalmar, anna, bertil):
    drawn = bertil_in_conflict(client, kalmar, anna, bertil)
    # Bertil writes a comment: the browser posts the whole form, the stale "nej" included.
    saved = client.post(
        url(kalmar),
        {"uppf_myndighet": "nej", **drawn_fields(drawn, "uppf_myndighet"), "kommentar": "Vi följer upp i vår.",
         "v_kommentar": "0", "o_kommentar": "", "changed": "kommentar"},
        headers=HTMX,
    ).content.decode()  # fmt: skip
    assert answers_of(kalmar) == {"uppf_myndighet": "ja", "kommentar": "Vi följer upp i vår."}
    assert list(AnswerChange.objects.filter(question__code="uppf_myndighet").values_list("old_value", "new_value")) == [
        ("", "ja")
    ]
    assert re.match(r"Sparat \d\d:\d\d:\d\d\. 1 annat svar på sidan är inte sparat", status(saved))
    assert 'id="q-uppf_myndighet"' not in saved  # the conflict box stays as it is


def test_without_javascript_a_stale_field_is_reported_not_written(client, kalmar, anna, bertil):
    drawn = bertil_in_conflict(client, kalmar, anna, bertil)
    page = client.post(
        url(kalmar),
        {"uppf_myndighet": "nej", **drawn_fields(drawn, "uppf_myndighet"), "kommentar": "Klart.", "v_kommentar": "0",
         "o_kommentar": ""},
    ).content.decode()  # fmt: skip
    assert answers_of(kalmar) == {"uppf_myndighet": "ja", "kommentar": "Klart."}
    assert 'href="#conflict-uppf_myndighet"' in page and "Behåll mitt svar" in page


def test_keep_my_answer_replaces_the_colleagues(client, kalmar, anna, bertil):
    drawn = bertil_in_conflict(client, kalmar, anna, bertil)
    kept = client.post(
        url(kalmar),
        {"uppf_myndighet": "nej", **drawn_fields(drawn, "uppf_myndighet"), "resolve": "mine:uppf_myndighet",
         "changed": "resolve"},
        headers=HTMX,
    ).content.decode()  # fmt: skip
    assert answers_of(kalmar) == {"uppf_myndighet": "nej"}
    change = AnswerChange.objects.filter(question__code="uppf_myndighet").latest("pk")
    assert (change.old_value, change.new_value, change.user) == ("ja", "nej", bertil)
    assert re.fullmatch(r"Sparat \d\d:\d\d:\d\d\.", status(kept))
    assert "Behåll mitt svar" not in kept and hidden(kept, "v_uppf_myndighet") == "2"


def test_keep_my_answer_is_a_conflict_again_if_the_colleague_changed_it_once_more(client, kalmar, anna, bertil):
    drawn = bertil_in_conflict(client, kalmar, anna, bertil)
    # Meanwhile Anna changed it twice more (to "nej" and back to "ja"): version 3, not the one Bertil saw.
    Answer.objects.filter(response=kalmar, question__code="uppf_myndighet").update(version=3)
    again = client.post(
        url(kalmar),
        {"uppf_myndighet": "nej", **drawn_fields(drawn, "uppf_myndighet"), "resolve": "mine:uppf_myndighet",
         "changed": "resolve"},
        headers=HTMX,
    ).content.decode()  # fmt: skip
    assert answers_of(kalmar) == {"uppf_myndighet": "ja"}
    assert "ändrade svaret till ”Ja”" in again and hidden(again, "c_uppf_myndighet") == "3"
    assert hidden(again, "v_uppf_myndighet") == "0"


def test_use_my_colleagues_answer_writes_nothing_and_shows_theirs(client, kalmar, anna, bertil):
    drawn = bertil_in_conflict(client, kalmar, anna, bertil)
    changes = AnswerChange.objects.count()
    taken = client.post(
        url(kalmar),
        {"uppf_myndighet": "nej", **drawn_fields(drawn, "uppf_myndighet"), "resolve": "theirs:uppf_myndighet",
         "changed": "resolve"},
        headers=HTMX,
    ).content.decode()  # fmt: skip
    assert answers_of(kalmar) == {"uppf_myndighet": "ja"} and AnswerChange.objects.count() == changes
    assert (hidden(taken, "v_uppf_myndighet"), hidden(taken, "o_uppf_myndighet")) == ("1", "ja")
    assert re.search(r'name="uppf_myndighet" value="ja" id="[^"]+" checked', taken)
    assert "Behåll mitt svar" not in taken
    assert status(taken) == f"Sparat {status(taken)[7:15]}. Kollegans svar på ”{LABEL}” visas."


def test_the_status_says_saved_while_another_question_holds_a_wrong_value(client, kalmar, anna):
    client.force_login(anna)
    wrong = client.post(
        url(kalmar),
        {"antal_skyddat_boende": "tolv", "v_antal_skyddat_boende": "0", "o_antal_skyddat_boende": "",
         "changed": "antal_skyddat_boende"},
        headers=HTMX,
    ).content.decode()  # fmt: skip
    assert "Ange ett heltal" in wrong
    assert status(wrong).startswith("Svaret på ”Hur många vuxna beviljades bistånd")
    assert "sparades inte: se meddelandet vid frågan." in status(wrong) and "Sparat" not in status(wrong)
    later = client.post(
        url(kalmar),
        {"antal_skyddat_boende": "tolv", "v_antal_skyddat_boende": "0", "o_antal_skyddat_boende": "",
         "r_antal_skyddat_boende": hidden(wrong, "r_antal_skyddat_boende"),
         "fortb_barn": "ja", "v_fortb_barn": "0", "o_fortb_barn": "", "changed": "fortb_barn"},
        headers=HTMX,
    ).content.decode()  # fmt: skip
    assert answers_of(kalmar) == {"fortb_barn": "ja"}
    assert re.fullmatch(r"Sparat \d\d:\d\d:\d\d\. 1 annat svar på sidan är inte sparat: se meddelandet vid frågan\.",
                        status(later))  # fmt: skip


def test_a_change_whose_own_save_never_arrived_is_saved_with_the_next(client, kalmar, anna):
    """Typed while the connection was down: the field differs from the page and was never refused."""
    client.force_login(anna)
    saved = client.post(
        url(kalmar),
        {"fortb_vuxna": "nej", "v_fortb_vuxna": "0", "o_fortb_vuxna": "",
         "fortb_barn": "ja", "v_fortb_barn": "0", "o_fortb_barn": "", "changed": "fortb_barn"},
        headers=HTMX,
    ).content.decode()  # fmt: skip
    assert answers_of(kalmar) == {"fortb_vuxna": "nej", "fortb_barn": "ja"}
    assert re.fullmatch(r"Sparat \d\d:\d\d:\d\d\.", status(saved))
