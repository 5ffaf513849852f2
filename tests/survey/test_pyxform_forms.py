"""pyxform's own test forms (tests/survey/fixtures/pyxform/, see its README): every one that
pyxform converts and that uses only what the survey supports loads, as markdown and as .xlsx;
the others are refused with a message naming what is not supported.

Counts (pyxform 4.5.0): 34 forms; 27 that pyxform itself converts; 20 of those use only supported
types and columns and all 20 load (100 %); the other 7 (select_one_external and osm, a phone number,
a loop, a repeat, three with media columns) are refused with a message for each unsupported thing."""

from io import BytesIO
from pathlib import Path

import pytest
from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import get_xlsform, md_table_to_workbook
from pyxform.xls2xform import convert

from survey.xlsform.parser import XLSFormInvalid, read_xlsform

FORMS = sorted(
    path for path in (Path(__file__).parent / "fixtures" / "pyxform").glob("*.md") if path.name != "README.md"
)
TYPES = {"integer", "int", "decimal", "text", "string", "note", "date", "calculate", "begin group", "end group"}
SELECTS = ("select_one ", "select_multiple ", "select one from ", "select all that apply from ")


def pyxform_converts(data: bytes) -> bool:
    try:
        convert(xlsform=data, file_type=".md")
    except PyXFormError:
        return False
    return True


def uses_only_supported(data: bytes) -> bool:
    """Judged from the form itself, not by the parser under test: its types, columns and sheets."""
    workbook = get_xlsform(xlsform=data, file_type=".md")
    types = [row.get("type", "").strip().lower() for row in workbook.survey or []]
    columns = [name.lower() for columns in workbook.survey_header or [] for name in columns]
    return (
        all(kind in TYPES or kind.startswith(SELECTS) for kind in types if kind)
        and not any(column.startswith(("media", "image", "audio", "video")) for column in columns)
        and not {"external_choices", "entities", "osm"} & {name.lower() for name in workbook.sheet_names}
    )


def as_xlsx(data: bytes) -> bytes:
    buffer = BytesIO()
    md_table_to_workbook(data.decode()).save(buffer)
    return buffer.getvalue()


def test_every_pyxform_form_with_only_supported_features_loads():
    loaded, refused, unsupported, not_pyxform = [], [], [], []
    for path in FORMS:
        data = path.read_bytes()
        if not pyxform_converts(data):
            not_pyxform.append(path.name)
            continue
        try:
            for content, name in ((data, path.name), (as_xlsx(data), path.with_suffix(".xlsx").name)):
                form = read_xlsform(content, name, year=2030)
                assert form.questions, name
        except XLSFormInvalid as invalid:
            (refused if uses_only_supported(data) else unsupported).append((path.name, invalid.errors))
            continue
        assert uses_only_supported(data), f"{path.name} loads although it uses something unsupported"
        loaded.append(path.name)
    assert refused == [], refused  # a form that uses only supported features and does not load
    assert (len(FORMS), len(FORMS) - len(not_pyxform), len(loaded), len(unsupported)) == (34, 27, 20, 7)
    assert sorted(not_pyxform) == [
        "include.md", "include_json.md", "test_guidance_hint__guidance_hint_only.md",
        "test_guidance_hint__multi_language_guidance_only.md", "test_sheet_columns__conflicting_aliased_values.md",
        "test_sheet_columns__missing_choice_headers.md", "test_sheet_columns__missing_survey_headers.md",
    ]  # fmt: skip
    # Each refusal says what is not supported, in Swedish, with its sheet and row.
    messages = {name: [str(error) for error in errors] for name, errors in unsupported}
    assert messages["group.md"] == ["blad survey, rad 4, kolumn type: Typen phone number stöds inte."]
    assert messages["loop.md"] == [
        "blad survey, rad 3, kolumn type: Upprepningar (begin repeat) stöds inte: varje fråga ställs en gång per enhet."
    ]
    assert (
        "blad survey, rad 1, kolumn media::image: Kolumnen stöds inte."
        in messages["test_language_warnings__incomplete_translations.md"]
    )
    # The repeat is the one problem: its jr:count column is no second one.
    assert messages["test_sheet_columns__repeat_count_jr_alias.md"] == [
        "blad survey, rad 2, kolumn type: Upprepningar (begin repeat) stöds inte: varje fråga ställs en gång per enhet."
    ]


@pytest.mark.parametrize("name", ["specify_other.md", "test_guidance_hint__multi_language_guidance.md"])
def test_a_pyxform_form_keeps_its_meaning(name):
    form = read_xlsform((Path(__file__).parent / "fixtures" / "pyxform" / name).read_bytes(), name, year=2030)
    if name == "specify_other.md":
        sex, other = form.questions
        assert [c.value for c in sex.choices] == ["male", "female", "other"]
        assert other.relevant == ["selected(${sex}, 'other')"]
        assert (sex.label, sex.label_en) == ("What sex are you?", "What sex are you?")  # English only: shown
    else:
        assert form.questions[0].guidance_hint == "as shown on birth certificate"
        assert any("guidance_hint::French (fr)" in notice for notice in form.notices)
