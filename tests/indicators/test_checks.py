"""The unit's own check of its preliminary results after the round has closed, and the
coordinators' handling of its flags (indicators/services/checks.py, selectors/checks.py, views/checks.py)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from indicators.models import Indicator, IndicatorVersion, Publication, ResultCheck, UnitResult
from indicators.selectors import checks as check_selectors
from indicators.services.checks import CheckError, confirm_results, flag_result, resolve_flag
from indicators.services.computation import compute_indicators
from survey.models import Part, ReportingUnit, Response, SurveyRound
from survey.services import Change, reopen_part, save_answers, submit_part
from tests.factories import UserFactory
from tests.survey.round_helpers import COMPLETE_ALLMAN, COMPLETE_VINR, load_round_2024

from .check_helpers import make_versions_2024

pytestmark = pytest.mark.django_db


def kalmar_response() -> Response:
    return Response.objects.select_related("round", "unit").get(round__year=2024, unit__code="0880")


def answer_and_submit(response: Response, user, values: dict[str, str], part_code: str) -> None:  # noqa: ANN001
    save_answers(response=response, user=user, changes={code: Change(value) for code, value in values.items()})
    submit_part(response=response, part=Part.objects.get(round=response.round, code=part_code), user=user,
                notify=False)  # fmt: skip


@pytest.fixture
def round_2024(db):  # noqa: ANN001
    """The 2024 round open now, with the indicators the tests need."""
    load_round_2024()
    now = timezone.now()
    SurveyRound.objects.filter(year=2024).update(opens_at=now - timedelta(days=30), closes_at=now + timedelta(days=1))
    make_versions_2024()
    return SurveyRound.objects.get(year=2024)


@pytest.fixture
def closed(round_2024, respondent, django_capture_on_commit_callbacks):  # noqa: ANN001
    """Kalmar answered and submitted both parts; the round has closed and the results are computed."""
    response = kalmar_response()
    with django_capture_on_commit_callbacks(execute=True):  # a pending recomputation would absorb later ones
        answer_and_submit(response, respondent, COMPLETE_ALLMAN, "allman")
        answer_and_submit(response, respondent, COMPLETE_VINR, "vinr")
    SurveyRound.objects.filter(year=2024).update(closes_at=timezone.now() - timedelta(hours=1))
    compute_indicators(years=[2024])
    return SurveyRound.objects.get(year=2024)


def kalmar() -> ReportingUnit:
    return ReportingUnit.objects.get(code="0880")


def check_url(code: str = "0880", year: int = 2024) -> str:
    return reverse("indicators:unit-check", kwargs={"code": code, "year": year})


def row_html(content: str, code: str) -> str:
    """The table row of one indicator on the check page."""
    return content.split(f'<tr id="indicator-{code}">', 1)[1].split("</tr>", 1)[0]


def value(code: str, unit_code: str = "0880"):  # noqa: ANN201
    return UnitResult.objects.get(year=2024, unit__code=unit_code, indicator__code=code).value


def test_before_the_round_closes_the_page_explains_when_the_results_come(client, round_2024, respondent):
    client.force_login(respondent)
    page = client.get(check_url())
    content = page.content.decode()
    assert page.status_code == 200
    assert "De preliminära resultaten visas här när enkäten har stängt för er enhet" in content
    assert 'id="indicator-VINR03"' not in content
    with pytest.raises(CheckError, match="när enkäten har stängt"):
        confirm_results(unit=kalmar(), year=2024, user=respondent)


def test_an_extension_keeps_the_results_back_until_it_has_passed(closed, respondent):
    response = kalmar_response()
    response.extended_until = timezone.now() + timedelta(days=2)
    response.save()
    assert not check_selectors.check_state(unit=kalmar(), year=2024).available
    response.extended_until = timezone.now() - timedelta(minutes=1)
    response.save()
    assert check_selectors.check_state(unit=kalmar(), year=2024).available


def test_the_respondent_sees_each_result_with_the_answers_that_made_it_so(client, closed, respondent):
    client.force_login(respondent)
    content = client.get(check_url()).content.decode()

    fulfilled = row_html(content, "VINR03")
    assert "Uppfyllt" in fulfilled
    assert "handläggare som utreder våldsutsatta vuxna?" in fulfilled and "Ja" in fulfilled
    not_fulfilled = row_html(content, "VINR02")
    assert "Ej uppfyllt" in not_fulfilled
    assert "säkra skolgången för barn i skyddat boende?" in not_fulfilled and "Nej" in not_fulfilled
    follow_up = row_html(content, "VINR05")
    assert "Ej uppfyllt" in follow_up
    assert "Har resultaten sammanställts på gruppnivå?" in follow_up and "Frågan ställdes inte" in follow_up
    assert "12" in row_html(content, "VINRN1")
    assert "Flagga som fel" in content and "Bekräfta alla resultat" in content


def test_the_rows_give_values_and_answers_in_questionnaire_order(closed):
    rows = {row.code: row for row in check_selectors.unit_check_rows(unit=kalmar(), year=2024)}
    assert [rows[code].value for code in ("VINR02", "VINR03", "VINR05", "VINR08B")] == [0, 1, 0, 1]
    assert rows["VINR03"].fulfilled is True and rows["VINR02"].fulfilled is False
    assert [(a.code, a.text) for a in rows["VINR05"].answers] == [
        ("su_foljt_upp", "Nej"), ("su_sammanstallt", "Frågan ställdes inte"), ("su_anvant", "Frågan ställdes inte"),
    ]  # fmt: skip
    assert [a.code for a in rows["VINR08B"].answers] == ["overensk", "overensk_uppfoljd"]
    assert rows["VINRN1"].value == 12 and rows["VINRN1"].value_text == "12" and rows["VINRN1"].fulfilled is None


def test_a_unit_that_did_not_submit_the_part_has_no_value_and_is_told_why(closed):
    rows = check_selectors.unit_check_rows(unit=ReportingUnit.objects.get(code="0881"), year=2024)
    assert {row.value_text for row in rows} == {"Inget värde"}
    assert rows[0].no_value_reason == "Delen Våld i nära relationer har inte skickats in."
    assert rows[0].answers[0].text == "Inte besvarad"


def test_the_rows_take_the_same_queries_whatever_the_number_of_indicators(closed):
    with CaptureQueriesContext(connection) as few:
        check_selectors.unit_check_rows(unit=kalmar(), year=2024)
    for number in range(10):
        IndicatorVersion.objects.create(
            indicator=Indicator.objects.create(code=f"EXTRA{number}"), year=2024, title="Extra", part_code="vinr",
            rule="${fortb_barn} = 'ja'", aggregation="share",
        )  # fmt: skip
    compute_indicators(years=[2024])
    with CaptureQueriesContext(connection) as many:
        rows = check_selectors.unit_check_rows(unit=kalmar(), year=2024)
    assert len(rows) == 15
    assert len(many) == len(few)


def test_confirming_all_results_keeps_an_open_flag_open(closed, respondent):
    flag_result(unit=kalmar(), year=2024, indicator_code="VINR02", comment="Vi har en rutin.", user=respondent)
    assert confirm_results(unit=kalmar(), year=2024, user=respondent) == 4
    statuses = dict(ResultCheck.objects.filter(unit=kalmar(), year=2024).values_list("indicator__code", "status"))
    assert statuses == {"VINR02": "flagged", "VINR03": "confirmed", "VINR05": "confirmed", "VINR08B": "confirmed",
                        "VINRN1": "confirmed"}  # fmt: skip
    event = AuditEvent.objects.get(code="indicators.result.confirmed")
    assert event.actor == respondent and event.unit == kalmar() and event.data["year"] == 2024


def test_some_results_can_be_confirmed(closed, respondent):
    assert confirm_results(unit=kalmar(), year=2024, user=respondent, indicator_codes=["VINR03"]) == 1
    assert ResultCheck.objects.get().indicator.code == "VINR03"
    with pytest.raises(CheckError, match="Det finns ingen indikator VINR99 år 2024"):
        confirm_results(unit=kalmar(), year=2024, user=respondent, indicator_codes=["VINR99"])


def test_the_respondent_confirms_all_results_on_the_page(client, closed, respondent):
    client.force_login(respondent)
    page = client.post(check_url(), {"action": "confirm"}, follow=True)
    assert "5 resultat bekräftade." in page.content.decode()
    assert "Bekräftat" in row_html(page.content.decode(), "VINR03")


def test_a_flag_needs_a_comment(client, closed, respondent):
    with pytest.raises(CheckError, match="Skriv vad som är fel med värdet."):
        flag_result(unit=kalmar(), year=2024, indicator_code="VINR02", comment="  ", user=respondent)
    client.force_login(respondent)
    page = client.post(check_url(), {"action": "flag", "indicator": "VINR02", "comment": ""})
    content = page.content.decode()
    assert page.status_code == 200
    assert '<a href="#comment-VINR02">Skriv vad som är fel med värdet.</a>' in content
    assert 'aria-describedby="comment-VINR02-error"' in row_html(content, "VINR02")
    assert not ResultCheck.objects.exists()


def test_a_respondent_of_another_unit_gets_404(client, closed):
    other = UserFactory.respondent(units=["0881"])
    client.force_login(other)
    assert client.get(check_url()).status_code == 404
    assert client.post(check_url(), {"action": "confirm"}).status_code == 404
    assert not ResultCheck.objects.exists()


def test_staff_see_the_check_read_only(client, closed, coordinator):
    client.force_login(coordinator)
    content = client.get(check_url()).content.decode()
    assert "Uppfyllt" in row_html(content, "VINR03")
    assert "Flagga som fel" not in content and "Bekräfta alla resultat" not in content
    assert client.post(check_url(), {"action": "confirm"}).status_code == 403


def test_flags_are_refused_after_publication(client, closed, respondent):
    Publication.objects.create(year=2024, revision=1, published_at=timezone.now())
    with pytest.raises(CheckError, match="har publicerats"):
        flag_result(unit=kalmar(), year=2024, indicator_code="VINR02", comment="Fel", user=respondent)
    with pytest.raises(CheckError, match="har publicerats"):
        confirm_results(unit=kalmar(), year=2024, user=respondent)
    client.force_login(respondent)
    content = client.get(check_url()).content.decode()
    assert "kontrollen före publiceringen är stängd" in content
    assert "Flagga som fel" not in content
    posted = client.post(check_url(), {"action": "flag", "indicator": "VINR02", "comment": "Fel"}, follow=True)
    assert "har publicerats" in posted.content.decode()
    assert not ResultCheck.objects.exists()


def test_the_flag_list_is_for_staff(client, closed, respondent, analyst):
    flag_result(unit=kalmar(), year=2024, indicator_code="VINR02", comment="Vi har en rutin.", user=respondent)
    url = reverse("indicators:flag-list", kwargs={"year": 2024})
    client.force_login(respondent)
    assert client.get(url).status_code == 403
    client.force_login(analyst)
    content = client.get(url).content.decode()
    assert "Vi har en rutin." in content and "Markera som löst" not in content
    resolve = reverse("indicators:flag-resolve", kwargs={"pk": ResultCheck.objects.get().pk})
    assert client.post(resolve, {"resolution": "Rättat."}).status_code == 403


def test_the_flag_list_shows_open_flags_first_and_the_counts(closed, respondent, coordinator):
    nybro = UserFactory.respondent(units=["0881"])
    flag_result(unit=kalmar(), year=2024, indicator_code="VINR02", comment="Rutin finns.", user=respondent)
    flag_result(unit=kalmar(), year=2024, indicator_code="VINR03", comment="Ingen fortbildning.", user=respondent)
    flag_result(unit=ReportingUnit.objects.get(code="0881"), year=2024, indicator_code="VINR05", comment="Vi svarade",
                user=nybro)  # fmt: skip
    confirm_results(unit=kalmar(), year=2024, user=respondent)
    resolve_flag(check=ResultCheck.objects.get(indicator__code="VINR02"), resolution="Rättat.", user=coordinator)
    overview = check_selectors.flag_overview(year=2024)
    assert [(row.check.unit.code, row.check.indicator.code, row.check.status) for row in overview.flags] == [
        ("0880", "VINR03", "flagged"), ("0881", "VINR05", "flagged"), ("0880", "VINR02", "resolved"),
    ]  # fmt: skip
    assert [row.value_text for row in overview.flags] == ["Uppfyllt", "Inget värde", "Ej uppfyllt"]
    assert overview.flags[0].response == kalmar_response()
    assert (overview.confirmed_units, overview.open_flags, overview.resolved_flags) == (1, 2, 1)


def test_the_flag_list_says_how_many_units_have_not_checked_yet(client, closed, respondent, coordinator):
    nybro = UserFactory.respondent(units=["0881"])
    confirm_results(unit=kalmar(), year=2024, user=respondent)
    flag_result(unit=ReportingUnit.objects.get(code="0881"), year=2024, indicator_code="VINR05", comment="Vi svarade",
                user=nybro)  # fmt: skip
    invited = Response.objects.filter(round__year=2024).count()
    client.force_login(coordinator)
    page = client.get(reverse("indicators:flag-list", kwargs={"year": 2024})).content.decode()
    assert f"2 av {invited} enheter har kontrollerat sina resultat" in page
    assert f"{invited - 2} enheter har inte kontrollerat än" in page


def test_a_resolution_needs_an_outcome_and_is_given_once(client, closed, respondent, coordinator):
    check = flag_result(unit=kalmar(), year=2024, indicator_code="VINR02", comment="Fel", user=respondent)
    client.force_login(coordinator)
    url = reverse("indicators:flag-resolve", kwargs={"pk": check.pk})
    assert client.get(url).status_code == 405
    page = client.post(url, {"resolution": " "})
    assert f'<a href="#resolution-{check.pk}">Skriv utfallet; det visas för enheten.</a>' in page.content.decode()
    resolve_flag(check=check, resolution="Rättat.", user=coordinator)
    with pytest.raises(CheckError, match="redan lösts"):
        resolve_flag(check=check, resolution="Igen.", user=coordinator)


def test_a_flag_is_followed_from_the_unit_to_the_coordinator_and_back(
    client, closed, respondent, coordinator, django_capture_on_commit_callbacks
):
    """Kalmar flags its school routine result, the coordinator reopens the part, Kalmar corrects
    and resubmits (the results are recomputed), the coordinator resolves the flag, and Kalmar sees
    the outcome."""
    client.force_login(respondent)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{check_url()}">Se preliminära resultat</a>' in home
    client.post(check_url(), {"action": "flag", "indicator": "VINR02",
                              "comment": "Rutinen beslutades av nämnden 2023; svaret ska vara Ja."})  # fmt: skip
    event = AuditEvent.objects.get(code="indicators.result.flagged")
    assert event.unit == kalmar() and event.data["indicator"] == "VINR02"

    client.force_login(coordinator)
    flags = client.get(reverse("indicators:flag-list", kwargs={"year": 2024})).content.decode()
    assert "Rutinen beslutades av nämnden 2023" in flags
    assert reverse("survey:response-detail", kwargs={"pk": kalmar_response().pk}) in flags
    assert value("VINR02") == 0
    response = kalmar_response()
    with django_capture_on_commit_callbacks(execute=True):  # each step its own request and transaction
        # The round has closed: reopening gives the unit a new deadline in the same step.
        reopen_part(response=response, part=Part.objects.get(round=response.round, code="vinr"),
                    reason="Flagga VINR02", user=coordinator, until=timezone.now() + timedelta(hours=2))  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        answer_and_submit(kalmar_response(), respondent, {"skola_rutin": "ja"}, "vinr")
    assert value("VINR02") == 1

    check = ResultCheck.objects.get()
    client.post(reverse("indicators:flag-resolve", kwargs={"pk": check.pk}),
                {"resolution": "Delen öppnades igen och svaret rättades; indikatorn är nu uppfylld."})  # fmt: skip
    check.refresh_from_db()
    assert check.status == "resolved" and check.resolved_by == coordinator
    assert AuditEvent.objects.filter(code="indicators.result.resolved", unit=kalmar()).exists()

    Response.objects.filter(pk=response.pk).update(extended_until=timezone.now() - timedelta(minutes=1))
    client.force_login(respondent)
    row = row_html(client.get(check_url()).content.decode(), "VINR02")
    assert "Uppfyllt" in row and "Ej uppfyllt" not in row
    assert "Löst" in row and "indikatorn är nu uppfylld" in row
