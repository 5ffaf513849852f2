"""E-mails to respondents, written from templates in templates/emails/."""

from collections.abc import Mapping

from django.conf import settings
from django.urls import reverse

from core.models import OutgoingEmail
from core.outbox import render_email
from survey import access
from survey.models import Answer, Contact, Part, PartSubmission, Response
from survey.selectors.questionnaire import round_questions


def receipt_emails(*, submission: PartSubmission, values: Mapping[str, str]) -> list[OutgoingEmail]:
    """The receipt for a submitted part, with every answer, to the person who submitted it; when a
    coordinator submitted it on the unit's behalf, to the unit's contact persons too, so that they
    know what was submitted in their name. Outbox rows, so that each goes out once also when the
    queue is down at the moment of submitting. `values`: the response's answers by question code,
    as the submission checked them."""
    submitter = submission.submitted_by
    if submitter is None:
        return []
    response = submission.response
    # The part's questions in questionnaire order, with their options, from the process's copy.
    questions = [q for q in round_questions(response.round) if q.part_id == submission.part_id]
    answers = [Answer(question=q, value=values[q.code]) for q in questions if q.code in values]  # to show, unsaved
    on_behalf = access.has_role(submitter, "coordinator", "admin")
    context = {"submission": submission, "answers": answers, "site_url": settings.SITE_URL, "on_behalf": on_behalf}
    subject, body = render_email("receipt", context)
    emails = [
        OutgoingEmail(
            key=f"receipt:{submission.pk}", kind=OutgoingEmail.Kind.RECEIPT, round=response.round, unit=response.unit,
            to=submitter.email, subject=subject, body=body,
        )
    ]  # fmt: skip
    if on_behalf:
        for contact in Contact.objects.filter(unit=response.unit).exclude(email=submitter.email):
            emails.append(
                OutgoingEmail(
                    key=f"receipt:{submission.pk}:{contact.pk}", kind=OutgoingEmail.Kind.RECEIPT, round=response.round,
                    unit=response.unit, contact=contact, to=contact.email, subject=subject, body=body,
                )
            )  # fmt: skip
    return emails


def unit_contact_emails(
    *, response: Response, kind: str, key: str, template: str, context: dict, link: str
) -> list[OutgoingEmail]:
    """One e-mail from `template` to each of the unit's contact persons (each with its name in the
    context), keyed `<key>:<contact>` so that each goes once."""
    emails = []
    for contact in Contact.objects.filter(unit=response.unit):
        subject, body = render_email(template, {**context, "response": response, "contact": contact, "link": link})
        emails.append(
            OutgoingEmail(
                key=f"{key}:{contact.pk}", kind=kind, round=response.round, unit=response.unit, contact=contact,
                to=contact.email, subject=subject, body=body,
            )
        )  # fmt: skip
    return emails


def reopened_emails(*, response: Response, part: Part, reason: str, event_id: int) -> list[OutgoingEmail]:
    """Tells the unit's contact persons that a part is open for changes again, why, and until when."""
    link = settings.SITE_URL + reverse("survey:response-part", kwargs={"pk": response.pk, "part": part.code})
    return unit_contact_emails(
        response=response, kind=OutgoingEmail.Kind.REOPENED, key=f"reopened:{event_id}", template="reopened",
        context={"part": part, "reason": reason, "closes_at": response.closes_at}, link=link,
    )  # fmt: skip


def extension_emails(*, response: Response, event_id: int) -> list[OutgoingEmail]:
    """Tells the unit's contact persons their new deadline, and why (the coordinator's reason)."""
    link = settings.SITE_URL + reverse("survey:response-detail", kwargs={"pk": response.pk})
    return unit_contact_emails(
        response=response, kind=OutgoingEmail.Kind.EXTENDED, key=f"extended:{event_id}", template="extended",
        context={}, link=link,
    )  # fmt: skip
