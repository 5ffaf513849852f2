"""Last year's answers in real headless Chromium: copied for one question, then for the whole part,
and the history says they are last year's."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as visible

from survey.models import Answer, PartSubmission, Question, Response
from tests.browser.helpers import log_in, page_says, wait
from tests.browser.test_accessibility import axe_source, check_page  # noqa: F401 – axe_source: the fixture
from tests.factories import UserFactory
from tests.survey.round_helpers import COMPLETE_VINR

pytestmark = pytest.mark.django_db(transaction=True)


def answers_of(response) -> dict:  # noqa: ANN001
    return dict(Answer.objects.filter(response=response).values_list("question__code", "value"))


def test_last_years_answers_are_copied_one_and_all(live, browser, open_round_2024, axe_source):  # noqa: F811
    call_command("load_questionnaire", "survey/questionnaires/vinr-2023.md", "--year", "2023")
    before = Response.objects.get(round__year=2023, unit__code="0880")
    for code, value in {**COMPLETE_VINR, "overensk": "kvinnojour polis"}.items():
        question = Question.objects.get(round__year=2023, code=code)
        Answer.objects.create(response=before, question=question, value=value, version=1, updated_at=timezone.now())
    PartSubmission.objects.create(
        response=before, part=before.round.parts.get(code="vinr"), submitted_at=timezone.now()
    )
    kalmar = Response.objects.get(round=open_round_2024, unit__code="0880")
    log_in(browser, live, UserFactory.respondent(units=["0880"]))
    browser.get(live.url + f"/svar/{kalmar.pk}/vinr/")

    problems: list[str] = []
    check_page(browser, axe_source, "part with last year's answers", problems)
    assert not problems, "What to fix:\n" + "\n".join(problems)
    # Enter in a field saves the page; it does not press the first last-year button above it.
    browser.find_element(By.ID, "id_antal_skyddat_boende").send_keys("7", Keys.ENTER)
    wait(browser, lambda _: answers_of(kalmar) == {"antal_skyddat_boende": "7"})
    page_says(browser, "Sparat")
    line = browser.find_element(By.ID, "last-year-skola_rutin")
    assert line.text.startswith("Förra året: Nej")
    same = line.find_element(By.XPATH, ".//button[normalize-space()='Samma svar som förra året']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", same)  # not under the status line
    same.click()
    wait(browser, lambda _: answers_of(kalmar).get("skola_rutin") == "nej")
    wait(
        browser,
        visible.text_to_be_present_in_element((By.ID, "save-status"), "Förra årets svar fylldes i för 1 fråga."),
    )
    no = browser.find_element(By.XPATH, "//div[@id='q-skola_rutin']//label[normalize-space()='Nej']")
    assert browser.find_element(By.ID, no.get_attribute("for")).is_selected()

    browser.find_element(By.XPATH, "//button[normalize-space()='Fyll i förra årets svar']").click()
    page_says(browser, "Förra årets svar fylldes i för")
    assert answers_of(kalmar)["overensk"] == "kvinnojour polis" and "overensk_uppfoljd" not in answers_of(kalmar)
    browser.get(live.url + f"/svar/{kalmar.pk}/historik/")
    # Last year's answers for all but antal_skyddat_boende (answered) and overensk_uppfoljd (changed).
    assert browser.find_element(By.TAG_NAME, "table").text.count("Förra årets svar") == len(COMPLETE_VINR) - 2
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
