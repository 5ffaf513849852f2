import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from accounts import two_factor
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def active_element_text(browser) -> str:  # noqa: ANN001
    return browser.switch_to.active_element.text


def test_log_in_with_the_keyboard_alone(live, browser):
    user = UserFactory.respondent(units=["0880"], full_name="Karin Kalmar")
    browser.get(live.url + "/konto/login/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv"

    def tab() -> None:
        browser.switch_to.active_element.send_keys(Keys.TAB)

    tab()
    assert active_element_text(browser) == "Hoppa till innehållet"
    outline = browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focused link is visibly marked
    browser.switch_to.active_element.send_keys(Keys.ENTER)  # follow the skip link into <main>
    tab()
    assert browser.switch_to.active_element.get_attribute("id") == "id_username"
    browser.switch_to.active_element.send_keys(user.email, Keys.TAB, PASSWORD, Keys.ENTER)
    # The start page replaces the login page: wait for it, looking elements up again meanwhile.
    WebDriverWait(browser, 10, ignored_exceptions=[StaleElementReferenceException, WebDriverException]).until(
        lambda _: browser.find_element(By.TAG_NAME, "h1").text == "Välkommen, Karin"
    )
    assert "Kalmar" in browser.find_element(By.ID, "main").text


def test_pages_fit_a_phone_screen(live, browser):
    coordinator = UserFactory(role="coordinator")
    app = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)

    def overflow() -> int:
        return browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )

    browser.set_window_size(375, 800)
    try:
        browser.get(live.url + "/konto/login/")
        browser.find_element(By.ID, "id_username").send_keys(coordinator.email, Keys.TAB, PASSWORD, Keys.ENTER)
        # Staff log in in two steps: the password, then the code from the app.
        WebDriverWait(browser, 10).until(lambda _: "/konto/tvastegsverifiering/" in browser.current_url)
        assert overflow() <= 0, "the code step"
        browser.find_element(By.ID, "id_code").send_keys(two_factor.current_code(app.key), Keys.ENTER)
        WebDriverWait(browser, 10).until(lambda _: "/konto/" not in browser.current_url)  # logged in
        for path in ("/", "/enheter/?year=2024"):
            browser.get(live.url + path)
            assert overflow() <= 0, path
        landmarks = [browser.find_elements(By.TAG_NAME, tag) for tag in ("header", "nav", "main", "footer")]
        assert all(len(found) == 1 for found in landmarks)
    finally:
        browser.set_window_size(1280, 900)
