"""The respondent's whole flow with the keyboard alone: TAB, SHIFT+TAB, ENTER, SPACE and the arrow
keys, sent to whatever has focus (no clicks, no element lookups to type into), as a keyboard user works."""

import pytest
from django.core import mail
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from survey.models import Answer, PartSubmission, Response
from tests.browser.helpers import page_says, wait_across_load
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# What has focus, and whether it is visibly marked (an outline of at least 2 px, or a box shadow).
FOCUS = """
const el = document.activeElement;
const style = getComputedStyle(el);
const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
return {
  id: el.id, tag: el.tagName.toLowerCase(), type: el.type || "", checked: !!el.checked,
  text: (label || el.innerText || "").trim().replace(/\\s+/g, " "),
  block: el.closest(".question") ? el.closest(".question").id : "",
  visible: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== "none",
};
"""


class Keyboard:
    """A keyboard user: keys go to the focused element; every element TAB reaches must show its focus."""

    def __init__(self, browser) -> None:  # noqa: ANN001
        self.browser = browser
        self.unmarked: list[str] = []  # focused elements without a visible focus indicator

    def press(self, *keys: str) -> dict:
        ActionChains(self.browser).send_keys(*keys).perform()
        return self.focus()

    def focus(self) -> dict:
        return wait_across_load(self.browser, lambda browser: browser.execute_script(FOCUS))

    def tab_to(self, matches, *, backwards: bool = False, limit: int = 60) -> dict:  # noqa: ANN001
        """Presses TAB (SHIFT+TAB backwards) until the focused element `matches`."""
        key = Keys.SHIFT + Keys.TAB if backwards else Keys.TAB
        for _ in range(limit):
            focus = self.press(key)
            if focus["tag"] != "body" and not focus["visible"]:
                self.unmarked.append(f"{focus['tag']}#{focus['id']} {focus['text'][:40]}")
            if matches(focus):
                return focus
        raise AssertionError(f"{limit} presses of TAB did not reach the element; focus is on {focus}")

    def tab_to_text(self, text: str, **kwargs: object) -> dict:
        return self.tab_to(lambda focus: focus["text"] == text, **kwargs)

    def tab_to_question(self, code: str) -> dict:
        return self.tab_to(lambda focus: focus["block"] == f"q-{code}")

    def autosaved(self) -> None:
        """Waits until autosave has no request in flight and has swapped in its answer."""
        wait_across_load(
            self.browser,
            lambda browser: browser.execute_script(
                "return !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
            ),
        )


