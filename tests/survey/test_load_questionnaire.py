from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from survey.models import Question, SurveyRound
from survey.services import QuestionnaireConflict, load_questionnaire
from survey.xlsform.parser import XLSFormInvalid, read_xlsform

pytestmark = pytest.mark.django_db

SHIPPED = Path(__file__).resolve().parents[2] / "survey" / "questionnaires"
ALLMAN = ["kontakt_namn", "kontakt_epost", "kontakt_telefon", "namnd"]


def shipped(year: int) -> bytes:
    return (SHIPPED / f"vinr-{year}.md").read_bytes()


def markdown_form(survey_rows: list[str], choices: list[str] | None = None) -> bytes:
    lines = ["| survey |", "| | type | name | label | relevant | constraint | required |"]
    lines += [f"| | {row} |" for row in survey_rows]
    lines += ["| choices |", "| | list_name | name | label |"]
    lines += [f"| | {row} |" for row in choices or ["janej | ja | Ja", "janej | nej | Nej"]]
    lines += ["| settings |", "| | form_id | version | form_title |", "| | test | 1 | Test |"]
    return "\n".join(lines).encode()


def test_every_shipped_questionnaire_loads_with_the_reference_codes():
    call_command("load_questionnaire", "--all")
    codes = {r.year: list(r.questions.values_list("code", flat=True)) for r in SurveyRound.objects.all()}
    assert sorted(codes) == list(range(2016, 2026))
    assert codes[2016] == ALLMAN + [
        "skola_rutin", "fortb_vuxna", "fortb_barn", "su_foljt_upp", "su_sammanstallt", "su_anvant",
        "antal_skyddat_boende", "kommentar",
    ]  # fmt: skip
    assert "skydd_rutin" in codes[2017] and "overensk_uppfoljd" in codes[2017] and "uppf_myndighet" not in codes[2018]
    assert len(codes[2024]) == 21
    label = Question.objects.filter(code="overensk_uppfoljd").values_list("round__year", "label")
    assert all(("24 månaderna" in text) == (year >= 2024) for year, text in label)
    vinr_2024 = SurveyRound.objects.get(year=2024)
    assert list(vinr_2024.parts.values_list("code", "label")) == [
        ("allman", "Allmän del"),
        ("vinr", "Våld i nära relationer"),
    ]
    su_anvant = vinr_2024.questions.get(code="su_anvant")
    assert su_anvant.relevant == ["${su_sammanstallt} = 'ja'"] and su_anvant.required


