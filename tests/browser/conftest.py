"""Real headless Chromium (Debian's chromium and chromium-driver) driven by Selenium."""

import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from survey.register import load_register

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("needs Debian's chromium and chromium-driver (installed by .ci/run)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def live(django_db_blocker, live_server, browser):  # noqa: ANN001, ANN201
    """The live server; afterwards the register is loaded again, since a live-server test
    empties the database when it ends. Request it before any other database fixture."""
    browser.delete_all_cookies()
    yield live_server
    with django_db_blocker.unblock():
        load_register()
