"""Two colleagues on one part in real headless Chromium: a conflict stays with its question, a save
of another question never writes it, both choices work, and the status line is in view and true."""

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as visible

from survey.models import Answer, AnswerChange, Response
from tests.browser.helpers import log_in, wait
from tests.browser.test_accessibility import axe_source, check_page  # noqa: F401 – axe_source: the fixture
from tests.browser.test_respondent_flow import choose
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def answers_of(response) -> dict:  # noqa: ANN001
    return dict(Answer.objects.filter(response=response).values_list("question__code", "value"))


def status(browser) -> str:  # noqa: ANN001
    return browser.find_element(By.ID, "save-status").text


def status_in_view(browser) -> bool:  # noqa: ANN001
    return browser.execute_script(
        "const box = document.getElementById('save-status').getBoundingClientRect();"
        "return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;"
    )


def test_a_colleagues_answer_is_kept_until_the_person_chooses(
    live,
    browser,
    second_browser,
    open_round_2024,
    axe_source,  # noqa: F811
):
    kalmar = Response.objects.get(round=open_round_2024, unit__code="0880")
    anna = UserFactory.respondent(units=["0880"], full_name="Anna Andersson")
    bertil = UserFactory.respondent(units=["0880"], full_name="Bertil Berg")
    part = live.url + f"/svar/{kalmar.pk}/vinr/"
    for who, window in ((anna, browser), (bertil, second_browser)):
        log_in(window, live, who)
        window.get(part)

    # Anna answers first; Bertil, whose page is older, answers the same question otherwise.
    choose(browser, "uppf_myndighet", "Ja")
    wait(browser, visible.text_to_be_present_in_element((By.ID, "save-status"), "Sparat"))
    choose(second_browser, "uppf_myndighet", "Nej")
    wait(second_browser, visible.visibility_of_element_located((By.ID, "conflict-uppf_myndighet")))
    box = second_browser.find_element(By.ID, "conflict-uppf_myndighet").text
    assert "Anna Andersson ändrade svaret till ”Ja”" in box and "Ditt svar står i fältet och är inte sparat." in box
    assert "sparades inte: en kollega ändrade det" in status(second_browser) and status_in_view(second_browser)

    # Bertil writes a comment: that is saved, the answer in conflict is not.
    comment = second_browser.find_element(By.ID, "id_kommentar")
    comment.send_keys("Vi följer upp i vår.", Keys.TAB)
    wait(second_browser, lambda _: answers_of(kalmar).get("kommentar") == "Vi följer upp i vår.")
    wait(second_browser, visible.text_to_be_present_in_element((By.ID, "save-status"), "1 annat svar"))
    assert re.match(r"Sparat \d\d:\d\d:\d\d\. 1 annat svar på sidan är inte sparat", status(second_browser))
    assert answers_of(kalmar)["uppf_myndighet"] == "ja"
    assert second_browser.find_element(By.ID, "conflict-uppf_myndighet").is_displayed()
    problems: list[str] = []
    check_page(second_browser, axe_source, "part with a conflict", problems)
    assert not problems, "What to fix:\n" + "\n".join(problems)

    # Keep my answer: Bertil's "nej" replaces Anna's "ja", in the history under his name.
    second_browser.find_element(By.XPATH, "//button[normalize-space()='Behåll mitt svar']").click()
    wait(second_browser, lambda _: answers_of(kalmar)["uppf_myndighet"] == "nej")
    wait(second_browser, visible.invisibility_of_element_located((By.ID, "conflict-uppf_myndighet")))
    assert re.fullmatch(r"Sparat \d\d:\d\d:\d\d\.", status(second_browser))
    change = AnswerChange.objects.filter(question__code="uppf_myndighet").latest("pk")
    assert (change.old_value, change.new_value, change.user) == ("ja", "nej", bertil)

    # Use my colleague's answer: nothing is written, Bertil's page shows Anna's.
    choose(browser, "fortb_barn", "Ja")
    wait(browser, lambda _: answers_of(kalmar).get("fortb_barn") == "ja")
    choose(second_browser, "fortb_barn", "Nej")
    wait(second_browser, visible.visibility_of_element_located((By.ID, "conflict-fortb_barn")))
    second_browser.find_element(By.XPATH, "//button[normalize-space()='Använd kollegans svar']").click()
    wait(second_browser, visible.invisibility_of_element_located((By.ID, "conflict-fortb_barn")))
    assert "Kollegans svar på" in status(second_browser)
    yes = second_browser.find_element(By.XPATH, "//div[@id='q-fortb_barn']//label[normalize-space()='Ja']")
    assert second_browser.find_element(By.ID, yes.get_attribute("for")).is_selected()
    assert answers_of(kalmar)["fortb_barn"] == "ja"
    assert AnswerChange.objects.filter(question__code="fortb_barn").count() == 1


def test_the_status_is_in_view_after_a_save_at_the_top_of_a_long_part(live, browser, open_round_2024):
    kalmar = Response.objects.get(round=open_round_2024, unit__code="0880")
    log_in(browser, live, UserFactory.respondent(units=["0880"]))
    browser.set_window_size(1280, 757)
    browser.get(live.url + f"/svar/{kalmar.pk}/vinr/")
    choose(browser, "skydd_rutin", "Ja")
    wait(browser, visible.text_to_be_present_in_element((By.ID, "save-status"), "Sparat"))
    assert browser.execute_script("return window.scrollY") < 600  # still at the top of the part
    assert status_in_view(browser)
    assert re.fullmatch(r"Sparat \d\d:\d\d:\d\d\.", status(browser))
    browser.set_window_size(1280, 900)
