"""E-mails to respondents, written from templates in templates/emails/."""

from collections.abc import Mapping

from django.conf import settings

from core.models import OutgoingEmail
from core.outbox import render_email
from survey.models import Answer, PartSubmission
from survey.selectors.questionnaire import round_questions


def receipt_email(*, submission: PartSubmission, values: Mapping[str, str]) -> OutgoingEmail | None:
    """The receipt for a submitted part, with every answer, to the person who submitted it; an
    outbox row, so that it goes out once also when the queue is down at the moment of submitting.
    `values`: the response's answers by question code, as the submission checked them."""
    if submission.submitted_by is None:
        return None
    # The part's questions in questionnaire order, with their options, from the process's copy.
    questions = [q for q in round_questions(submission.response.round) if q.part_id == submission.part_id]
    answers = [Answer(question=q, value=values[q.code]) for q in questions if q.code in values]  # to show, unsaved
    context = {"submission": submission, "answers": answers, "site_url": settings.SITE_URL}
    subject, body = render_email("receipt", context)
    response = submission.response
    return OutgoingEmail(
        key=f"receipt:{submission.pk}", kind=OutgoingEmail.Kind.RECEIPT, round=response.round, unit=response.unit,
        to=submission.submitted_by.email, subject=subject, body=body,
    )  # fmt: skip
