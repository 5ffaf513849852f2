"""What the browser tests share: logging in and waiting across page loads and autosave swaps."""

from django.conf import settings
from django.test import Client
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.factories import PASSWORD


def log_in(browser, live, user) -> None:  # noqa: ANN001
    browser.delete_all_cookies()
    browser.get(live.url + "/konto/login/")
    browser.find_element(By.ID, "id_username").send_keys(user.email, Keys.TAB, PASSWORD, Keys.ENTER)
    browser.find_element(By.TAG_NAME, "h1")


def wait(browser, condition, timeout: float = 10):  # noqa: ANN001, ANN201
    # Autosave swaps question blocks: an element read while it is replaced is looked up again.
    return WebDriverWait(browser, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def wait_across_load(browser, condition, timeout: float = 10):  # noqa: ANN001, ANN201
    # Read during a page load, an element may belong to the old document: look it up again.
    return WebDriverWait(
        browser, timeout, ignored_exceptions=[StaleElementReferenceException, WebDriverException]
    ).until(condition)


def page_says(browser, text: str) -> None:  # noqa: ANN001
    """Waits until the page's main content shows `text`, also across a page load."""
    wait_across_load(browser, lambda _: text in browser.find_element(By.ID, "main").text)


def log_in_staff(browser, live, user) -> None:  # noqa: ANN001
    """Staff log in with a second factor: the browser takes over a session of Django's test
    client instead, which counts as verified."""
    client = Client()
    client.force_login(user)
    browser.delete_all_cookies()
    browser.get(live.url + "/tillganglighet/")  # a cookie can only be set on the site's own page
    name = settings.SESSION_COOKIE_NAME
    browser.add_cookie({"name": name, "value": client.cookies[name].value, "path": "/"})
