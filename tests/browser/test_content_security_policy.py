"""The Content-Security-Policy in a real browser: the main kinds of page load without a single
violation (no inline script or style slipped in), and autosave still works under the policy
and tells when CSRF protection refuses a save."""

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from indicators.models import Indicator, UnitResult
from indicators.services.publication import publish_year
from survey.models import Answer, PartSubmission, ReportingUnit, Response
from tests.browser.helpers import log_in, log_in_staff, wait
from tests.factories import UserFactory
from tests.indicators.history_helpers import make_version

pytestmark = pytest.mark.django_db(transaction=True)

# Runs before any script of every page the browser opens, also under the CSP (the debugger
# injects it), and keeps what the browser reports until the next page load.
COLLECT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


@pytest.fixture
def reporting_violations(browser):  # noqa: ANN001, ANN201
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COLLECT_VIOLATIONS})
    yield browser
    browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})


def violations(browser) -> list[str]:  # noqa: ANN001
    # Violation events are dispatched asynchronously: give the ones of the last load time to arrive.
    browser.execute_async_script("setTimeout(arguments[arguments.length - 1], 200)")
    return browser.execute_script("return window.cspViolations")


def publish_kalmar_results() -> None:
    """Two published years of one indicator, so that Kalmar's page draws a trend chart (years before
    the open 2024 round: a year whose round is open is never published)."""
    analyst = UserFactory(role="analyst")
    for year, value in ((2022, 0), (2023, 1)):
        make_version("VINR02", year)
        UnitResult.objects.create(
            year=year,
            unit=ReportingUnit.objects.get(code="0880"),
            indicator=Indicator.objects.get(code="VINR02"),
            value=value,
            source="imported",
            updated_at=timezone.now(),
        )
        publish_year(year=year, user=analyst)


def test_the_main_pages_break_no_rule_of_the_content_security_policy(live, reporting_violations, open_round_2024):
    browser = reporting_violations
    kalmar = Response.objects.get(round=open_round_2024, unit__code="0880")
    PartSubmission.objects.create(
        response=Response.objects.get(round=open_round_2024, unit__code="0881"),
        part=open_round_2024.parts.get(code="vinr"),
        submitted_at=timezone.now() - timedelta(hours=2),
    )
    publish_kalmar_results()

    # The listener sees what the policy blocks: an inline script added to the login page.
    browser.get(live.url + "/konto/login/")
    browser.execute_script("var s = document.createElement('script'); s.textContent = 'window.ran = 1';"
                           "document.head.appendChild(s)")  # fmt: skip
    assert browser.execute_script("return window.ran") is None
    assert any(v.startswith("script-src") for v in violations(browser))

    # The login page as it is.
    browser.get(live.url + "/konto/login/")
    assert violations(browser) == []

    # The respondent's part page: htmx and autosave, with the policy in force.
    log_in(browser, live, UserFactory.respondent(units=["0880"]))
    browser.get(live.url + f"/svar/{kalmar.pk}/allman/")
    browser.find_element(By.ID, "id_kontakt_namn").send_keys("Rita Respondent", Keys.TAB)
    wait(browser, lambda _: "Sparat" in browser.find_element(By.ID, "save-status").text)
    assert Answer.objects.get(response=kalmar, question__code="kontakt_namn").value == "Rita Respondent"
    # Without its CSRF cookie the next save is refused, and the page says so instead of staying quiet.
    browser.delete_cookie("csrftoken")
    browser.find_element(By.ID, "id_kontakt_epost").send_keys("rita@kalmar.se", Keys.TAB)
    wait(browser, lambda _: "Inte sparat" in browser.find_element(By.ID, "save-status").text)
    assert not Answer.objects.filter(response=kalmar, question__code="kontakt_epost").exists()
    assert violations(browser) == []

    # The coordinator's monitor with its chart, drawn with the classes of site.css.
    log_in_staff(browser, live, UserFactory(role="coordinator"))
    browser.get(live.url + "/enkater/2024/uppfoljning/")
    current_line = browser.find_element(By.CSS_SELECTOR, ".monitor-chart polyline.chart-line-current")
    assert current_line.value_of_css_property("stroke-width") == "4px"
    assert violations(browser) == []

    # The Django admin.
    log_in_staff(browser, live, UserFactory(role="admin", is_staff=True, is_superuser=True))
    browser.get(live.url + "/admin/survey/reportingunit/")
    assert browser.find_elements(By.ID, "changelist")
    assert violations(browser) == []

    # A public municipality page with its trend chart, for anyone.
    browser.delete_all_cookies()
    browser.get(live.url + "/resultat/2023/enhet/0880/")
    assert browser.find_elements(By.CSS_SELECTOR, "figure svg polyline")
    assert violations(browser) == []
