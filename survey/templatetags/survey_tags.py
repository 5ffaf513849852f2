from django import template
from django.utils.translation import gettext as _

from survey.models import Answer
from survey.selectors.responses import value_text

register = template.Library()


@register.filter
def answer_text(answer: Answer | None) -> str:
    """An answer as the respondent saw it: option labels rather than codes."""
    if answer is None:
        return _("(no answer)")
    return value_text(answer.question, answer.value)
