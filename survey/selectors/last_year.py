"""The unit's answers of last year, beside this year's questions: respondents answer much the same
questionnaire every year. Only what the unit submitted last year counts, and only for a question
asked the same way: same code, same text, same kind and the same options; for a question that
changed, the page says so and offers no copy."""

from dataclasses import dataclass

from survey.models import Answer, PartSubmission, Question, Response
from survey.selectors import questionnaire
from survey.selectors.responses import value_text


@dataclass(frozen=True)
class LastYear:
    text: str  # last year's answer as the respondent saw it, e.g. "Ja"
    value: str  # what a copy would save; "" when the question has changed

    @property
    def changed(self) -> bool:
        return self.value == ""


def _options(question: Question) -> list[tuple[str, str]]:
    return [(choice.value, choice.label) for choice in question.choices.all()]


def _asked_the_same(then: Question, now: Question) -> bool:
    return (then.label, then.type, _options(then)) == (now.label, now.type, _options(now))


def last_years_answers(response: Response) -> dict[str, LastYear]:
    """By question code of this year's round: the unit's submitted answer of the year before."""
    year = response.round.year - 1
    previous = Response.objects.filter(unit_id=response.unit_id, round__year=year).select_related("round").first()
    if previous is None:
        return {}
    submitted = PartSubmission.objects.filter(response=previous).values("part_id")
    values = dict(
        Answer.objects.filter(response=previous, question__part__in=submitted).values_list("question_id", "value")
    )
    if not values:
        return {}
    then = {question.code: question for question in questionnaire.round_questions(previous.round)}
    result = {}
    for question in questionnaire.round_questions(response.round):
        old = then.get(question.code)
        if old is None or old.pk not in values or question.type in question.Type.unanswered():
            continue
        value = values[old.pk]
        copy = value if _asked_the_same(old, question) else ""
        result[question.code] = LastYear(value_text(old, value), copy)
    return result
