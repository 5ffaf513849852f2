"""XLSForm as pyxform reads it: each feature the survey takes from a form written elsewhere, in a
small form built here, and what stays refused with one clear message."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from survey.models import Response, SurveyRound
from survey.services import Change, load_questionnaire, save_answers
from survey.xlsform import form_logic
from survey.xlsform.expressions import parse
from survey.xlsform.parser import XLSFormInvalid, read_xlsform

pytestmark = pytest.mark.django_db

YES_NO = [("list_name", "name", "label"), ("janej", "ja", "Ja"), ("janej", "nej", "Nej")]
SETTINGS = [("form_id", "version", "form_title"), ("test", "1", "Test")]


def xlsx(survey: list[tuple], choices: list[tuple] | None = None, settings: list[tuple] | None = SETTINGS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows:
            other = workbook.create_sheet(title)
            for row in rows:
                other.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def errors_of(data: bytes, filename: str = "form.xlsx") -> list[str]:
    with pytest.raises(XLSFormInvalid) as caught:
        read_xlsform(data, filename)
    return [str(error) for error in caught.value.errors]


def grouped(*rows: tuple) -> list[tuple]:
    return [("type", "name", "label"), ("begin group", "del", "Delen"), *rows, ("end group",)]


def test_header_aliases_and_case_are_read_as_pyxform_reads_them():
    form = read_xlsform(
        xlsx(
            [
                ("TYPE", "Name", "Label", "bind::relevant", "Required", "Constraint Message"),
                ("begin_group", "del", "Delen"),
                ("select one from janej", "fraga", "Fråga?", "", "yes", ""),
                ("integer", "antal", "Hur många?", "${fraga} = 'ja'", "", "Skriv ett antal"),
                ("end_group",),
            ],
            [("list name", "name", "label"), ("janej", "ja", "Ja"), ("janej", "nej", "Nej")],
        ),
        "form.xlsx",
    )
    fraga, antal = form.questions
    assert fraga.type == "select_one" and fraga.required and [c.value for c in fraga.choices] == ["ja", "nej"]
    assert antal.relevant == ["${fraga} = 'ja'"] and antal.constraint_message == "Skriv ett antal"
    assert form.notices == []


def test_missing_settings_get_defaults_the_coordinator_sees(client, coordinator):
    data = xlsx(grouped(("integer", "antal", "Hur många?")), settings=None)
    form = read_xlsform(data, "vinr-kort.xlsx", year=2031)
    assert (form.form_id, form.version, form.title) == ("vinr_kort", "2031", "vinr_kort")
    client.force_login(coordinator)
    response = client.post(
        reverse("survey:questionnaire-upload"),
        {"year": 2031, "file": SimpleUploadedFile("vinr-kort.xlsx", data)},
        follow=True,
    )
    content = response.content.decode()
    assert "Inställningarna saknar form_id: vinr_kort används." in content
    assert "Inställningarna saknar version: 2031 används." in content
    assert SurveyRound.objects.get(year=2031).version == "2031"


def test_several_languages_show_swedish_keep_english_and_name_the_others():
    form = read_xlsform(
        xlsx(
            [
                (
                    "type",
                    "name",
                    "label::English (en)",
                    "label::Svenska (sv)",
                    "label::Français (fr)",
                    "hint::English (en)",
                    "required_message::English (en)",
                    "required_message::Svenska (sv)",
                ),
                ("begin group", "del", "Part", "Delen", "Partie"),
                ("integer", "antal", "How many?", "Hur många?", "Combien ?", "A number", "Required", "Svara"),
                ("end group",),
            ],
            settings=[("form_id", "version", "form_title", "default_language"), ("t", "1", "T", "English (en)")],
        ),  # fmt: skip
        "form.xlsx",
    )
    question = form.questions[0]
    assert (question.label, question.label_en, question.required_message) == ("Hur många?", "How many?", "Svara")
    # The default language is English: the hint has no Swedish text, so the English one is shown.
    assert question.hint == "A number"
    assert form.parts[0].label == "Delen"
    assert any("label::Français (fr)" in notice and "språk" in notice for notice in form.notices)


def test_questions_outside_every_group_go_into_a_part_of_their_own():
    form = read_xlsform(
        xlsx([("type", "name", "label"), ("integer", "antal", "Hur många?"), *grouped(("text", "t", "T"))[1:]]),
        "f.xlsx",
    )
    assert [(part.code, part.label, [q.code for q in part.questions]) for part in form.parts] == [
        ("questions", "Test", ["antal"]),
        ("del", "Delen", ["t"]),
    ]
    assert "Frågor utanför alla grupper (från rad 2) ligger i en egen del, Test." in form.notices


def test_or_other_adds_an_option_and_an_annat_namligen_question():
    form = read_xlsform(xlsx(grouped(("select_one janej or_other", "vem", "Vem?")), YES_NO), "f.xlsx")
    vem, other = form.questions
    assert [(c.value, c.label) for c in vem.choices][-1] == ("other", "Annat")
    assert (other.code, other.type, other.label) == ("vem_other", "text", "Annat, nämligen")
    specs = [form_logic.QuestionSpec(q.code, q.type, q.label, relevant=tuple(q.relevant)) for q in form.questions]
    assert form_logic.relevant_codes(specs, {"vem": "other"}) == {"vem", "vem_other"}
    assert form_logic.relevant_codes(specs, {"vem": "ja"}) == {"vem"}


def test_numeric_option_names_and_names_with_swedish_letters_load():
    form = read_xlsform(
        xlsx(
            [
                ("type", "name", "label", "relevant"),
                ("begin group", "del", "Delen"),
                ("select_one jn", "fråga_ö", "Fråga?"),
                ("integer", "antal", "Hur många?", "${fråga_ö} = 1"),
                ("end group",),
            ],
            [("list_name", "name", "label"), ("jn", "1", "Ja"), ("jn", "0", "Nej"), ("jn", "vet_ej_å", "Vet ej")],
        ),  # fmt: skip
        "f.xlsx",
    )
    fraga, antal = form.questions
    assert [c.value for c in fraga.choices] == ["1", "0", "vet_ej_å"]
    assert parse(antal.relevant[0]).is_true({"fråga_ö": "1"}) and not parse(antal.relevant[0]).is_true({"fråga_ö": "0"})


def test_an_option_name_with_a_space_is_refused_in_swedish():
    errors = errors_of(xlsx(grouped(("select_one jn", "f", "F")), [("list_name", "name", "label"), ("jn", "a b", "A")]))
    assert (
        "blad choices, rad 2, kolumn name: Ett svarsalternativ behöver ett namn utan mellanslag, högst 100 tecken."
        in errors
    )


def test_a_date_question_takes_a_date():
    form = read_xlsform(xlsx(grouped(("date", "beslut", "När fattades beslutet?"))), "f.xlsx")
    spec = form_logic.QuestionSpec("beslut", form.questions[0].type, "")
    assert spec.type == "date"
    assert form_logic.validation_error(spec, "2024-02-29", {}) is None
    assert (
        form_logic.validation_error(spec, "2023-02-29", {})
        == "Skriv ett datum som ÅÅÅÅ-MM-DD, till exempel 2024-03-01."
    )
    assert form_logic.validation_error(spec, "1 mars", {}) is not None


def test_a_calculation_is_worked_out_from_the_answers_and_never_asked():
    form = read_xlsform(
        xlsx(
            [
                ("type", "name", "label", "calculation", "relevant"),
                ("begin group", "del", "Delen"),
                ("integer", "kvinnor", "Kvinnor"),
                ("integer", "man", "Män"),
                ("calculate", "summa", "", "${kvinnor} + ${man}"),
                ("text", "varfor", "Varför fler än 10 (${summa})?", "", "${summa} > 10"),
                ("end group",),
            ],
        ),  # fmt: skip
        "f.xlsx",
    )
    specs = [
        form_logic.QuestionSpec(q.code, q.type, q.label, relevant=tuple(q.relevant), calculation=q.calculation)
        for q in form.questions
    ]
    assert form_logic.effective_answers(specs, {"kvinnor": "7", "man": "5", "summa": "1"})["summa"] == "12"
    assert form_logic.relevant_codes(specs, {"kvinnor": "7", "man": "5"}) >= {"varfor"}
    assert "varfor" not in form_logic.relevant_codes(specs, {"kvinnor": "3", "man": "5"})
    assert form_logic.progress(specs, {"kvinnor": "3", "man": "5"}) == (2, 2)  # the calculation is not asked
    assert (
        form_logic.validation_error(specs[2], "12", {}) == "Det här räknas fram ur de andra svaren och är ingen fråga."
    )


def test_a_calculation_must_have_an_expression_and_belongs_to_a_calculate_question():
    errors = errors_of(
        xlsx(
            [
                ("type", "name", "label", "calculation"),
                ("begin group", "del", "Delen"),
                ("calculate", "s", ""),
                ("integer", "a", "A", "1 + 1"),
                ("end group",),
            ]
        )  # fmt: skip
    )
    assert errors == [
        "blad survey, rad 3, kolumn calculation: En calculate-fråga behöver en beräkning.",
        "blad survey, rad 4, kolumn calculation: Bara en calculate-fråga kan ha en beräkning.",
    ]


def test_if_true_and_false_in_expressions():
    assert parse("if(${a} = 'ja', 1, 2) = 1").is_true({"a": "ja"})
    assert parse("if(${a} = 'ja', 1, 2) = 2").is_true({"a": "nej"})
    assert parse("true()").is_true({}) and not parse("false()").is_true({})
    assert parse("${a} = true()").is_true({"a": "x"})


def test_appearance_and_default_are_accepted_with_a_notice_and_multiline_is_used():
    form = read_xlsform(
        xlsx(
            [
                ("type", "name", "label", "appearance", "default"),
                ("begin group", "del", "Delen"),
                ("text", "kommentar2", "Kommentar", "multiline"),
                ("integer", "antal", "Antal", "numbers", "3"),
                ("end group",),
            ],
        ),  # fmt: skip
        "f.xlsx",
    )
    assert [q.appearance for q in form.questions] == ["multiline", ""]
    assert "Kolumnen appearance används inte här och har hoppats över (rad 4)." in form.notices
    assert "Kolumnen default används inte här och har hoppats över (rad 4)." in form.notices


def test_formula_cells_with_a_plain_meaning_are_read_and_others_refused_in_the_same_pass():
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    for row in [("type", "name", "label", "required"), ("begin group", "del", "Delen"),
                ("integer", "a", "A", "=TRUE()"), ("integer", "b", "B", "=IF(1,TRUE(),FALSE())"),
                ("rank janej", "c", "C"), ("end group",)]:  # fmt: skip
        survey.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    errors = errors_of(buffer.getvalue())
    assert errors[0] == "blad survey, rad 4, kolumn required: Cellen innehåller en formel; skriv in själva värdet."
    assert not any("rad 3" in error for error in errors)  # =TRUE() is read as TRUE
    assert "blad survey, rad 5, kolumn type: Typen rank janej stöds inte." in errors  # checked in the same pass


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ("begin repeat", "barn", "Barn"),
            "Upprepningar (begin repeat) stöds inte: varje fråga ställs en gång per enhet.",
        ),
        (("geopoint", "plats", "Plats"), "Platser (geopoint, geotrace, geoshape) stöds inte."),
        (("image", "bild", "Bild"), "Bilder, ljud, video och filer (image, audio, video, file) stöds inte."),
    ],
)
def test_what_stays_unsupported_is_refused_with_one_message(row, message):
    rows = [row, ("integer", "inne", "Inne", "${inne} > 0"), ("end repeat",)] if row[0] == "begin repeat" else [row]
    data = xlsx([("type", "name", "label", "relevant"), ("begin group", "del", "Delen"), *rows,
                 ("integer", "sen", "Sen", f"${{{row[1]}}} != ''"), ("end group",)])  # fmt: skip
    assert errors_of(data) == [f"blad survey, rad 3, kolumn type: {message}"]


def test_one_missing_label_column_is_one_error_not_one_per_row():
    errors = errors_of(xlsx([("type", "name", "lable"), ("begin group", "del", "Delen"), ("integer", "a", "A"),
                             ("integer", "b", "B"), ("end group",)]))  # fmt: skip
    assert errors == ["blad survey, rad 1: Bladet har ingen kolumn label."]


def test_file_level_errors_do_not_call_the_file_a_sheet():
    errors = errors_of(b"not a workbook", "form.xlsx")
    assert len(errors) == 1 and errors[0] == "Filen är ingen Excelarbetsbok (.xlsx), fast namnet säger det."


def test_a_missing_file_is_one_swedish_line(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("load_questionnaire", str(tmp_path / "saknas.xlsx"), "--year", "2031")
    assert str(caught.value) == f"{tmp_path / 'saknas.xlsx'} kan inte läsas: filen finns inte"


def test_the_page_shows_guidance_on_request_a_date_field_and_answers_in_labels(client, respondent):
    data = xlsx(
        [("type", "name", "label", "guidance_hint", "calculation"), ("begin group", "del", "Delen"),
         ("select_one janej", "rutin", "Finns en rutin?"), ("calculate", "ar", "", "", "2020 + 4"),
         ("date", "beslut", "När beslutades rutinen (svar: ${rutin}, år ${ar})?", "Datumet i protokollet."),
         ("end group",)],
        YES_NO,
    )  # fmt: skip
    survey_round = load_questionnaire(form=read_xlsform(data, "f.xlsx"), year=2032, source_name="f.xlsx", user=None)
    now = timezone.now()
    SurveyRound.objects.filter(pk=survey_round.pk).update(
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9)
    )
    response = Response.objects.get(round=survey_round, unit__code="0880")
    save_answers(response=response, changes={"rutin": Change("ja")}, user=respondent)
    client.force_login(respondent)
    page = client.get(reverse("survey:response-part", kwargs={"pk": response.pk, "part": "del"})).content.decode()
    assert "När beslutades rutinen (svar: Ja, år 2024)?" in page and "${rutin}" not in page
    assert 'id="q-ar" class="question mb-4" hidden' in page
    assert '<details class="small mb-2" id="guidance-beslut"><summary>Mer vägledning</summary>' in page
    assert "Datumet i protokollet." in page
    assert 'type="date"' in page


def test_an_autosave_redraws_the_labels_that_show_the_changed_answer(client, respondent):
    data = xlsx(
        [("type", "name", "label"), ("begin group", "del", "Delen"), ("integer", "antal", "Hur många?"),
         ("text", "om", "Berätta om de ${antal}"), ("text", "annat", "Något annat?"), ("end group",)],
    )  # fmt: skip
    survey_round = load_questionnaire(form=read_xlsform(data, "f.xlsx"), year=2032, source_name="f.xlsx", user=None)
    now = timezone.now()
    SurveyRound.objects.filter(pk=survey_round.pk).update(
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9)
    )
    response = Response.objects.get(round=survey_round, unit__code="0880")
    client.force_login(respondent)
    url = reverse("survey:response-part", kwargs={"pk": response.pk, "part": "del"})
    swapped = client.post(
        url, {"antal": "4", "v_antal": "0", "o_antal": "", "changed": "antal"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Berätta om de 4" in swapped and 'id="q-annat"' not in swapped


def test_a_choice_filter_may_test_another_column_of_the_options():
    """The usual county → municipality cascade: the options carry their county in a column of their own."""
    form = read_xlsform(
        xlsx(
            [
                ("type", "name", "label", "choice_filter"),
                ("begin group", "del", "Delen"),
                ("select_one lan", "lan", "Län"),
                ("select_one kommun", "kommun", "Kommun", "lan = ${lan}"),
                ("end group",),
            ],
            [
                ("list_name", "name", "label", "lan"),
                ("lan", "08", "Kalmar län"),
                ("lan", "01", "Stockholms län"),
                ("kommun", "0880", "Kalmar", "08"),
                ("kommun", "0180", "Stockholm", "01"),
                ("kommun", "0881", "Nybro", "08"),
            ],
        ),  # fmt: skip
        "f.xlsx",
    )
    kommun = form.questions[1]
    spec = form_logic.QuestionSpec(
        "kommun", "select_one", "", choice_filter=kommun.choice_filter,
        choices=tuple(form_logic.ChoiceSpec(c.value, c.label, tuple(c.extra.items())) for c in kommun.choices),
    )  # fmt: skip
    assert [c.value for c in form_logic.offered_choices(spec, {"lan": "08"})] == ["0880", "0881"]
    assert form.notices == []


def test_a_constraint_may_use_a_calculation(respondent):
    data = xlsx(
        [("type", "name", "label", "calculation", "constraint", "constraint_message"),
         ("begin group", "del", "Delen"), ("integer", "kvinnor", "Kvinnor"), ("integer", "man", "Män"),
         ("calculate", "summa", "", "${kvinnor} + ${man}"),
         ("integer", "med_barn", "Varav med barn", "", ". <= ${summa}", "Högst så många som alla"), ("end group",)],
    )  # fmt: skip
    survey_round = load_questionnaire(form=read_xlsform(data, "f.xlsx"), year=2032, source_name="f.xlsx", user=None)
    now = timezone.now()
    SurveyRound.objects.filter(pk=survey_round.pk).update(
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9)
    )
    response = Response.objects.get(round=survey_round, unit__code="0880")
    save_answers(response=response, changes={"kvinnor": Change("3"), "man": Change("2")}, user=respondent)
    assert save_answers(response=response, changes={"med_barn": Change("6")}, user=respondent).errors == {
        "med_barn": "Högst så många som alla"
    }
    assert save_answers(response=response, changes={"med_barn": Change("5")}, user=respondent).written == {"med_barn"}


def test_metadata_of_the_device_is_ignored_with_a_notice():
    form = read_xlsform(
        xlsx(grouped(("start", "start"), ("deviceid", "enhet"), ("integer", "antal", "Antal"))), "f.xlsx"
    )
    assert [q.code for q in form.questions] == ["antal"]
    assert "Rad 3: start registrerar något om enheten eller sessionen; det används inte här och har hoppats över." in (
        form.notices
    )
