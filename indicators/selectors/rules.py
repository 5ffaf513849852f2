"""Checking indicator rules against a year's questionnaire.

A rule is an expression of the questionnaire's language (survey/xlsform/expressions.py) over question
codes. It is checked when it is saved, when the catalogue is loaded and when a questionnaire is
loaded for its year: a rule that cannot be read, names a question the questionnaire lacks or one
of another part, or an answer option the question does not have, is refused with a message.
Years without a questionnaire (imported history only) need no check."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from indicators.models import IndicatorVersion
from survey.models import Question, SurveyRound
from survey.xlsform.expressions import ExpressionError, parse
from survey.xlsform.parser import ParsedForm


@dataclass(frozen=True)
class QuestionInfo:
    """What a rule check needs to know of a question."""

    type: str
    part_code: str
    options: tuple[str, ...] = ()  # the answer options' values, in order


def questions_of_form(form: ParsedForm) -> dict[str, QuestionInfo]:
    """{code: QuestionInfo} of a parsed form (before it is stored)."""
    return {
        question.code: QuestionInfo(
            type=question.type, part_code=part.code, options=tuple(choice.value for choice in question.choices)
        )
        for part in form.parts
        for question in part.questions
    }


def questions_of_year(year: int) -> dict[str, QuestionInfo] | None:
    """{code: QuestionInfo} of the year's stored questionnaire; None when the year has no round."""
    questions = (
        Question.objects.filter(round__year=year).select_related("part").prefetch_related("choices").order_by("order")
    )
    found = {
        question.code: QuestionInfo(
            type=question.type,
            part_code=question.part.code,
            options=tuple(choice.value for choice in question.choices.all()),
        )
        for question in questions
    }
    if found:
        return found
    return {} if SurveyRound.objects.filter(year=year).exists() else None


def rule_problems(
    *, rule: str, kind: str, part_code: str, questions: Mapping[str, QuestionInfo], year: int | None = None
) -> list[str]:
    """What is wrong with `rule` against a questionnaire's `questions` (Swedish messages; empty: nothing).

    Only call this for a year that has a questionnaire: there an empty rule is a problem too."""
    if kind not in IndicatorVersion.Kind.values:
        return [_("The kind %(kind)s is neither an indicator nor a key figure.") % {"kind": kind}]
    if not rule.strip():
        return [_("The rule is empty. The year has a questionnaire, so the indicator needs a rule.")]
    try:
        expression = parse(rule)
    except ExpressionError as error:
        position = (error.position or 0) + 1
        return [
            _("The rule cannot be read at character %(position)d: %(error)s.")
            % {"position": position, "error": error.message}
        ]
    problems = []
    parts = {info.part_code for info in questions.values()}
    if part_code not in parts:
        if year is None:
            problems.append(_("The questionnaire has no part %(part)s.") % {"part": part_code})
        else:
            problems.append(_("The questionnaire %(year)s has no part %(part)s.") % {"part": part_code, "year": year})
    for name in sorted(expression.fields):
        problems.append(
            _("%(name)s is not a question reference; write ${%(name)s} for the question %(name)s.") % {"name": name}
        )
    for code in sorted(expression.references):
        info = questions.get(code)
        if info is None:
            if year is None:
                problems.append(_("The question %(code)s is not in the questionnaire.") % {"code": code})
            else:
                problems.append(
                    _("The question %(code)s is not in the %(year)s questionnaire.") % {"code": code, "year": year}
                )
        elif info.part_code != part_code and part_code in parts:
            problems.append(
                _("The question %(code)s belongs to the part %(question_part)s, not to the indicator's part %(part)s.")
                % {"code": code, "question_part": info.part_code, "part": part_code}
            )
    for code, option in sorted(expression.compared_options):
        info = questions.get(code)
        if info is not None and info.options and option not in info.options:
            problems.append(
                _("The question %(code)s has no answer option %(option)s.") % {"code": code, "option": option}
            )
    return problems


def labelled(code: str, problems: list[str]) -> list[str]:
    """The problems of an indicator's rule, each saying which indicator it is about."""
    return [_("Indicator %(code)s: %(problem)s") % {"code": code, "problem": problem} for problem in problems]


def check_questionnaire(*, form: ParsedForm, year: int) -> list[str]:
    """What a questionnaire about to be loaded for `year` would break: every rule of the year's
    indicator versions is checked against the form (settings QUESTIONNAIRE_CHECKS)."""
    questions = questions_of_form(form)
    problems = []
    for version in IndicatorVersion.objects.filter(year=year).exclude(rule="").select_related("indicator"):
        problems += labelled(
            version.indicator.code,
            rule_problems(
                rule=version.rule, kind=version.kind, part_code=version.part_code, questions=questions, year=year
            ),
        )
    return problems
