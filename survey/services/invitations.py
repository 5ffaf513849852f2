"""Inviting contact persons: an e-mail with the round, the deadline and a personal single-use
link to set a password and log in."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.audit import record_event
from core.models import OutgoingEmail
from core.outbox import queue_emails, render_email
from core.text import normalise_email
from survey.models import Contact, Invitation, Response, SurveyRound, UnitAssignment

# A contact may ask for a new link this often at most, so that a leaked old link cannot flood them.
RENEWAL_INTERVAL = timedelta(minutes=5)


class InvitationInvalid(Exception):
    """The link cannot be used; `reason` is `used`, `expired` or `unknown`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("contact__unit", "contact__user", "round")
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitation_state(invitation: Invitation, *, now: datetime) -> str:
    if invitation.used_at:
        return "used"
    if invitation.expires_at <= now:
        return "expired"
    return "valid"


def _account_for(contact: Contact) -> User:
    """The contact's login: an existing account with the address, or a new respondent account
    without a password (the link sets it). Either way bound to the contact's unit."""
    user = contact.user or User.objects.filter(email=normalise_email(contact.email)).first()
    if user is None:
        user = User.objects.create_user(contact.email, None, full_name=contact.name, role=User.Role.RESPONDENT)
    if contact.user_id != user.pk:
        contact.user = user
        contact.save(update_fields=["user"])
    UnitAssignment.objects.get_or_create(user=user, unit=contact.unit)
    return user


def _issue(*, survey_round: SurveyRound, contact: Contact, response: Response | None, user: User | None,
           now: datetime) -> OutgoingEmail:  # fmt: skip
    """A new link for the contact (earlier unused links stop working) and its e-mail."""
    _account_for(contact)
    Invitation.objects.filter(round=survey_round, contact=contact, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        round=survey_round,
        contact=contact,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_LINK_DAYS),
        created_by=user,
    )
    subject, body = render_email(
        "invitation",
        {
            "round": survey_round,
            "contact": contact,
            "closes_at": response.closes_at if response else survey_round.closes_at,
            "expires_at": invitation.expires_at,
            "link": settings.SITE_URL + reverse("survey:invitation-accept", kwargs={"token": token}),
            "login_url": settings.SITE_URL + reverse("login"),
        },
    )
    return OutgoingEmail(
        key=f"invitation:{invitation.pk}", kind=OutgoingEmail.Kind.INVITATION, round=survey_round,
        unit=contact.unit, contact=contact, to=contact.email, subject=subject, body=body,
    )  # fmt: skip


def reissued_invitation(*, email: OutgoingEmail, user: User, now: datetime | None = None) -> dict[str, str]:
    """For an invitation e-mail that never went out and goes again to the contact's corrected address:
    a new link (the one in the e-mail stopped working with the old address), as the new key,
    subject and body of the same outbox row."""
    now = now or timezone.now()
    contact = email.contact
    response = Response.objects.filter(round=email.round, unit=contact.unit).select_related("round").first()
    new = _issue(survey_round=email.round, contact=contact, response=response, user=user, now=now)
    return {"key": new.key, "subject": new.subject, "body": new.body}


@transaction.atomic
def invite_contacts(*, survey_round: SurveyRound, contacts: Iterable[Contact], user: User | None,
                    now: datetime | None = None) -> int:  # fmt: skip
    """Sends each contact of a unit in the round an invitation e-mail. Returns how many were sent."""
    now = now or timezone.now()
    responses = {r.unit_id: r for r in Response.objects.filter(round=survey_round).select_related("round")}
    emails = [
        _issue(survey_round=survey_round, contact=contact, response=responses[contact.unit_id], user=user, now=now)
        for contact in contacts
        if contact.unit_id in responses
    ]
    queue_emails(emails, now=now)
    if emails:
        record_event(
            "survey.invitation.sent", actor=user, year=survey_round.year, count=len(emails),
            contacts=[email.contact.pk for email in emails][:500],
        )  # fmt: skip
    return len(emails)


def uninvited_contacts(survey_round: SurveyRound) -> list[Contact]:
    """The contacts of the round's units who have not been invited to it yet."""
    return list(
        Contact.objects.filter(unit__responses__round=survey_round)
        .exclude(invitations__round=survey_round)
        .select_related("unit", "user")
    )


@transaction.atomic
def accept_invitation(*, invitation: Invitation, password: str, now: datetime | None = None) -> User:
    """Sets the contact's password through the link; the link works once and until it expires."""
    now = now or timezone.now()
    state = invitation_state(invitation, now=now)
    if state != "valid":
        raise InvitationInvalid(state)
    # Compare-and-set: of two clicks at the same moment, one wins.
    if not Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=now):
        raise InvitationInvalid("used")
    user = _account_for(invitation.contact)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event("survey.invitation.accepted", actor=user, unit=invitation.contact.unit, invitation=invitation.pk)
    return user


@transaction.atomic
def renew_invitation(*, invitation: Invitation, now: datetime | None = None) -> bool:
    """A new link to the invited contact's own address, for a used or expired one. Returns
    False when a new link was sent only a moment ago (nothing is sent then)."""
    now = now or timezone.now()
    contact = invitation.contact
    if Invitation.objects.filter(contact=contact, created_at__gt=now - RENEWAL_INTERVAL).exists():
        return False
    response = Response.objects.filter(round=invitation.round, unit=contact.unit).select_related("round").first()
    email = _issue(survey_round=invitation.round, contact=contact, response=response, user=None, now=now)
    queue_emails([email], now=now)
    record_event("survey.invitation.renewed", actor=None, unit=contact.unit, contact=contact.pk)
    return True


def mask_email(email: str) -> str:
    """a***@kalmar.se: enough for the person to recognise, too little for anyone else."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


__all__ = [
    "InvitationInvalid",
    "accept_invitation",
    "find_invitation",
    "invitation_state",
    "invite_contacts",
    "mask_email",
    "reissued_invitation",
    "renew_invitation",
    "uninvited_contacts",
]