def test_a_respondent_answers_and_submits_a_part_with_the_keyboard_alone(live, browser, open_round_2024):
    kalmar = Response.objects.get(round=open_round_2024, unit__code="0880")
    respondent = UserFactory.respondent(units=["0880"], full_name="Rita Respondent")
    keyboard = Keyboard(browser)

    browser.get(live.url + "/konto/login/")
    keyboard.tab_to(lambda focus: focus["id"] == "id_username")
    keyboard.press(respondent.email, Keys.TAB, PASSWORD, Keys.ENTER)
    page_says(browser, "Välkommen, Rita")
    keyboard.tab_to_text("Öppna jämförelser 2024 – Våld i nära relationer")
    keyboard.press(Keys.ENTER)
    page_says(browser, "Delar")
    keyboard.tab_to_text("Våld i nära relationer")
    keyboard.press(Keys.ENTER)
    page_says(browser, "Svaren sparas medan du fyller i")

    # The skip link is the first stop and leads past the menu into the page's content.
    skip = keyboard.press(Keys.TAB)
    assert skip["text"] == "Hoppa till innehållet" and skip["visible"]
    assert keyboard.press(Keys.ENTER)["id"] == "main"
    assert keyboard.press(Keys.TAB)["text"] == "Start"  # the breadcrumbs: the first link in <main>

    # Radio groups: TAB enters a group at its first option; SPACE ticks it, the arrow keys move and tick.
    for code, keys, expected in [
        ("skydd_rutin", [Keys.SPACE], "Ja"),
        ("skola_rutin", [Keys.ARROW_DOWN], "Nej"),
        ("fortb_vuxna", [Keys.ARROW_DOWN, Keys.ARROW_UP], "Ja"),
        ("fortb_barn", [Keys.SPACE], "Ja"),
        ("su_foljt_upp", [Keys.ARROW_DOWN], "Nej"),
        ("uppf_myndighet", [Keys.SPACE], "Ja"),
        ("uppf_utforare", [Keys.ARROW_DOWN], "Nej"),
    ]:
        keyboard.tab_to_question(code)
        for key in keys:
            keyboard.press(key)
            keyboard.autosaved()
        focus = keyboard.focus()
        assert (focus["block"], focus["text"], focus["checked"]) == (f"q-{code}", expected, True)
    # Checkboxes: each option is a stop of its own; the follow-up question appears after them.
    keyboard.tab_to_text("Kvinnojour")
    keyboard.press(Keys.SPACE)
    keyboard.autosaved()
    assert keyboard.press(Keys.TAB)["text"] == "Polisen"
    keyboard.press(Keys.SPACE)
    keyboard.autosaved()
    keyboard.tab_to(lambda focus: focus["block"] == "q-overensk_uppfoljd" and focus["text"] == "Polisen")
    keyboard.press(Keys.SPACE)
    keyboard.autosaved()
    for code in ["stod_beslut_kvinnor", "stod_beslut_man", "stod_service_kvinnor", "stod_service_man"]:
        keyboard.tab_to_question(code)
        keyboard.press(Keys.SPACE)
        keyboard.autosaved()
    # A number that is not a number, and a comment; then the Save button.
    keyboard.tab_to(lambda focus: focus["id"] == "id_antal_skyddat_boende")
    keyboard.press("många", Keys.TAB)
    assert keyboard.focus()["id"] == "id_kommentar"
    keyboard.press("Inga övriga kommentarer.", Keys.TAB)
    keyboard.autosaved()
    assert keyboard.focus()["text"] == "Spara"
    keyboard.press(Keys.ENTER)

    # The error summary has focus; its link leads to the field, which gets focus and names its error.
    page_says(browser, "Något behöver rättas")
    assert keyboard.focus()["id"] == "error-summary"
    link = keyboard.press(Keys.TAB)
    assert "Hur många vuxna" in link["text"] and "Ange ett heltal" in link["text"]
    field = keyboard.press(Keys.ENTER)
    assert field["id"] == "id_antal_skyddat_boende"
    assert browser.switch_to.active_element.get_attribute("aria-invalid") == "true"
    described_by = browser.switch_to.active_element.get_attribute("aria-describedby").split()
    assert "Ange ett heltal" in browser.execute_script(
        "return document.getElementById(arguments[0]).innerText", described_by[-1]
    )
    ActionChains(browser).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()  # select all
    keyboard.press("7", Keys.TAB)
    keyboard.autosaved()
    page_says(browser, "Sparat")
    assert Answer.objects.get(response=kalmar, question__code="antal_skyddat_boende").value == "7"

    # Back up with SHIFT+TAB to check the field again, then on to review and submit.
    keyboard.tab_to(lambda focus: focus["id"] == "id_antal_skyddat_boende", backwards=True)  # raises if never reached
    keyboard.tab_to_text("Granska och skicka in")
    keyboard.press(Keys.ENTER)
    page_says(browser, "Granska: Våld i nära relationer")
    keyboard.tab_to_text("Skicka in delen")
    keyboard.press(Keys.ENTER)
    page_says(browser, "Delen Våld i nära relationer har skickats in. Ett kvitto kommer med e-post.")

    assert PartSubmission.objects.filter(response=kalmar, part__code="vinr").exists()
    assert any(message.subject == "Kvitto: Våld i nära relationer för Kalmar 2024" for message in mail.outbox)
    assert keyboard.unmarked == []  # every element TAB reached showed where the focus was
