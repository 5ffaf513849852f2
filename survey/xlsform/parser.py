"""Reading a questionnaire from an XLSForm (.xlsx, or pyxform's markdown form .md).

pyxform reads the sheets and checks the form against the XLSForm standard; on top of that this
module accepts only the subset the system supports and reports everything else with its sheet,
row and column. Reading is pure: nothing is stored until the whole form is valid.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import get_xlsform
from pyxform.xls2xform import convert

from core.tables import FormError, column_name, formula_message
from core.uploads import MB, Kind, UploadRefused, check_file, is_xml_attack, xml_attack
from core.workbooks import open_workbook
from survey.xlsform.expressions import ExpressionError, parse

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SURVEY_COLUMNS = {
    "type", "name", "label", "label::sv", "label::en", "hint", "hint::sv", "hint::en", "required",
    "required_message", "required_message::sv", "relevant", "constraint", "constraint_message",
    "constraint_message::sv", "choice_filter",
}  # fmt: skip
CHOICES_COLUMNS = {"list_name", "name", "label", "label::sv", "label::en"}
SETTINGS_COLUMNS = {"form_id", "version", "form_title"}
QUESTION_TYPES = {"integer", "decimal", "text", "note"}
SELECT_TYPES = {"select_one", "select_multiple"}
TRUE = {"yes", "true", "true()", "1"}
FALSE = {"", "no", "false", "false()", "0"}


QUESTIONNAIRE = Kind((".xlsx", ".md"), gettext_lazy("Upload an .xlsx or .md file."), max_bytes=2 * MB)
QUESTIONNAIRE_ROWS = 2_000  # per sheet (core/workbooks.py; README, *Imports*); a questionnaire has about 200


class XLSFormInvalid(Exception):
    def __init__(self, errors: list[FormError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


@dataclass
class ParsedChoice:
    value: str
    label: str
    label_en: str = ""


@dataclass
class ParsedQuestion:
    code: str
    type: str
    label: str
    row: int
    label_en: str = ""
    hint: str = ""
    hint_en: str = ""
    section: str = ""
    required: bool = False
    required_message: str = ""
    relevant: list[str] = field(default_factory=list)
    constraint: str = ""
    constraint_message: str = ""
    choice_filter: str = ""
    choices: list[ParsedChoice] = field(default_factory=list)


@dataclass
class ParsedPart:
    code: str
    label: str
    questions: list[ParsedQuestion] = field(default_factory=list)


@dataclass
class ParsedForm:
    form_id: str
    version: str
    title: str
    parts: list[ParsedPart]

    @property
    def questions(self) -> list[ParsedQuestion]:
        return [question for part in self.parts for question in part.questions]


def _sv(row: dict[str, str], column: str) -> str:
    return (row.get(f"{column}::sv") or row.get(column) or "").strip()


class _Reader:
    def __init__(self) -> None:
        self.errors: list[FormError] = []

    def error(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(FormError(sheet, row, column, message))

    def check_columns(self, sheet: str, header: list[dict[str, None]], allowed: set[str]) -> None:
        for name in [name for columns in header for name in columns]:
            if name not in allowed:
                self.error(sheet, 1, name, _("The column is not supported."))

    def read_choices(self, rows: list[dict[str, str]]) -> dict[str, list[ParsedChoice]]:
        lists: dict[str, list[ParsedChoice]] = {}
        for index, row in enumerate(rows):
            number = index + 2
            if not row:
                continue
            list_name, value = row.get("list_name", "").strip(), row.get("name", "").strip()
            if not list_name:
                self.error("choices", number, "list_name", _("The list name is missing."))
                continue
            if not NAME.match(value):
                self.error("choices", number, "name", _("An option needs a name of letters, digits and _."))
                continue
            if any(choice.value == value for choice in lists.get(list_name, [])):
                self.error("choices", number, "name", _("The option %(name)s appears twice.") % {"name": value})
                continue
            label = _sv(row, "label")
            if not label:
                self.error("choices", number, "label", _("The option has no label."))
            lists.setdefault(list_name, []).append(ParsedChoice(value, label, row.get("label::en", "")))
        return lists

    def read_survey(self, rows: list[dict[str, str]], lists: dict[str, list[ParsedChoice]]) -> list[ParsedPart]:
        parts: list[ParsedPart] = []
        groups: list[tuple[str, str, str]] = []  # (name, label, relevant) of the open groups
        seen: dict[str, int] = {}
        for index, row in enumerate(rows):
            number = index + 2
            if not row:
                continue
            kind = re.sub(r"\s+", " ", row.get("type", "").strip().replace("_group", " group"))
            name = row.get("name", "").strip()
            if kind == "begin group":
                if not NAME.match(name):
                    self.error("survey", number, "name", _("A group needs a name of letters, digits and _."))
                label = _sv(row, "label")
                if not groups:
                    parts.append(ParsedPart(name, label or name))
                groups.append((name, label, row.get("relevant", "").strip()))
                self.check_expression(number, "relevant", row.get("relevant", ""))
                continue
            if kind == "end group":
                if not groups:
                    self.error("survey", number, "type", _("end group without a begin group."))
                else:
                    groups.pop()
                continue
            question = self.read_question(number, kind, name, row, lists)
            if question is None:
                continue
            if not groups:
                self.error("survey", number, "type", _("The question is outside every part (begin group)."))
                continue
            if name in seen:
                self.error(
                    "survey",
                    number,
                    "name",
                    _("The name %(name)s is used on row %(row)d too.") % {"name": name, "row": seen[name]},
                )
                continue
            seen[name] = number
            question.section = groups[-1][1] if len(groups) > 1 else ""
            question.relevant = [relevant for _name, _label, relevant in groups if relevant] + question.relevant
            parts[-1].questions.append(question)
        if groups:
            self.error(
                "survey", None, "type", _("The group %(name)s is never closed (end group).") % {"name": groups[-1][0]}
            )
        return parts

    def read_question(
        self, number: int, kind: str, name: str, row: dict[str, str], lists: dict[str, list[ParsedChoice]]
    ) -> ParsedQuestion | None:
        base, _space, list_name = kind.partition(" ")
        if base not in QUESTION_TYPES | SELECT_TYPES or (base in QUESTION_TYPES and list_name):
            self.error("survey", number, "type", _("The type %(type)s is not supported.") % {"type": kind or "—"})
            return None
        if not NAME.match(name):
            self.error("survey", number, "name", _("A question needs a name of letters, digits and _."))
            return None
        label = _sv(row, "label")
        if not label:
            self.error("survey", number, "label", _("The question has no label."))
        required = row.get("required", "").strip().lower()
        if required not in TRUE | FALSE:
            self.error("survey", number, "required", _("Write yes or no."))
        question = ParsedQuestion(
            code=name,
            type=base,
            label=label,
            row=number,
            label_en=row.get("label::en", ""),
            hint=_sv(row, "hint"),
            hint_en=row.get("hint::en", ""),
            required=required in TRUE,
            required_message=_sv(row, "required_message"),
            relevant=[row["relevant"].strip()] if row.get("relevant", "").strip() else [],
            constraint=row.get("constraint", "").strip(),
            constraint_message=_sv(row, "constraint_message"),
            choice_filter=row.get("choice_filter", "").strip(),
        )
        if base in SELECT_TYPES:
            if list_name not in lists:
                self.error(
                    "survey",
                    number,
                    "type",
                    _("The list %(list)s is not on the choices sheet.") % {"list": list_name or "—"},
                )
            question.choices = list(lists.get(list_name, []))
        elif question.choice_filter:
            self.error("survey", number, "choice_filter", _("Only a select question can filter its options."))
        for column in ("relevant", "constraint", "choice_filter"):
            self.check_expression(number, column, row.get(column, ""))
        return question

    def check_expression(self, number: int, column: str, text: str) -> None:
        if not text.strip():
            return
        try:
            expression = parse(text.strip())
        except ExpressionError as error:
            self.error(
                "survey",
                number,
                column,
                _("%(message)s (at character %(position)d)")
                % {"message": error.message, "position": (error.position or 0) + 1},
            )
            return
        if expression.fields and column != "choice_filter":
            self.error(
                "survey",
                number,
                column,
                _("Write ${%(name)s} to refer to a question.") % {"name": sorted(expression.fields)[0]},
            )

    def check_references(self, parts: list[ParsedPart]) -> None:
        questions = {question.code: question for part in parts for question in part.questions}
        for question in questions.values():
            for column, texts in (("relevant", question.relevant), ("constraint", [question.constraint]),
                                  ("choice_filter", [question.choice_filter])):  # fmt: skip
                for text in filter(None, texts):
                    try:
                        expression = parse(text)
                    except ExpressionError:
                        continue  # reported already
                    for name in sorted(expression.references - questions.keys()):
                        self.error("survey", question.row, column, _("There is no question %(name)s.") % {"name": name})
                    for name, option in sorted(expression.compared_options):
                        other = questions.get(name)
                        if other and other.choices and option not in {choice.value for choice in other.choices}:
                            self.error(
                                "survey",
                                question.row,
                                column,
                                _("%(question)s has no option %(option)s.") % {"question": name, "option": option},
                            )
                    if column == "choice_filter":
                        for name in sorted(expression.fields - {"name", "label"}):
                            self.error(
                                "survey",
                                question.row,
                                column,
                                _("The options have no column %(name)s.") % {"name": name},
                            )


def formula_cells(data: bytes) -> list[FormError]:
    """The formula cells of a workbook. pyxform would take the result Excel stored with a formula;
    the form must hold the text itself (as every table import requires, core/tables.py)."""
    workbook = open_workbook(data, max_rows=QUESTIONNAIRE_ROWS)
    errors = []
    try:
        for sheet in workbook.worksheets:
            header: list[str] = []
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                header = header or [str(cell.value or "").strip() for cell in cells]
                errors += [
                    FormError(sheet.title, number, column_name(header, index), formula_message())
                    for index, cell in enumerate(cells)
                    if cell.data_type == "f"
                ]
    finally:
        workbook.close()
    return errors


def read_xlsform(data: bytes, filename: str) -> ParsedForm:
    """Reads and checks a whole XLSForm; raises XLSFormInvalid listing every problem."""
    try:
        suffix = check_file(data=data, filename=filename, kind=QUESTIONNAIRE)
    except UploadRefused as refused:
        raise XLSFormInvalid([FormError(filename, None, None, str(refused))]) from None
    try:
        if suffix == ".xlsx" and (formulas := formula_cells(data)):
            raise XLSFormInvalid(formulas)
        workbook = get_xlsform(xlsform=data, file_type=suffix)
    except (PyXFormError, ValueError, KeyError, OSError) as error:
        if is_xml_attack(error):
            raise XLSFormInvalid([FormError(filename, None, None, str(xml_attack()))]) from None
        raise XLSFormInvalid(
            [FormError(filename, None, None, _("The file cannot be read: %(error)s") % {"error": error})]
        ) from None
    reader = _Reader()
    if not workbook.survey:
        raise XLSFormInvalid([FormError("survey", None, None, _("The survey sheet is missing or empty."))])
    reader.check_columns("survey", workbook.survey_header or [], SURVEY_COLUMNS)
    reader.check_columns("choices", workbook.choices_header or [], CHOICES_COLUMNS)
    reader.check_columns("settings", workbook.settings_header or [], SETTINGS_COLUMNS)
    for sheet in workbook.sheet_names:
        if sheet.lower() not in {"survey", "choices", "settings"}:
            reader.error(sheet, None, None, _("The sheet is not supported."))
    lists = reader.read_choices(workbook.choices or [])
    parts = reader.read_survey(workbook.survey, lists)
    reader.check_references(parts)
    settings = (workbook.settings or [{}])[0]
    for column in ("form_id", "version", "form_title"):
        if not settings.get(column):
            reader.error("settings", 2, column, _("The value is missing."))
    if reader.errors:
        raise XLSFormInvalid(reader.errors)
    try:
        convert(xlsform=data, file_type=suffix)  # the XLSForm standard's own checks
    except PyXFormError as error:
        raise XLSFormInvalid([FormError("survey", None, None, _("XLSForm: %(error)s") % {"error": error})]) from None
    return ParsedForm(settings["form_id"], settings["version"], settings["form_title"], parts)
