"""Indicator rules checked against a year's questionnaire: when the catalogue is loaded, when an
analyst saves a rule, and when a questionnaire is loaded that the rules depend on."""

import csv
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.selectors.rules import QuestionInfo, questions_of_form, rule_problems
from indicators.services.catalogue import load_catalogue
from survey.models import SurveyRound
from survey.services import QuestionnaireConflict, load_questionnaire
from survey.xlsform.parser import read_xlsform

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "survey" / "questionnaires"
CATALOGUE = ROOT / "indicators" / "data" / "indicators.csv"

JANEJ = ("ja", "nej")
QUESTIONS = {
    "kontakt_namn": QuestionInfo(type="text", part_code="allman"),
    "skola_rutin": QuestionInfo(type="select_one", part_code="vinr", options=JANEJ),
    "overensk": QuestionInfo(
        type="select_multiple", part_code="vinr", options=("kvinnojour", "polis", "primarvard", "ingen")
    ),
    "antal_skyddat_boende": QuestionInfo(type="integer", part_code="vinr"),
}


def problems(rule: str, kind: str = "indicator", part_code: str = "vinr") -> list[str]:
    return rule_problems(rule=rule, kind=kind, part_code=part_code, questions=QUESTIONS, year=2024)


def shipped(year: int) -> bytes:
    return (SHIPPED / f"vinr-{year}.md").read_bytes()


def test_a_rule_that_fits_the_questionnaire_has_no_problems():
    assert problems("${skola_rutin} = 'ja' and selected(${overensk}, 'polis')") == []
    assert problems("${antal_skyddat_boende}", kind="nyckeltal") == []


def test_an_unknown_question_is_named_with_the_year():
    assert problems("${xyz} = 'ja'") == ["Frågan xyz finns inte i enkäten 2024."]


def test_a_wrong_option_name_is_refused_in_selected_and_in_comparisons():
    assert problems("selected(${overensk}, 'polisen')") == ["Frågan overensk har inget svarsalternativ polisen."]
    assert problems("${skola_rutin} = 'Ja'") == ["Frågan skola_rutin har inget svarsalternativ Ja."]


def test_a_question_of_another_part_is_refused():
    assert problems("${kontakt_namn} != ''") == [
        "Frågan kontakt_namn hör till delen allman, inte till indikatorns del vinr."
    ]


def test_an_unreadable_rule_says_where():
    (message,) = problems("${skola_rutin} = = 'ja'")
    assert message.startswith("Regeln går inte att läsa vid tecken 18:")


def test_an_empty_rule_is_refused_for_a_year_with_a_questionnaire():
    assert problems("  ") == ["Regeln är tom. Året har en enkät, så indikatorn behöver en regel."]


def test_a_part_the_questionnaire_lacks_is_refused():
    assert problems("${skola_rutin} = 'ja'", part_code="ekb") == ["Enkäten 2024 har ingen del ekb."]


def test_every_catalogue_rule_fits_the_shipped_questionnaire_of_each_of_its_years():
    forms = {year: questions_of_form(read_xlsform(shipped(year), f"vinr-{year}.md")) for year in range(2016, 2026)}
    for row in csv.DictReader(CATALOGUE.open(encoding="utf-8")):
        for year in range(int(row["first_year"]), 2026):
            found = rule_problems(
                rule=row["rule"], kind=row["kind"], part_code=row["part"], questions=forms[year], year=year
            )
            assert found == [], (row["code"], year, found)


@pytest.mark.django_db
def test_a_questionnaire_without_a_question_a_rule_uses_is_refused_and_nothing_is_stored():
    load_catalogue(years=[2025])  # no questionnaire yet: nothing to check against
    without_su_anvant = "\n".join(line for line in shipped(2025).decode().splitlines() if "| su_anvant |" not in line)
    with pytest.raises(QuestionnaireConflict) as caught:
        load_questionnaire(form=read_xlsform(without_su_anvant.encode(), "a.md"), year=2025, source_name="a", user=None)
    assert caught.value.problems == ["Indikator VINR05: Frågan su_anvant finns inte i enkäten 2025."]
    assert not SurveyRound.objects.filter(year=2025).exists()
    load_questionnaire(form=read_xlsform(shipped(2025), "b.md"), year=2025, source_name="b", user=None)
    assert SurveyRound.objects.get(year=2025).questions.filter(code="su_anvant").exists()


@pytest.mark.django_db
def test_the_upload_page_lists_the_rules_a_questionnaire_would_break(client, coordinator):
    load_catalogue(years=[2025])
    without_polis = shipped(2025).decode().replace("| | aktorer | polis | Polisen |\n", "")
    client.force_login(coordinator)
    upload = {"year": 2025, "file": SimpleUploadedFile("vinr-2025.md", without_polis.encode())}
    response = client.post(reverse("survey:questionnaire-upload"), upload)
    assert response.status_code == 200
    assert "Indikator VINR08B: Frågan overensk har inget svarsalternativ polis." in response.content.decode()
    assert not SurveyRound.objects.filter(year=2025).exists()
