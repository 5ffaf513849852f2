"""Real headless Chromium (Debian's chromium and chromium-driver) driven by Selenium."""

import shutil
import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.factories import ensure_register


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, running one request at a time when it shares the test's in-memory SQLite
    connection. Every thread then uses that one connection, and two requests at once (an autosave
    and the form's own submit, say) would open a transaction inside the other's. Connections are
    still accepted on threads, because Chromium opens sockets it sends nothing on."""

    _one_at_a_time = threading.Lock()

    def set_app(self, application):  # noqa: ANN001, ANN201
        if not self.connections_override:
            return super().set_app(application)

        def serially(environ, start_response):  # noqa: ANN001, ANN202
            with self._one_at_a_time:
                return application(environ, start_response)

        return super().set_app(serially)


LiveServerThread.server_class = OneRequestAtATimeServer

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")


def start_chromium() -> webdriver.Chrome:
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
        "--force-prefers-reduced-motion",  # Bootstrap scrolls smoothly otherwise, and clicks land mid-scroll
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    return driver


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture
def second_browser():  # noqa: ANN201
    """A colleague's browser, for two people working at once."""
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):  # noqa: ANN001, ANN201
    """pytest-django's live server, started after the test database exists. Started before, it
    would not see that the database is in-memory SQLite, and its threads would open connections
    of their own, which lock each other's tables."""
    return live_server


@pytest.fixture
def live(live_server, browser, django_db_blocker):  # noqa: ANN001, ANN201
    """The live server with the register in place. A live-server test runs without a wrapping
    transaction and empties the database when it ends, so the register is loaded again here."""
    ensure_register(django_db_blocker)
    browser.delete_all_cookies()
    return live_server


@pytest.fixture(scope="module", autouse=True)
def _register_after_live_tests(django_db_blocker):  # noqa: ANN001, ANN202
    """Gives the register back to the tests that run after this module."""
    yield
    ensure_register(django_db_blocker)
