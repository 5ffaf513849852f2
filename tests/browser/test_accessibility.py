"""WCAG 2.1 AA checked by axe-core in real Chromium, and reflow at 200 % zoom, on the pages each role
walks: one browser walk per role. axe-core comes from npm (package-lock.json; `make test` installs it)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from indicators.models import Indicator, UnitResult
from indicators.services.publication import publish_year
from survey.models import ReportingUnit, Response, SurveyRound
from tests.browser.helpers import log_in_staff, page_says, wait_across_load
from tests.factories import PASSWORD, UserFactory
from tests.indicators.history_helpers import answer_and_submit, make_version

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

# The WCAG 2.1 A and AA rules only: axe's best-practice rules are not requirements and stay off.
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  resultTypes: ["violations"],
}).then(
  (results) => done(results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
    nodes: v.nodes.map((n) => n.target.join(" ") + " – " + n.failureSummary.replace(/\\s+/g, " ")),
  }))),
  (error) => done([{id: "axe-error", impact: "", help: String(error), url: "", nodes: []}]),
);
"""

# At 1280 px and 200 % zoom a page is 640 CSS pixels wide. What sticks out is reported: the first
# element on each branch that ends beyond the window.
OVERFLOW = """
const width = window.innerWidth;
const out = [...document.querySelectorAll("body *")].filter((el) => {
  const right = el.getBoundingClientRect().right;
  return right > width + 1 && el.parentElement.getBoundingClientRect().right <= width + 1;
});
return {
  overflow: document.documentElement.scrollWidth - width,
  culprits: out.slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "")),
};
"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip("needs axe-core: run `npm ci` (make test does)")
    return AXE.read_text()


def check_page(browser, axe_source: str, page: str, problems: list[str]) -> None:  # noqa: ANN001
    """Adds what axe finds on the current page, at 1280 px and at 200 % zoom, and any sideways
    scrolling at 200 % zoom, to `problems`."""
    # Folded content (tables behind "Show as a table", "About the indicator") is checked too.
    browser.execute_script("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    browser.execute_script(axe_source)
    browser.set_script_timeout(30)
    run_axe(browser, page, problems)
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 640, "height": 450, "deviceScaleFactor": 2, "mobile": False}
    )
    try:
        zoomed = browser.execute_script(OVERFLOW)
        # Zoomed, wide tables scroll in their own region, which must be reachable by keyboard.
        run_axe(browser, f"{page} at 200 %", problems)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    if zoomed["overflow"] > 0:
        problems.append(f"{page}: scrolls sideways by {zoomed['overflow']} px at 200 % zoom: {zoomed['culprits']}")


def run_axe(browser, page: str, problems: list[str]) -> None:  # noqa: ANN001
    for violation in browser.execute_async_script(RUN_AXE):
        problems.append(f"{page}: {violation['id']} ({violation['impact']}): {violation['help']} {violation['url']}")
        problems.extend(f"    {node}" for node in violation["nodes"])


def open_round_with_a_submission() -> SurveyRound:
    """The 2024 round, open now, with one unit (0881) that has submitted (the monitor draws a curve)."""
    call_command("load_questionnaire", "survey/questionnaires/vinr-2024.md", "--year", "2024")
    now = timezone.now()
    SurveyRound.objects.filter(year=2024).update(opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=9))
    submitter = UserFactory.respondent(units=["0881"])
    answer_and_submit(Response.objects.get(round__year=2024, unit__code="0881"), submitter)
    return SurveyRound.objects.get(year=2024)


# A wrong value for each part of the 2024 form, saved to show the part's error summary.
WRONG_VALUES = {"allman": ("kontakt_epost", "inte en adress"), "vinr": ("antal_skyddat_boende", "många")}


def test_the_respondents_pages_pass_axe_and_200_percent_zoom(live, browser, axe_source):
    survey_round = open_round_with_a_submission()
    kalmar = Response.objects.get(round=survey_round, unit__code="0880")
    respondent = UserFactory.respondent(units=["0880"], full_name="Rita Respondent")
    problems: list[str] = []

    browser.get(live.url + "/konto/login/")
    check_page(browser, axe_source, "login", problems)
    browser.find_element(By.ID, "id_username").send_keys(respondent.email, Keys.TAB, "fel lösenord", Keys.ENTER)
    wait_across_load(browser, lambda _: browser.find_element(By.CLASS_NAME, "error-summary").is_displayed())
    check_page(browser, axe_source, "login with an error", problems)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD, Keys.ENTER)
    page_says(browser, "Välkommen, Rita")
    check_page(browser, axe_source, "start", problems)

    browser.get(live.url + f"/svar/{kalmar.pk}/")
    check_page(browser, axe_source, "task list", problems)
    parts = list(survey_round.parts.values_list("code", flat=True))
    assert sorted(parts) == sorted(WRONG_VALUES)  # every part of the form is walked
    for part in parts:
        browser.get(live.url + f"/svar/{kalmar.pk}/{part}/")
        check_page(browser, axe_source, f"part {part}", problems)
        code, wrong = WRONG_VALUES[part]
        browser.find_element(By.ID, f"id_{code}").send_keys(wrong)
        browser.find_element(By.XPATH, "//button[normalize-space()='Spara']").click()
        wait_across_load(browser, lambda _: browser.find_element(By.ID, "error-summary").is_displayed())
        check_page(browser, axe_source, f"part {part} with an error", problems)

    browser.get(live.url + f"/svar/{kalmar.pk}/vinr/granska/")
    # Before any attempt to submit, the review marks what is missing, with a link to it.
    summary = browser.find_element(By.CLASS_NAME, "error-summary").text
    assert summary.startswith("Delen kan inte skickas in än") and "Finns det en aktuell skriftlig rutin" in summary
    check_page(browser, axe_source, "review", problems)
    browser.find_element(By.XPATH, "//button[normalize-space()='Skicka in delen']").click()
    page_says(browser, "Delen kan inte skickas in än")
    check_page(browser, axe_source, "review with errors", problems)
    # The summary has focus; its first link leads to the first unanswered question's field on the part page.
    ActionChains(browser).send_keys(Keys.TAB, Keys.ENTER).perform()
    wait_across_load(browser, lambda _: browser.switch_to.active_element.get_attribute("id") == "id_skydd_rutin_1")
    browser.get(live.url + f"/svar/{kalmar.pk}/historik/")
    check_page(browser, axe_source, "history of changes", problems)
    assert not problems, "What to fix:\n" + "\n".join(problems)


def test_the_coordinators_monitor_passes_axe_and_200_percent_zoom(live, browser, axe_source):
    survey_round = open_round_with_a_submission()
    log_in_staff(browser, live, UserFactory(role="coordinator"))
    problems: list[str] = []

    # Filtered to one county: the list's rows repeat one template, and axe takes ten seconds over 290 units.
    browser.get(live.url + f"/enkater/{survey_round.year}/uppfoljning/?county=08")
    assert browser.find_elements(By.CSS_SELECTOR, ".monitor-chart svg"), browser.current_url  # the chart is checked
    assert 1 < len(browser.find_elements(By.CSS_SELECTOR, "#units-caption ~ tbody tr")) < 30  # Kalmar län's units
    check_page(browser, axe_source, "monitor", problems)
    submitted = Response.objects.get(round=survey_round, unit__code="0881")
    browser.get(live.url + f"/svar/{submitted.pk}/")  # the task list with the coordinator's reopen forms
    check_page(browser, axe_source, "task list (coordinator)", problems)
    assert not problems, "What to fix:\n" + "\n".join(problems)


def publish_2023() -> None:
    """Published results for 2023 for the units of Kalmar län: a county table wider than the window,
    as with the real eighteen indicators, with a confidential count (Nybro's 3) in its last column."""
    values = {"VINR02": [1, 0, 1, None], "VINR03": [0, 1, 1, None], "VINRN1": [12, 3, None, None]}
    values |= {f"VINR{number:02d}": [1, 0, None, 1] for number in (4, 5, 6, 7, 9, 10, 11, 12)}
    units = list(ReportingUnit.objects.filter(code__in=["0880", "0881", "0882", "0884"]).order_by("code"))
    for code, unit_values in values.items():
        version = make_version(code, 2023)
        if code == "VINRN1":  # a key figure: counts 1–4 are confidential, as the catalogue sets it
            version.confidential_below = 5
            version.save(update_fields=["confidential_below"])
        indicator = Indicator.objects.get(code=code)
        for unit, value in zip(units, unit_values, strict=True):
            UnitResult.objects.create(
                year=2023, unit=unit, indicator=indicator, value=value, source="imported", updated_at=timezone.now()
            )
    publish_year(year=2023, user=None)


def test_the_public_results_pages_pass_axe_and_200_percent_zoom(live, browser, axe_source):
    publish_2023()
    problems: list[str] = []
    browser.get(live.url + "/resultat/2023/enhet/0880/")
    page_says(browser, "Kalmar")
    check_page(browser, axe_source, "municipality page", problems)
    for page, path in [("county page", "/resultat/2023/lan/08/"), ("country page", "/resultat/2023/")]:
        browser.get(live.url + path)
        check_page(browser, axe_source, page, problems)
    browser.get(live.url + "/tillganglighet/")
    check_page(browser, axe_source, "accessibility statement", problems)
    assert not problems, "What to fix:\n" + "\n".join(problems)
