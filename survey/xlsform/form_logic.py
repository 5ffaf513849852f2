"""The questionnaire's rules, without the database: which questions are relevant, which options
are offered, whether a value is valid and whether a part is complete. Views, the API, imports
and submission all go through these functions, so a rule is checked the same way everywhere."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from survey.xlsform.expressions import parse, to_string

INTEGER = re.compile(r"^-?\d+$")
UNANSWERED = ("note", "calculate")
MAX_TEXT_LENGTH = 5000


@dataclass(frozen=True)
class ChoiceSpec:
    value: str
    label: str
    extra: tuple[tuple[str, str], ...] = ()  # the option's other columns, for a choice_filter


@dataclass(frozen=True)
class QuestionSpec:
    """What the rules need to know of a question; built from a `Question` row."""

    code: str
    type: str
    label: str
    required: bool = False
    required_message: str = ""
    relevant: tuple[str, ...] = ()
    constraint: str = ""
    constraint_message: str = ""
    choice_filter: str = ""
    choices: tuple[ChoiceSpec, ...] = ()
    calculation: str = ""

    @property
    def is_select(self) -> bool:
        return self.type in ("select_one", "select_multiple")

    @property
    def is_asked(self) -> bool:
        """Not a note, nor a calculation: someone answers it."""
        return self.type not in UNANSWERED


def effective_answers(questions: Iterable[QuestionSpec], answers: Mapping[str, str]) -> dict[str, str]:
    """The answers that count: those of relevant questions, decided in questionnaire order, so
    that a question hidden by an earlier answer also hides the questions that depend on it. A
    calculation's value is worked out here from the answers before it (never taken from `answers`)."""
    kept: dict[str, str] = {}
    for question in questions:
        if not is_relevant(question, kept):
            continue
        if question.type == "calculate":
            value = calculated(question, kept)
            if value != "":
                kept[question.code] = value
        elif answers.get(question.code, "") != "":
            kept[question.code] = answers[question.code]
    return kept


def calculated(question: QuestionSpec, answers: Mapping[str, str]) -> str:
    """A calculate question's value as XLSForm gives it: a string; empty when it is not a number
    that can be shown (NaN, infinity) or when the expression has no value."""
    if not question.calculation:
        return ""
    value = to_string(parse(question.calculation).evaluate(answers))
    return "" if value in ("NaN", "Infinity", "-Infinity", "inf", "-inf") else value


def is_relevant(question: QuestionSpec, answers: Mapping[str, str]) -> bool:
    return all(parse(condition).is_true(answers) for condition in question.relevant)


def relevant_codes(questions: Iterable[QuestionSpec], answers: Mapping[str, str]) -> set[str]:
    questions = list(questions)
    kept = effective_answers(questions, answers)
    return {question.code for question in questions if is_relevant(question, kept)}


REFERENCE = re.compile(r"\$\{([^}]*)\}")


def answer_texts(questions: Iterable[QuestionSpec], answers: Mapping[str, str]) -> dict[str, str]:
    """Each answer as the respondent reads it: the labels of the chosen options, or the value."""
    texts = {}
    for question in questions:
        value = answers.get(question.code, "")
        if question.is_select:
            labels = {choice.value: choice.label for choice in question.choices}
            value = ", ".join(labels.get(option, option) for option in value.split())
        texts[question.code] = value
    return texts


def mentioned(text: str) -> set[str]:
    """The questions whose answers a label shows (${name})."""
    return set(REFERENCE.findall(text)) if "${" in text else set()


def fill_in(text: str, answers: Mapping[str, str]) -> str:
    """A label with each ${name} replaced by that question's answer (empty while unanswered)."""
    return REFERENCE.sub(lambda match: answers.get(match.group(1), ""), text) if "${" in text else text


def offered_choices(question: QuestionSpec, answers: Mapping[str, str]) -> list[ChoiceSpec]:
    if not question.choice_filter:
        return list(question.choices)
    rule = parse(question.choice_filter)
    return [
        c for c in question.choices if rule.keeps_choice(answers, {**dict(c.extra), "name": c.value, "label": c.label})
    ]


def normalize(question: QuestionSpec, raw: str | list[str]) -> str:
    """The stored form of a value: trimmed, decimal comma as point, options in questionnaire order."""
    if question.type == "select_multiple":
        chosen = set(raw.split() if isinstance(raw, str) else raw)
        ordered = [choice.value for choice in question.choices if choice.value in chosen]
        return " ".join(ordered + sorted(chosen - set(ordered)))
    value = (raw if isinstance(raw, str) else " ".join(raw)).strip()
    if question.type == "decimal":
        value = value.replace(",", ".").replace(" ", "")
    if question.type == "integer":
        value = value.replace(" ", "")
    return value


def validation_error(question: QuestionSpec, value: str, answers: Mapping[str, str]) -> str | None:
    """Why `value` (normalized) cannot be the answer, in Swedish; None if it can. An empty value
    is always valid here: whether an answer is required is checked when the part is submitted."""
    if value == "":
        return None
    if question.type == "note":
        return _("This is information, not a question.")
    if question.type == "calculate":
        return _("This is calculated from the other answers, not a question.")
    if question.type == "integer" and not INTEGER.match(value):
        return _("Enter a whole number, without decimals.")
    if question.type == "decimal":
        try:
            Decimal(value)
        except InvalidOperation:
            return _("Enter a number, such as 12 or 12,5.")
    if question.type == "date" and not _is_date(value):
        return _("Enter a date as YYYY-MM-DD, such as 2024-03-01.")
    if question.type == "text" and len(value) > MAX_TEXT_LENGTH:
        return _("The answer is longer than %(max)d characters.") % {"max": MAX_TEXT_LENGTH}
    if question.is_select:
        offered = {choice.value for choice in offered_choices(question, answers)}
        chosen = value.split()
        if question.type == "select_one" and len(chosen) != 1:
            return _("Choose one option.")
        if any(option not in offered for option in chosen):
            return _("Choose among the options shown.")
    if question.constraint and not parse(question.constraint).is_true(answers, current=value):
        return question.constraint_message or _("The answer is not allowed.")
    return None


def _is_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def progress(questions: Iterable[QuestionSpec], answers: Mapping[str, str]) -> tuple[int, int]:
    """(answered, asked) for a part's questions: of the questions asked with these answers (relevant,
    not notes), how many have an answer that counts."""
    questions = list(questions)
    kept = effective_answers(questions, answers)
    asked = [question.code for question in questions if question.is_asked and is_relevant(question, kept)]
    return sum(code in kept for code in asked), len(asked)


def part_errors(questions: Iterable[QuestionSpec], answers: Mapping[str, str]) -> dict[str, str]:
    """Every problem that stops a part from being submitted, by question code."""
    questions = list(questions)
    kept = effective_answers(questions, answers)
    errors = {}
    for question in questions:
        if not question.is_asked or not is_relevant(question, kept):
            continue
        value = kept.get(question.code, "")
        if value == "":
            if question.required:
                errors[question.code] = question.required_message or _("An answer is required.")
            continue
        if message := validation_error(question, value, kept):
            errors[question.code] = message
    return errors
