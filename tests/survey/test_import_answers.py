from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from survey.models import Answer, AnswerChange, PartSubmission, SurveyRound
from survey.services.answer_import import import_answers

from .test_answering import COMPLETE_VINR

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_2024():
    call_command("load_questionnaire", "survey/questionnaires/vinr-2024.md", "--year", "2024")
    return SurveyRound.objects.get(year=2024)


def run(survey_round, user, text: str, name: str = "svar.csv", dry_run: bool = False):  # noqa: ANN001, ANN201
    data = text.encode("utf-8-sig") if isinstance(text, str) else text
    return import_answers(data=data, filename=name, survey_round=survey_round, user=user, dry_run=dry_run)


def answers(unit_code: str) -> dict:
    return dict(Answer.objects.filter(response__unit__code=unit_code).values_list("question__code", "value"))


def test_swedish_excel_csv_with_semicolons_and_bom(round_2024, coordinator):
    text = (
        "unit_code;question_code;value\r\n"
        "0880;fortb_barn;ja\r\n0880;overensk;polis kvinnojour\r\n0881;antal_skyddat_boende;12\r\n"
    )
    report = run(round_2024, coordinator, text)
    assert report.ok and (report.answers, report.units) == (3, 2)
    assert answers("0880") == {"fortb_barn": "ja", "overensk": "kvinnojour polis"}
    assert AnswerChange.objects.filter(channel="import", user=coordinator).count() == 3


def test_a_bad_row_names_row_and_column_and_nothing_is_imported(round_2024, coordinator):
    text = (
        "unit_code,question_code,value\n"
        "0880,fortb_barn,ja\n"
        "9999,fortb_barn,ja\n"
        "0881,finns_inte,ja\n"
        "0881,skola_rutin,kanske\n"
        "0881,su_anvant,ja\n"
        "0880,fortb_barn,nej\n"
    )
    report = run(round_2024, coordinator, text)
    assert [str(error) for error in report.errors] == [
        "rad 3, kolumn unit_code: Enheten 9999 är inte inbjuden till den här omgången.",
        "rad 4, kolumn question_code: Det finns ingen fråga finns_inte.",
        "rad 5, kolumn value: Välj bland de svarsalternativ som visas.",
        "rad 6, kolumn value: Frågan ställs inte med de svar som har getts hittills.",
        "rad 7, kolumn question_code: Samma svar finns på rad 2.",
    ]
    assert not Answer.objects.exists()


def test_a_dry_run_checks_everything_and_imports_nothing(round_2024, coordinator):
    report = run(round_2024, coordinator, "unit_code,question_code,value\n0880,fortb_barn,ja\n", dry_run=True)
    assert report.ok and report.answers == 1
    assert not Answer.objects.exists()


def test_submitted_at_marks_the_part_submitted_like_a_paper_answer(round_2024, coordinator):
    lines = ["unit_code,question_code,value,submitted_at"]
    lines += [f"0880,{code},{value},2024-03-01" for code, value in COMPLETE_VINR.items()]
    report = run(round_2024, coordinator, "\n".join(lines))
    assert report.ok and report.submitted_parts == 1
    submission = PartSubmission.objects.get(response__unit__code="0880", part__code="vinr")
    assert timezone.localtime(submission.submitted_at).isoformat().startswith("2024-03-01T12:00")


def test_an_incomplete_part_cannot_be_marked_submitted(round_2024, coordinator):
    report = run(round_2024, coordinator, "unit_code,question_code,value,submitted_at\n0880,fortb_barn,ja,2024-03-01\n")
    assert any("skydd_rutin: Svar krävs." in str(error) for error in report.errors)
    assert not Answer.objects.exists() and not PartSubmission.objects.exists()


def test_xlsx_files_import_too(round_2024, coordinator):
    workbook = Workbook()
    sheet = workbook.active
    for row in [
        ("unit_code", "question_code", "value"),
        ("0880", "antal_skyddat_boende", 7),
        ("0880", "fortb_barn", "ja"),
    ]:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    report = run(round_2024, coordinator, buffer.getvalue(), name="svar.xlsx")
    assert report.ok
    assert answers("0880") == {"antal_skyddat_boende": "7", "fortb_barn": "ja"}


def test_the_command_reports_problems(round_2024, coordinator, tmp_path):
    bad = tmp_path / "svar.csv"
    bad.write_text("unit_code,question_code,value\n0880,fortb_barn,kanske\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_answers", str(bad), "--year", "2024")
    good = tmp_path / "bra.csv"
    good.write_text("unit_code,question_code,value\n0880,fortb_barn,ja\n")
    call_command("import_answers", str(good), "--year", "2024")
    assert answers("0880") == {"fortb_barn": "ja"}


def test_the_import_page_checks_first_then_imports(client, coordinator, round_2024):
    client.force_login(coordinator)
    url = reverse("survey:answers-import", kwargs={"year": 2024})
    content = b"unit_code;question_code;value\n0880;fortb_barn;ja\n"
    checked = client.post(url, {"file": SimpleUploadedFile("svar.csv", content), "dry_run": "on"})
    assert "Filen är korrekt: 1 rader skulle ge 1 svar för 1 enheter." in checked.content.decode()
    assert not Answer.objects.exists()
    imported = client.post(url, {"file": SimpleUploadedFile("svar.csv", content)})
    assert "Importerade 1 svar för 1 enheter" in imported.content.decode()
    assert answers("0880") == {"fortb_barn": "ja"}
