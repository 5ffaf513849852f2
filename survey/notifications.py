"""E-mails to respondents, written from templates in templates/emails/."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .models import Answer, PartSubmission


def send_receipt(*, submission_id: int) -> None:
    """The receipt for a submitted part, with every answer, to the person who submitted it."""
    submission = PartSubmission.objects.select_related("response__round", "response__unit", "part", "submitted_by").get(
        pk=submission_id
    )
    if submission.submitted_by is None:
        return
    answers = (
        Answer.objects.filter(response=submission.response, question__part=submission.part)
        .select_related("question")
        .prefetch_related("question__choices")
        .order_by("question__order")
    )
    context = {"submission": submission, "answers": answers, "site_url": settings.SITE_URL}
    subject = "".join(render_to_string("emails/receipt_subject.txt", context).splitlines())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/receipt_body.txt", context),
        to=[submission.submitted_by.email],
    )
    message.send()
