"""E-mails to respondents, written from templates in templates/emails/."""

from django.conf import settings

from .models import Answer, OutgoingEmail, PartSubmission
from .outbox import render_email


def receipt_email(*, submission: PartSubmission) -> OutgoingEmail | None:
    """The receipt for a submitted part, with every answer, to the person who submitted it; an
    outbox row, so that it goes out once also when the queue is down at the moment of submitting."""
    if submission.submitted_by is None:
        return None
    answers = (
        Answer.objects.filter(response=submission.response, question__part=submission.part)
        .select_related("question")
        .prefetch_related("question__choices")
        .order_by("question__order")
    )
    context = {"submission": submission, "answers": answers, "site_url": settings.SITE_URL}
    subject, body = render_email("receipt", context)
    response = submission.response
    return OutgoingEmail(
        key=f"receipt:{submission.pk}", kind=OutgoingEmail.Kind.RECEIPT, round=response.round, unit=response.unit,
        to=submission.submitted_by.email, subject=subject, body=body,
    )  # fmt: skip
