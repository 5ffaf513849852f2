"""The round's contact persons per unit, with their invitations."""

from dataclasses import dataclass
from datetime import datetime

from core.models import OutgoingEmail
from survey.models import Contact, Invitation, Response, SurveyRound


@dataclass
class ContactRow:
    contact: Contact
    invited_at: datetime | None  # the latest invitation to this round
    email_waiting: bool  # its e-mail is still in the outbox
    email_failed: bool  # … and will not be sent until a coordinator sends it again
    link_used_at: datetime | None


def round_contact_rows(survey_round: SurveyRound) -> list[tuple[Response, list[ContactRow]]]:
    """Each unit of the round with its contacts and whether they have been invited to the round
    and have logged in, in four queries for any number of units."""
    responses = list(Response.objects.filter(round=survey_round).select_related("unit", "unit__county"))
    contacts: dict[int, list[Contact]] = {}
    for contact in Contact.objects.filter(unit__responses__round=survey_round).select_related("user"):
        contacts.setdefault(contact.unit_id, []).append(contact)
    latest: dict[int, Invitation] = {}
    for invitation in Invitation.objects.filter(round=survey_round).order_by("created_at"):
        latest[invitation.contact_id] = invitation
    emails = OutgoingEmail.objects.filter(round=survey_round, kind=OutgoingEmail.Kind.INVITATION)
    sent, failed = {}, set()
    for key, sent_at, failed_at in emails.values_list("key", "sent_at", "failed_at"):
        sent[key] = sent_at
        if failed_at and not sent_at:
            failed.add(key)
    rows = []
    for response in sorted(responses, key=lambda r: r.unit.code):
        unit_rows = []
        for contact in contacts.get(response.unit_id, []):
            invitation = latest.get(contact.pk)
            unit_rows.append(
                ContactRow(
                    contact,
                    invitation.created_at if invitation else None,
                    bool(invitation) and sent.get(f"invitation:{invitation.pk}", True) is None,
                    bool(invitation) and f"invitation:{invitation.pk}" in failed,
                    invitation.used_at if invitation else None,
                )
            )
        rows.append((response, unit_rows))
    return rows