def test_an_xlsx_file_loads_like_the_markdown_form():
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey_rows = [
        ("type", "name", "label::sv", "label::en"),
        ("begin group", "vinr", "VINR", "IPV"),
        ("select_one janej", "fortb_barn", "Fortbildning?", "Training?"),
        ("end group", None, None, None),
    ]
    for row in survey_rows:
        survey.append(row)
    choices = workbook.create_sheet("choices")
    for row in [("list_name", "name", "label"), ("janej", "ja", "Ja"), ("janej", "nej", "Nej")]:
        choices.append(row)
    workbook.create_sheet("settings").append(("form_id", "version", "form_title"))
    workbook["settings"].append(("vinr", "2030.1", "Test 2030"))
    buffer = BytesIO()
    workbook.save(buffer)
    form = read_xlsform(buffer.getvalue(), "vinr-2030.xlsx")
    survey_round = load_questionnaire(form=form, year=2030, source_name="vinr-2030.xlsx", user=None)
    question = survey_round.questions.get()
    assert (question.label, question.label_en) == ("Fortbildning?", "Training?")
    assert list(question.choices.values_list("value", flat=True)) == ["ja", "nej"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            ["begin group | p | P | | |", "calculate | x | X | | |", "end group | | | | |"],
            "blad survey, rad 3, kolumn calculate: En calculate-fråga behöver en beräkning.",
        ),
        (
            ["begin group | p | P | | |", "integer | x | X | ${y} > 1 | |", "end group | | | | |"],
            "blad survey, rad 3, kolumn relevant: Det finns ingen fråga y.",
        ),
        (
            ["begin group | p | P | | |", "integer | x | X | | . >> 1 |", "end group | | | | |"],
            "blad survey, rad 3, kolumn constraint: Oväntat '>' (vid tecken 4)",
        ),
        (
            [
                "begin group | p | P | | |",
                "select_one janej | x | X | | |",
                "integer | y | Y | ${x} = 'kanske' | |",
                "end group | | | | |",
            ],
            "blad survey, rad 4, kolumn relevant: x har inget svarsalternativ kanske.",
        ),
        (
            ["begin group | p | P | | |", "integer | x | X | | |", "integer | x | X2 | | |", "end group | | | | |"],
            "blad survey, rad 4, kolumn name: Namnet x används också på rad 3.",
        ),
        (
            ["begin group | p | P | | |", "integer | x | X | | |"],
            "blad survey, kolumn type: Gruppen p avslutas aldrig (end group).",
        ),
        (
            ["begin group | p | P | | |", "select_one saknas | x | X | | |", "end group | | | | |"],
            "blad survey, rad 3, kolumn type: Listan saknas finns inte på bladet choices.",
        ),
    ],
)
def test_an_invalid_form_names_row_and_column_and_loads_nothing(rows, expected):
    with pytest.raises(XLSFormInvalid) as caught:
        read_xlsform(markdown_form(rows), "fel.md")
    assert expected in [str(error) for error in caught.value.errors]
    assert not SurveyRound.objects.exists()


def test_an_unsupported_column_is_refused():
    form = shipped(2024).decode().replace("| choice_filter |", "| image |", 1).encode()
    with pytest.raises(XLSFormInvalid) as caught:
        read_xlsform(form, "vinr-2024.md")
    assert "blad survey, rad 1, kolumn image: Kolumnen stöds inte." in str(caught.value)


def test_the_command_reports_errors_and_loads_nothing(tmp_path):
    bad = tmp_path / "vinr-2031.md"
    bad.write_bytes(markdown_form(["select_one saknas | x | X | | |"]))
    with pytest.raises(CommandError, match="rad 2, kolumn type"):
        call_command("load_questionnaire", str(bad), "--year", "2031")
    assert not SurveyRound.objects.exists()


def test_once_open_an_upload_may_change_texts_but_not_options():
    survey_round = load_questionnaire(
        form=read_xlsform(shipped(2025), "vinr-2025.md"), year=2025, source_name="a", user=None
    )
    now = timezone.now()
    SurveyRound.objects.filter(pk=survey_round.pk).update(
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9)
    )

    reworded = shipped(2025).decode().replace("Övriga kommentarer till enkäten", "Övriga synpunkter")
    load_questionnaire(form=read_xlsform(reworded.encode(), "b.md"), year=2025, source_name="b", user=None)
    assert survey_round.questions.get(code="kommentar").label == "Övriga synpunkter"

    without_polis = reworded.replace("| | aktorer | polis | Polisen |\n", "")
    with pytest.raises(QuestionnaireConflict) as caught:
        load_questionnaire(form=read_xlsform(without_polis.encode(), "c.md"), year=2025, source_name="c", user=None)
    assert "Frågan overensk förlorar svarsalternativen polis." in caught.value.problems
    assert survey_round.questions.get(code="overensk").choices.filter(value="polis").exists()


def test_before_opening_an_upload_may_change_anything():
    opens_at = timezone.now() + timedelta(days=30)
    survey_round = load_questionnaire(form=read_xlsform(shipped(2025), "a.md"), year=2025, source_name="a", user=None)
    SurveyRound.objects.filter(pk=survey_round.pk).update(opens_at=opens_at, closes_at=opens_at + timedelta(days=49))
    load_questionnaire(form=read_xlsform(shipped(2016), "b.md"), year=2025, source_name="b", user=None)
    assert survey_round.questions.count() == 12
