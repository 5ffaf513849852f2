from django import template
from django.utils.translation import gettext as _

from survey.models import Answer

register = template.Library()


@register.filter
def answer_text(answer: Answer | None) -> str:
    """An answer as the respondent saw it: option labels rather than codes."""
    if answer is None or answer.value == "":
        return _("(no answer)")
    question = answer.question
    if question.type in ("select_one", "select_multiple"):
        labels = {choice.value: choice.label for choice in question.choices.all()}
        return ", ".join(labels.get(value, value) for value in answer.value.split())
    return answer.value
