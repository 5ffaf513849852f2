"""The staff menu at 1280 px: on one line, its groups opened with the keyboard alone."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import log_in_staff, wait_across_load
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_staff_menu_fits_one_line_and_opens_with_the_keyboard(live, browser, tmp_path):
    admin = UserFactory(role="admin", is_staff=True, is_superuser=True, full_name="Ada Admin")
    browser.set_window_size(1280, 900)
    log_in_staff(browser, live, admin)
    browser.get(live.url + "/")
    wait_across_load(browser, lambda _: browser.find_element(By.TAG_NAME, "h1").text == "Välkommen, Ada")
    middles = browser.execute_script(
        "return [...document.querySelectorAll('header .navbar-nav > .nav-item')]"
        ".map(e => { const r = e.getBoundingClientRect(); return r.top + r.height / 2; })"
    )
    assert len(middles) >= 6 and max(middles) - min(middles) < 2, middles  # every item on the same line
    browser.save_screenshot(str(tmp_path / "staff-menu.png"))

    summary = browser.find_element(By.XPATH, "//summary[normalize-space()='Indikatorer']")
    results_file = summary.find_element(By.XPATH, "..").find_element(By.CSS_SELECTOR, 'a[href="/resultat/export/"]')
    assert not results_file.is_displayed()
    browser.execute_script("arguments[0].focus()", summary)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert results_file.is_displayed()
    browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Indikatordefinitioner"
    for _ in range(3):
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Resultatfil"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_across_load(browser, lambda _: browser.find_element(By.TAG_NAME, "h1").text == "Resultatfil")
