"""The respondent's whole flow in real headless Chromium, with a colleague working at the same time."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as visible

from survey.models import Answer, Response, SurveyRound
from tests.browser.helpers import log_in, page_says, wait, wait_across_load
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def choose(browser, code: str, label: str) -> None:  # noqa: ANN001
    """Ticks an option with the keyboard (space), as a keyboard user would. Autosave may swap
    the question's block meanwhile; then the option is looked up again."""

    def tick(_) -> bool:  # noqa: ANN001
        block = browser.find_element(By.ID, f"q-{code}")
        label_element = block.find_element(By.XPATH, f".//label[normalize-space()='{label}']")
        browser.find_element(By.ID, label_element.get_attribute("for")).send_keys(Keys.SPACE)
        return True

    wait_across_load(browser, tick)


def saved(browser):  # noqa: ANN001, ANN201
    return visible.text_to_be_present_in_element((By.ID, "save-status"), "Sparat")


def answers_of(response) -> dict:  # noqa: ANN001
    return dict(Answer.objects.filter(response=response).values_list("question__code", "value"))


def test_a_respondent_answers_both_parts_and_submits(live, browser, second_browser):
    call_command("load_questionnaire", "survey/questionnaires/vinr-2024.md", "--year", "2024")
    now = timezone.now()
    SurveyRound.objects.filter(year=2024).update(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30))
    kalmar = Response.objects.get(round__year=2024, unit__code="0880")
    respondent = UserFactory.respondent(units=["0880"], full_name="Rita Respondent")
    colleague = UserFactory.respondent(units=["0880"], full_name="Kim Kollega")
    log_in(browser, live, respondent)

    # The general part.
    browser.find_element(By.LINK_TEXT, "Öppna jämförelser 2024 – Våld i nära relationer").click()
    browser.find_element(By.LINK_TEXT, "Allmän del").click()
    browser.find_element(By.ID, "id_kontakt_namn").send_keys("Rita Respondent", Keys.TAB)
    wait(browser, saved(browser))
    browser.find_element(By.ID, "id_kontakt_epost").send_keys("rita@kalmar.se", Keys.TAB)
    browser.find_element(By.ID, "id_namnd").send_keys("Socialnämnden", Keys.TAB)
    wait(browser, lambda _: answers_of(kalmar).get("namnd") == "Socialnämnden")
    browser.find_element(By.LINK_TEXT, "Granska och skicka in").click()
    browser.find_element(By.XPATH, "//button[normalize-space()='Skicka in delen']").click()
    page_says(browser, "Delen Allmän del har skickats in.")

    # The VINR part: skip logic shown live.
    browser.find_element(By.LINK_TEXT, "Våld i nära relationer").click()
    choose(browser, "su_foljt_upp", "Ja")
    wait(browser, visible.visibility_of_element_located((By.ID, "q-su_sammanstallt")))
    choose(browser, "su_sammanstallt", "Ja")
    wait(browser, visible.visibility_of_element_located((By.ID, "q-su_anvant")))
    choose(browser, "su_foljt_upp", "Nej")
    wait(browser, visible.invisibility_of_element_located((By.ID, "q-su_sammanstallt")))
    wait(browser, visible.invisibility_of_element_located((By.ID, "q-su_anvant")))
    assert "togs bort eftersom frågan inte längre ställs" in browser.find_element(By.ID, "save-status").text

    # "Ingen" cannot be combined with an actor.
    choose(browser, "overensk", "Polisen")
    wait(browser, visible.visibility_of_element_located((By.ID, "q-overensk_uppfoljd")))
    choose(browser, "overensk", "Ingen av ovanstående")
    wait(
        browser,
        visible.text_to_be_present_in_element((By.ID, "q-overensk"), "Ingen kan inte kombineras med andra svar"),
    )
    choose(browser, "overensk", "Ingen av ovanstående")  # untick it again
    wait(browser, lambda _: "Ingen kan inte" not in browser.find_element(By.ID, "q-overensk").text)
    offered = browser.find_element(By.ID, "q-overensk_uppfoljd").text
    assert "Polisen" in offered and "Kvinnojour" not in offered

    # A colleague changes another question at the same time; both answers are kept.
    log_in(second_browser, live, colleague)
    second_browser.get(live.url + f"/svar/{kalmar.pk}/vinr/")
    choose(second_browser, "fortb_barn", "Ja")
    choose(browser, "fortb_vuxna", "Nej")
    wait(browser, lambda _: {"fortb_barn", "fortb_vuxna"} <= answers_of(kalmar).keys())
    assert answers_of(kalmar)["fortb_barn"] == "ja" and answers_of(kalmar)["fortb_vuxna"] == "nej"

    for code in ["skydd_rutin", "skola_rutin", "uppf_myndighet", "uppf_utforare", "stod_beslut_kvinnor",
                 "stod_beslut_man", "stod_service_kvinnor", "stod_service_man"]:  # fmt: skip
        choose(browser, code, "Ja")
    choose(browser, "overensk_uppfoljd", "Polisen")
    browser.find_element(By.ID, "id_antal_skyddat_boende").send_keys("7", Keys.TAB)
    wait(browser, lambda _: answers_of(kalmar).get("antal_skyddat_boende") == "7")
    assert answers_of(kalmar)["overensk_uppfoljd"] == "polis" and answers_of(kalmar)["stod_service_man"] == "ja"
    browser.find_element(By.LINK_TEXT, "Granska och skicka in").click()
    page_says(browser, "Granska: Våld i nära relationer")
    browser.find_element(By.XPATH, "//button[normalize-space()='Skicka in delen']").click()
    page_says(browser, "Delen Våld i nära relationer har skickats in. Ett kvitto kommer med e-post.")
    assert any(message.subject == "Kvitto: Våld i nära relationer för Kalmar 2024" for message in mail.outbox)


def test_answers_typed_after_the_session_ran_out_are_saved_after_logging_in_again(live, browser, open_round_2024):
    """A save sent after the session ended says it was not saved; once the respondent has logged in
    again in another tab, the next save on the old page stores every answer typed meanwhile."""
    kalmar = Response.objects.get(round=open_round_2024, unit__code="0880")
    respondent = UserFactory.respondent(units=["0880"])
    log_in(browser, live, respondent)
    browser.get(live.url + f"/svar/{kalmar.pk}/allman/")
    browser.find_element(By.ID, "id_kontakt_namn").send_keys("Rita Respondent", Keys.TAB)
    wait(browser, saved(browser))

    browser.delete_cookie("sessionid")  # the session ran out
    browser.find_element(By.ID, "id_kontakt_epost").send_keys("rita@kalmar.se", Keys.TAB)
    wait(browser, visible.text_to_be_present_in_element((By.ID, "save-status"), "du har blivit utloggad"))
    assert "kontakt_epost" not in answers_of(kalmar)

    questionnaire_tab = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(live.url + "/konto/login/")
    browser.find_element(By.ID, "id_username").send_keys(respondent.email, Keys.TAB, PASSWORD, Keys.ENTER)
    page_says(browser, "Välkommen")
    browser.close()
    browser.switch_to.window(questionnaire_tab)

    browser.find_element(By.ID, "id_namnd").send_keys("Socialnämnden", Keys.TAB)
    wait(browser, saved(browser))
    wait(browser, lambda _: answers_of(kalmar).get("namnd") == "Socialnämnden")
    assert answers_of(kalmar)["kontakt_epost"] == "rita@kalmar.se"
    assert answers_of(kalmar)["kontakt_namn"] == "Rita Respondent"
