"""Reading a questionnaire from an XLSForm (.xlsx, or pyxform's markdown form .md).

pyxform reads the sheets and checks the form against the XLSForm standard. This module reads the
headers by pyxform's own alias tables and rules, takes the parts of XLSForm the survey uses (see
survey/questionnaires/README.md), and reports every problem of a form in one pass with its sheet,
row and column, without follow-on errors (a refused question or a missing column is reported once,
not again by everything that depends on it). What is accepted but not used (a default, a language
the survey does not show, a setting filled in with a default) is listed in the form's notices.
Reading is pure: nothing is stored until the whole form is valid.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyxform import aliases, constants
from pyxform.errors import PyXFormError
from pyxform.parsing.sheet_headers import process_header
from pyxform.xls2json import RE_SELECT
from pyxform.xls2json_backends import get_xlsform
from pyxform.xls2xform import convert

from core.tables import FormError, column_name, formula_message
from core.uploads import MB, Kind, UploadRefused, check_file, is_xml_attack, xml_attack
from core.workbooks import open_workbook
from survey.xlsform.expressions import ExpressionError, parse

# Names as XML allows them (pyxform's rule, limited to letters, digits and _): å, ä and ö included.
NAME = re.compile(r"^[^\W\d]\w*$")
CHOICE_NAME = re.compile(r"^\S+$")
QUESTION_TYPES = {"integer", "decimal", "text", "note", "date", "calculate"}
TYPE_ALIASES = {"int": "integer", "string": "text", "add integer prompt": "integer", "add decimal prompt": "decimal",
                "add text prompt": "text", "add note prompt": "note", "add date prompt": "date"}  # fmt: skip
SELECT_TYPES = {"select_one", "select_multiple"}
# pyxform's metadata: what a phone records about itself and the session, never asked.
METADATA = {"start", "end", "today", "deviceid", "imei", "subscriberid", "simserial", "phonenumber", "username",
            "email", "audit"} | {f"uri:{name}" for name in ("deviceid", "subscriberid", "simserial", "phonenumber",
                                                             "username", "email")}  # fmt: skip
SELECTS = {constants.SELECT_ONE: "select_one", constants.SELECT_ALL_THAT_APPLY: "select_multiple"}
TRUE = {"yes", "true", "true()", "1"}
FALSE = {"", "no", "false", "false()", "0"}
TRANSLATABLE = {"label", "hint", "guidance_hint", "required_message", "constraint_message"}
SURVEY_COLUMNS = TRANSLATABLE | {"type", "name", "required", "relevant", "constraint", "choice_filter", "calculate"}
# Columns accepted and ignored (with a notice): they change only how a form looks or starts.
IGNORED_COLUMNS = {"appearance", "default", "autoplay", "rows"}
# Columns with a meaning the survey cannot honour: refused.
REFUSED_COLUMNS = {"read_only", "trigger", "parameters", "media", "body", "instance",
                   "save_to", "noapperrorstring", "image", "audio", "video", "big-image"}  # fmt: skip
BIND = {"relevant": "relevant", "required": "required", "constraint": "constraint", "calculate": "calculate",
        "jr:constraintMsg": "constraint_message", "jr:requiredMsg": "required_message", "readonly": "read_only",
        "jr:noAppErrorString": "noapperrorstring", "entities:saveto": "save_to"}  # fmt: skip
CONTROL = {"appearance": "appearance", "jr:count": "repeat_count", "autoplay": "autoplay", "rows": "rows"}
SETTINGS_COLUMNS = {"id_string": "form_id", "version": "version", "title": "form_title",
                    "default_language": "default_language"}  # fmt: skip
LANGUAGE_NAMES = {"sv": "sv", "svenska": "sv", "swedish": "sv", "en": "en", "english": "en", "engelska": "en"}
UNSUPPORTED_TYPES = {
    "repeat": gettext_lazy("Repeats (begin repeat) are not supported: every question is asked once per unit."),
    "geopoint": gettext_lazy("Locations (geopoint, geotrace, geoshape) are not supported."),
    "media": gettext_lazy("Pictures, sound, video and files (image, audio, video, file) are not supported."),
    "time": gettext_lazy("Times of day (time, datetime) are not supported: use date."),
    "external": gettext_lazy(
        "Options from another file or sheet (select_one_from_file, select_one_external) are "
        "not supported: put the options on the choices sheet."
    ),  # fmt: skip
}
TYPE_FAMILIES = {
    "repeat": "repeat", "geopoint": "geopoint", "geotrace": "geopoint", "geoshape": "geopoint",
    "image": "media", "photo": "media", "audio": "media", "video": "media", "file": "media",
    "background-audio": "media", "time": "time", "datetime": "time",
    "dateTime": "time", "date time": "time", "select_one_external": "external", "select one external": "external",
}  # fmt: skip


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
    extra: dict[str, str] = field(default_factory=dict)  # the other columns, for a choice_filter


@dataclass
class ParsedQuestion:
    code: str
    type: str
    label: str
    row: int
    label_en: str = ""
    hint: str = ""
    hint_en: str = ""
    guidance_hint: str = ""
    appearance: str = ""
    section: str = ""
    required: bool = False
    required_message: str = ""
    relevant: list[str] = field(default_factory=list)
    constraint: str = ""
    constraint_message: str = ""
    choice_filter: str = ""
    calculation: str = ""
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
    # What the coordinator should know although the form loads: defaults used, columns ignored.
    notices: list[str] = field(default_factory=list)

    @property
    def questions(self) -> list[ParsedQuestion]:
        return [question for part in self.parts for question in part.questions]


def language_code(name: str) -> str:
    """`sv` for "sv", "Svenska (sv)" or "Swedish"; other languages by their code or name."""
    if match := re.search(r"\(([A-Za-z-]+)\)\s*$", name):
        return match.group(1).lower()
    return LANGUAGE_NAMES.get(name.strip().lower(), name.strip().lower())


@dataclass(frozen=True)
class _Column:
    """A header as pyxform reads it: the column it means (aliases and case resolved) and its language."""

    header: str
    name: str
    language: str | None  # None: a column without a language (the form's default language)


def _column(header: str, use_double_colon: bool, header_aliases: dict, known: set[str]) -> _Column:
    _new, tokens = process_header(
        header=header, use_double_colon=use_double_colon, header_aliases=header_aliases, header_columns=known
    )
    if tokens[0] in ("bind", "control") and len(tokens) > 1:
        tokens = ((BIND if tokens[0] == "bind" else CONTROL).get(tokens[1], tokens[1]), *tokens[2:])
    name = "list_name" if tokens[0] == constants.LIST_NAME_S else tokens[0]
    if name in ("image", "audio", "video", "big-image") or name == "media":
        return _Column(header, "media", None)
    if len(tokens) == 1:
        return _Column(header, name, None)
    if name in TRANSLATABLE and len(tokens) == 2:
        return _Column(header, name, tokens[1])
    return _Column(header, header, None)  # unknown: kept as written


def _columns(header: list[dict[str, None]], header_aliases: dict, known: set[str]) -> list[_Column]:
    names = [name for columns in header for name in columns]
    use_double_colon = any("::" in name for name in names)
    return [_column(name, use_double_colon, header_aliases, known) for name in names]


SURVEY_KNOWN = SURVEY_COLUMNS | IGNORED_COLUMNS | {"calculation", "default", "media"}
CHOICES_KNOWN = {"list_name", "name", "label", "media"}


class _Reader:
    headers: dict[str, str]

    def __init__(self, default_language: str) -> None:
        self.headers = {}
        self.label_references: list[tuple[int, str, str]] = []
        self.errors: list[FormError] = []
        self.notices: list[str] = []
        self.default_language = default_language
        self.refused: set[str] = set()  # names of questions refused: no follow-on errors about them
        self.ignored: dict[str, list[int]] = {}
        self.choices_unread = False
        self.has_rows = False

    def error(self, sheet: str | None, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(FormError(sheet, row, column, message))

    def missing_column(self, sheet: str, column: str) -> None:
        """Once for the sheet, not once for every row that would need the column."""
        error = FormError(sheet, 1, None, _("The sheet has no column %(column)s.") % {"column": column})
        if error not in self.errors:
            self.errors.append(error)

    def notice(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)

    def rows(self, sheet: str, header: list[dict[str, None]], rows: list[dict[str, str]], *,
             header_aliases: dict, known: set[str], supported: set[str]) -> list[dict[str, str]]:  # fmt: skip
        """The sheet's rows under canonical column names: `label` is the Swedish text (or the only
        one there is), `label::en` the English; a column that cannot be honoured is reported once."""
        columns = _columns(header, header_aliases, known)
        by_header = {column.header: column for column in columns}
        seen: dict[tuple[str, str | None], str] = {}
        languages: dict[str, dict[str, str]] = {}  # column -> language code -> header
        for column in columns:
            key = (column.name, column.language and language_code(column.language))
            if key in seen and sheet == "settings":
                # Two columns for one setting: the later is used (pyxform takes form_id beside id_string).
                self.notice(
                    _("Sheet %(sheet)s: the column %(column)s says the same as %(other)s and was ignored.")
                    % {"sheet": sheet, "column": seen[key], "other": column.header}
                )
                languages.get(column.name, {}).pop(self.default_language, None)
            elif key in seen:
                self.error(sheet, 1, column.header, _("The column means the same as %(other)s.") % {"other": seen[key]})
                continue
            seen[key] = column.header
            if column.name in supported:
                code = language_code(column.language) if column.language else self.default_language
                languages.setdefault(column.name, {}).setdefault(code, column.header)
            elif column.name in REFUSED_COLUMNS:
                if any(row.get(column.header) not in (None, "") for row in rows):
                    self.error(sheet, 1, column.header, _("The column is not supported."))
                else:
                    self.notice(
                        _("Sheet %(sheet)s: the column %(column)s is empty and was ignored.")
                        % {"sheet": sheet, "column": column.header}
                    )
            elif sheet != "choices":  # the other columns of the options are kept, for a choice_filter
                self.notice(
                    _("Sheet %(sheet)s: the column %(column)s is not used here and was ignored.")
                    % {"sheet": sheet, "column": column.header}
                )
        # Which header gives each canonical column: Swedish shown, English kept, others ignored.
        source: dict[str, str] = {}
        for name, by_code in languages.items():
            if name not in TRANSLATABLE:
                source[name] = next(iter(by_code.values()))
                continue
            swedish = by_code.get("sv") or by_code.get(self.default_language) or next(iter(by_code.values()))
            source[name] = swedish
            english = by_code.get("en") if name in ("label", "hint") else None  # kept beside the Swedish
            if english:
                source[f"{name}::en"] = english
            if "sv" not in by_code and any(row.get(header_name) for row in rows for header_name in by_code.values()):
                self.notice(
                    _("Sheet %(sheet)s: there is no Swedish %(column)s; the column %(header)s is shown.")
                    % {"sheet": sheet, "column": name, "header": swedish}
                )
            for header_name in by_code.values():
                if header_name not in (swedish, english):
                    self.notice(
                        _(
                            "Sheet %(sheet)s: the column %(column)s is in a language the survey does not show; "
                            "it was ignored."
                        )
                        % {"sheet": sheet, "column": header_name}  # fmt: skip
                    )
        self.headers = dict(source)
        self.has_rows = any(rows)
        result = []
        for row in rows:
            out = {name: str(row.get(header_name) or "") for name, header_name in source.items()}
            out["__extra"] = {  # type: ignore[assignment]
                by_header[h].header: str(v) for h, v in row.items() if h in by_header and by_header[h].name not in
                supported and by_header[h].name not in REFUSED_COLUMNS and v not in (None, "")
            }  # fmt: skip
            result.append(out if any(v for k, v in out.items() if k != "__extra") else {})
        return result

    def header(self, name: str) -> str:
        return self.headers.get(name, name)

    def read_choices(self, rows: list[dict[str, str]]) -> dict[str, list[ParsedChoice]]:
        lists: dict[str, list[ParsedChoice]] = {}
        missing = [column for column in ("list_name", "name") if column not in self.headers]
        if self.has_rows and missing:
            for column in missing:
                self.missing_column("choices", column)
            self.choices_unread = True  # the lists are unknown: no question is told its list is missing
            return lists
        for index, row in enumerate(rows):
            number = index + 2
            if not row:
                continue
            list_name, value = row.get("list_name", "").strip(), row.get("name", "").strip()
            if not list_name:
                self.error("choices", number, self.header("list_name"), _("The list name is missing."))
                continue
            if not CHOICE_NAME.match(value) or len(value) > 100:
                self.error(
                    "choices", number, self.header("name"),
                    _("An option needs a name without spaces, at most 100 characters."),
                )  # fmt: skip
                lists.setdefault(list_name, [])
                continue
            if any(choice.value == value for choice in lists.get(list_name, [])):
                self.error(
                    "choices", number, self.header("name"), _("The option %(name)s appears twice.") % {"name": value}
                )
                continue
            label = row.get("label", "").strip()
            if not label and "label" not in self.headers:
                self.missing_column("choices", "label")
            elif not label:
                self.error("choices", number, self.header("label"), _("The option has no label."))
            extra = dict(row.get("__extra") or {})  # type: ignore[call-overload]
            lists.setdefault(list_name, []).append(ParsedChoice(value, label, row.get("label::en", ""), extra))
        return lists

    def read_survey(
        self, rows: list[dict[str, str]], lists: dict[str, list[ParsedChoice]], title: str
    ) -> list[ParsedPart]:
        parts: list[ParsedPart] = []
        groups: list[tuple[str, str, str]] = []  # (name, label, relevant) of the open groups
        repeats = 0  # open repeats: their questions are refused with the repeat
        loose: ParsedPart | None = None  # the default part of the questions outside every group
        seen: dict[str, int] = {}
        if "type" not in self.headers:
            self.missing_column("survey", "type")
            return parts
        for index, row in enumerate(rows):
            number = index + 2
            if not row:
                continue
            kind = re.sub(r"\s+", " ", row.get("type", "").strip())
            name = row.get("name", "").strip()
            if control := re.fullmatch(r"(?i)(begin|end)[ _]+(.+)", kind):
                which = aliases.control.get(control.group(2).lower().replace("_", " "), control.group(2))
                if control.group(1).lower() == "begin":
                    if which != constants.GROUP or repeats:
                        repeats += 1
                        self.refused.add(name)
                        if which != constants.GROUP:
                            self.error("survey", number, self.header("type"), str(UNSUPPORTED_TYPES["repeat"]))
                        continue
                    if not NAME.match(name):
                        self.error(
                            "survey", number, self.header("name"), _("A group needs a name of letters, digits and _.")
                        )
                    label = row.get("label", "").strip()
                    if not groups:
                        parts.append(ParsedPart(name, label or name))
                        loose = None
                    groups.append((name, label, row.get("relevant", "").strip()))
                    self.check_expression(number, "relevant", row.get("relevant", ""))
                    self.ignore(number, row)
                    continue
                if repeats:
                    repeats -= 1
                elif not groups:
                    self.error("survey", number, self.header("type"), _("end group without a begin group."))
                else:
                    groups.pop()
                continue
            if repeats:
                self.refused.add(name)
                continue
            if kind.lower() in METADATA:
                self.refused.add(name)
                self.notice(
                    _(
                        "Row %(row)d: %(type)s records something about the device or the session; it is not used "
                        "here and was ignored."
                    )
                    % {"row": number, "type": kind}  # fmt: skip
                )
                continue
            questions = self.read_question(number, kind, name, row, lists)
            if not questions:
                self.refused.add(name)
                continue
            if not groups and loose is None:
                codes = {part.code for part in parts} | {row.get("name", "") for row in rows if row}
                code = next(c for c in ("questions", *(f"questions_{n}" for n in range(2, 99))) if c not in codes)
                loose = ParsedPart(code, title)
                parts.append(loose)
                self.notice(
                    _("Questions outside every group (from row %(row)d) are in a part of their own, %(part)s.")
                    % {"row": number, "part": title}
                )
            for question in questions:
                if question.code in seen:
                    self.error(
                        "survey",
                        number,
                        self.header("name"),
                        _("The name %(name)s is used on row %(row)d too.")
                        % {"name": question.code, "row": seen[question.code]},
                    )
                    continue
                seen[question.code] = number
                question.section = groups[-1][1] if len(groups) > 1 else ""
                question.relevant = [relevant for _name, _label, relevant in groups if relevant] + question.relevant
                (loose if not groups else parts[-1]).questions.append(question)  # type: ignore[union-attr]
        if groups:
            self.error(
                "survey",
                None,
                self.header("type"),
                _("The group %(name)s is never closed (end group).") % {"name": groups[-1][0]},
            )
        for column, rows_ in self.ignored.items():
            self.notice(
                _("The column %(column)s is not used here and was ignored (rows %(rows)s).")
                % {"column": self.header(column), "rows": ", ".join(str(r) for r in rows_)}
            )
        return parts

    def ignore(self, number: int, row: dict[str, str]) -> None:
        for column in IGNORED_COLUMNS:
            if row.get(column, "").strip() and not (column == "appearance" and row[column].strip() == "multiline"):
                self.ignored.setdefault(column, []).append(number)

    def read_question(
        self, number: int, kind: str, name: str, row: dict[str, str], lists: dict[str, list[ParsedChoice]]
    ) -> list[ParsedQuestion]:
        base, list_name, or_other = self.question_type(kind)
        if base is None:
            family = TYPE_FAMILIES.get(kind.split(" ")[0]) or TYPE_FAMILIES.get(kind)
            if any(word in kind.lower().replace("_", " ") for word in ("from file", "external")):
                family = "external"
            message = (
                UNSUPPORTED_TYPES[family]
                if family
                else _("The type %(type)s is not supported.") % {"type": kind or "—"}
            )
            self.error("survey", number, self.header("type"), str(message))
            return []
        if not name and "name" not in self.headers:
            self.missing_column("survey", "name")
            return []
        if not NAME.match(name):
            self.error("survey", number, self.header("name"), _("A question needs a name of letters, digits and _."))
            return []
        label, hint = row.get("label", "").strip(), row.get("hint", "").strip()
        if not label and hint:  # pyxform needs a label or a hint: a hint alone is the question's text
            label, hint = hint, ""
        if base == "calculate":
            pass  # a calculation is not shown: it needs no label
        elif not label and not {"label", "hint"} & self.headers.keys():
            self.missing_column("survey", "label")
        elif not label:
            self.error("survey", number, self.header("label"), _("The question has no label."))
        required = row.get("required", "").strip().lower()
        if required not in TRUE | FALSE:
            self.error("survey", number, self.header("required"), _("Write yes or no."))
        self.ignore(number, row)
        question = ParsedQuestion(
            code=name,
            type=base,
            label=label or (name if base == "calculate" else ""),
            row=number,
            label_en=row.get("label::en", ""),
            hint=hint,
            hint_en=row.get("hint::en", ""),
            guidance_hint=row.get("guidance_hint", "").strip(),
            appearance="multiline" if base == "text" and row.get("appearance", "").strip() == "multiline" else "",
            required=required in TRUE,
            required_message=row.get("required_message", "").strip(),
            relevant=[row["relevant"].strip()] if row.get("relevant", "").strip() else [],
            constraint=row.get("constraint", "").strip(),
            constraint_message=row.get("constraint_message", "").strip(),
            choice_filter=row.get("choice_filter", "").strip(),
            calculation=row.get("calculate", "").strip(),
        )
        if base == "calculate" and not question.calculation:
            self.error("survey", number, self.header("calculate"), _("A calculate question needs a calculation."))
        elif base != "calculate" and question.calculation:
            self.error(
                "survey", number, self.header("calculate"), _("Only a calculate question can have a calculation.")
            )
        for column in ("relevant", "constraint", "choice_filter", "calculate"):
            self.check_expression(number, column, row.get(column, ""))
        self.check_labels(number, row)
        if base not in SELECT_TYPES:
            if question.choice_filter:
                self.error(
                    "survey", number, self.header("choice_filter"), _("Only a select question can filter its options.")
                )
            return [question]
        if list_name not in lists and not self.choices_unread:
            self.error(
                "survey",
                number,
                self.header("type"),
                _("The list %(list)s is not on the choices sheet.") % {"list": list_name or "—"},
            )
        question.choices = list(lists.get(list_name, []))
        if not or_other:
            return [question]
        # pyxform's or_other: an option "other" and a text question asked when it is chosen.
        question.choices.append(ParsedChoice("other", _("Other"), "Other"))
        other = ParsedQuestion(
            code=f"{name}_other",
            type="text",
            label=_("Other, namely"),
            label_en="Specify other.",
            row=number,
            relevant=[f"selected(${{{name}}}, 'other')"],
        )
        return [question, other]

    def question_type(self, kind: str) -> tuple[str | None, str, bool]:
        """(type, list name, or_other) of a type cell as pyxform reads it; type None if unsupported."""
        lowered = kind.lower()
        if lowered in QUESTION_TYPES or lowered in TYPE_ALIASES:
            return TYPE_ALIASES.get(lowered, lowered), "", False
        if match := RE_SELECT.search(kind):
            command = match.group("select_command")
            if command not in aliases.select_from_file and aliases.select[command] in SELECTS:
                return SELECTS[aliases.select[command]], match.group("list_name"), bool(match.group("specify_other"))
        return None, "", False

    def check_labels(self, number: int, row: dict[str, str]) -> None:
        """${name} in a text is replaced by the answer when the page is shown: it must name a question."""
        for column in ("label", "hint", "guidance_hint"):
            for name in re.findall(r"\$\{([^}]*)\}", row.get(column, "")):
                self.label_references.append((number, self.header(column), name))

    def check_expression(self, number: int, column: str, text: str) -> None:
        if not text.strip():
            return
        try:
            expression = parse(text.strip())
        except ExpressionError as error:
            self.error(
                "survey",
                number,
                self.header(column),
                _("%(message)s (at character %(position)d)")
                % {"message": error.message, "position": (error.position or 0) + 1},
            )
            return
        if expression.fields and column != "choice_filter":
            self.error(
                "survey",
                number,
                self.header(column),
                _("Write ${%(name)s} to refer to a question.") % {"name": sorted(expression.fields)[0]},
            )

    def check_references(self, parts: list[ParsedPart], lists: dict[str, list[ParsedChoice]]) -> None:
        questions = {question.code: question for part in parts for question in part.questions}
        known = questions.keys() | self.refused
        for number, column, name in self.label_references:
            if name not in known:
                self.error("survey", number, column, _("There is no question %(name)s.") % {"name": name})
        for question in questions.values():
            for column, texts in (("relevant", question.relevant), ("constraint", [question.constraint]),
                                  ("choice_filter", [question.choice_filter]),
                                  ("calculate", [question.calculation])):  # fmt: skip
                for text in filter(None, texts):
                    try:
                        expression = parse(text)
                    except ExpressionError:
                        continue  # reported already
                    for name in sorted(expression.references - known):
                        self.error(
                            "survey",
                            question.row,
                            self.header(column),
                            _("There is no question %(name)s.") % {"name": name},
                        )
                    for name, option in sorted(expression.compared_options):
                        other = questions.get(name)
                        if other and other.choices and option not in {choice.value for choice in other.choices}:
                            self.error(
                                "survey",
                                question.row,
                                self.header(column),
                                _("%(question)s has no option %(option)s.") % {"question": name, "option": option},
                            )
                    if column == "choice_filter":
                        columns = {"name", "label"} | {k for choice in question.choices for k in choice.extra}
                        for name in sorted(expression.fields - columns):
                            self.error(
                                "survey",
                                question.row,
                                self.header(column),
                                _("The options have no column %(name)s.") % {"name": name},
                            )


PLAIN_FORMULA = re.compile(r"(?i)^=\s*(true|false)\(\)\s*$")


def formula_cells(data: bytes) -> tuple[list[FormError], dict[tuple[str, int, str], str]]:
    """The formula cells of a workbook: an error for each whose meaning is not plain, and the value
    of each that is (=TRUE() and =FALSE(), how LibreOffice saves a typed TRUE), by (sheet, row,
    header). pyxform would read the result Excel stored with any formula, or nothing where none was
    stored; only a plain formula is safe to read."""
    workbook = open_workbook(data, max_rows=QUESTIONNAIRE_ROWS)
    errors, plain = [], {}
    try:
        for sheet in workbook.worksheets:
            header: list[str] = []
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                header = header or [str(cell.value or "").strip() for cell in cells]
                for index, cell in enumerate(cells):
                    if cell.data_type != "f":
                        continue
                    if (match := PLAIN_FORMULA.match(str(cell.value))) and number > 1 and index < len(header):
                        plain[(sheet.title.lower(), number, header[index])] = match.group(1).upper()
                    else:
                        errors.append(FormError(sheet.title, number, column_name(header, index), formula_message()))
    finally:
        workbook.close()
    return errors, plain


def _default_id(filename: str) -> str:
    stem = re.sub(r"\.[^.]*$", "", filename)
    return re.sub(r"[^\w]+", "_", stem).strip("_") or "form"


def read_xlsform(data: bytes, filename: str, *, year: int | None = None) -> ParsedForm:
    """Reads and checks a whole XLSForm; raises XLSFormInvalid listing every problem of the form
    at once. Settings missing from the form get defaults from the file name and `year`, listed in
    the form's notices with everything else that was accepted but not used."""
    try:
        suffix = check_file(data=data, filename=filename, kind=QUESTIONNAIRE)
    except UploadRefused as refused:
        raise XLSFormInvalid([FormError(None, None, None, str(refused))]) from None
    formulas: list[FormError] = []
    plain: dict[tuple[str, int, str], str] = {}
    try:
        if suffix == ".xlsx":
            formulas, plain = formula_cells(data)
        workbook = get_xlsform(xlsform=data, file_type=suffix)
    except (PyXFormError, ValueError, KeyError, OSError) as error:
        if is_xml_attack(error):
            raise XLSFormInvalid([FormError(None, None, None, str(xml_attack()))]) from None
        raise XLSFormInvalid(
            [FormError(None, None, None, _("The file cannot be read: %(error)s") % {"error": error})]
        ) from None
    for (sheet, number, header), value in plain.items():
        rows = getattr(workbook, sheet, None) if sheet in ("survey", "choices", "settings") else None
        if rows and number - 2 < len(rows):
            rows[number - 2][header] = value
    if not workbook.survey:
        raise XLSFormInvalid([*formulas, FormError("survey", None, None, _("The survey sheet is missing or empty."))])
    settings_reader = _Reader("sv")
    settings_rows = settings_reader.rows(
        "settings", workbook.settings_header or [], workbook.settings or [],
        header_aliases={**aliases.settings_header, "form_title": constants.TITLE}, known=set(SETTINGS_COLUMNS),
        supported=set(SETTINGS_COLUMNS),
    )  # fmt: skip
    settings = {SETTINGS_COLUMNS.get(k, k): v.strip() for k, v in (settings_rows or [{}])[0].items() if k != "__extra"}
    default_language = language_code(settings.get("default_language", "") or "sv")
    reader = _Reader(default_language)
    reader.errors += formulas + settings_reader.errors
    reader.notices += settings_reader.notices
    for sheet in workbook.sheet_names:
        if sheet.lower() in {"external_choices", "entities", "osm"}:
            reader.error(sheet, None, None, _("The sheet is not supported."))
        elif sheet.lower() not in {"survey", "choices", "settings"}:
            reader.notice(_("The sheet %(sheet)s is not part of an XLSForm and was ignored.") % {"sheet": sheet})
    choice_rows = reader.rows(
        "choices", workbook.choices_header or [], workbook.choices or [],
        header_aliases=aliases.list_header, known=CHOICES_KNOWN, supported={"list_name", "name", "label"},
    )  # fmt: skip
    lists = reader.read_choices(choice_rows)
    survey_rows = reader.rows(
        "survey", workbook.survey_header or [], workbook.survey,
        header_aliases=aliases.survey_header, known=SURVEY_KNOWN, supported=SURVEY_COLUMNS | IGNORED_COLUMNS,
    )  # fmt: skip
    form_id = settings.get("form_id") or _default_id(filename)
    title = settings.get("form_title") or form_id
    version = settings.get("version") or (str(year) if year else "1")
    parts = reader.read_survey(survey_rows, lists, title)
    reader.check_references(parts, lists)
    for column, value in (("form_id", form_id), ("version", version), ("form_title", title)):
        if not settings.get(column):
            reader.notice(_("The settings have no %(column)s: %(value)s is used.") % {"column": column, "value": value})
    if reader.errors:
        raise XLSFormInvalid(reader.errors)
    try:
        convert(xlsform=data, file_type=suffix)  # the XLSForm standard's own checks
    except PyXFormError as error:
        raise XLSFormInvalid([FormError(None, None, None, _("XLSForm: %(error)s") % {"error": error})]) from None
    return ParsedForm(form_id, version, title, parts, reader.notices)
