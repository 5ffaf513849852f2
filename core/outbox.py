"""The e-mail outbox (see `OutgoingEmail`): e-mails are rows first, sent after the transaction
commits, claimed before sending so that two workers never send the same one, and swept up by
`flush_outbox` if the queue was down when they were written. A failed send waits before the next
attempt, twice as long each time; after `OUTBOX_MAX_ATTEMPTS` attempts, or at once when the mail
server refuses the address for good (a 5xx reply), the e-mail has failed and only a coordinator's
retry or corrected address (the page *Utskick*) sends it again."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from smtplib import SMTPException, SMTPRecipientsRefused, SMTPResponseException

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from core.audit import record_event
from core.models import OutgoingEmail
from core.queue import QUEUE_DOWN_ERRORS, task

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died while sending; the row may be sent again.
CLAIM_TIMEOUT = timedelta(minutes=10)


def render_email(template: str, context: dict) -> tuple[str, str]:
    """Subject and plain-text body from templates/emails/<template>_subject.txt and _body.txt."""
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    return subject, render_to_string(f"emails/{template}_body.txt", context)


def queue_emails(emails: Iterable[OutgoingEmail], *, now: datetime | None = None) -> int:
    """Stores the e-mails whose key is new and sends them once the transaction commits.

    An e-mail whose key exists already is skipped, also when another process writes it at
    the same moment (the unique key decides), so a job may run twice. Returns how many
    were new."""
    now = now or timezone.now()
    emails = list(emails)
    existing = set(OutgoingEmail.objects.filter(key__in=[e.key for e in emails]).values_list("key", flat=True))
    new = [email for email in emails if email.key not in existing]
    for email in new:
        email.created_at = now
    OutgoingEmail.objects.bulk_create(new, ignore_conflicts=True)
    keys = [email.key for email in new]
    transaction.on_commit(lambda: _enqueue_pending(keys), robust=True)
    return len(new)


def _enqueue_pending(keys: list[str]) -> None:
    ids = OutgoingEmail.objects.filter(key__in=keys, sent_at__isnull=True).values_list("pk", flat=True)
    for pk in ids:
        try:
            task("core.tasks.send_outgoing_email").delay(pk)
        except QUEUE_DOWN_ERRORS:
            # Nothing is lost: the rows wait in the outbox and flush_outbox sends them later.
            logger.warning("The task queue is unreachable; %d e-mails wait in the outbox.", len(ids))
            return


@dataclass
class Undelivered:
    """E-mails that have not gone out: the first `limit` of each kind and how many there are."""

    failed: list[OutgoingEmail]  # newest first
    failed_count: int
    waiting: list[OutgoingEmail]  # for their first or next attempt, oldest first
    waiting_count: int


def undelivered(*, limit: int = 200) -> Undelivered:
    unsent = OutgoingEmail.objects.filter(sent_at__isnull=True).select_related("unit", "contact", "round")
    failed, waiting = unsent.filter(failed_at__isnull=False), unsent.filter(failed_at__isnull=True)
    return Undelivered(
        list(failed.order_by("-failed_at", "-pk")[:limit]), failed.count(),
        list(waiting.order_by("created_at", "pk")[:limit]), waiting.count(),
    )  # fmt: skip


def _claimable(now: datetime) -> Q:
    return (
        Q(sent_at__isnull=True, failed_at__isnull=True)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
    )


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 2, 4, 8 … minutes (settings)."""
    return settings.OUTBOX_RETRY_AFTER * 2 ** max(attempts - 1, 0)


def is_permanent(error: Exception) -> bool:
    """The mail server refused for good (5xx), e.g. a mailbox that does not exist: trying again
    would only get the same answer."""
    if isinstance(error, SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _text in error.recipients.values())
    return isinstance(error, SMTPResponseException) and 500 <= error.smtp_code < 600


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def error_text(error: Exception) -> str:
    """The mail server's answer as a coordinator reads it, e.g. "anna@x.se: 550 5.1.1 User unknown"."""
    if isinstance(error, SMTPRecipientsRefused):
        return "; ".join(f"{to}: {code} {_text(reply)}" for to, (code, reply) in error.recipients.items())
    if isinstance(error, SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return str(error) or type(error).__name__


def send_outgoing(*, email_id: int, now: datetime | None = None) -> bool:
    """Sends one e-mail unless it was sent, has failed, waits for its next attempt or another
    worker is sending it. Returns whether it sent. A failure is recorded on the row, never raised:
    the next attempt is the flush's, at `next_attempt_at`."""
    now = now or timezone.now()
    claimed = OutgoingEmail.objects.filter(_claimable(now), pk=email_id).update(
        claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        EmailMessage(subject=email.subject, body=email.body, to=[email.to]).send()
    except (SMTPException, OSError) as error:
        failed = is_permanent(error) or email.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        OutgoingEmail.objects.filter(pk=email_id).update(
            claimed_at=None,
            last_error=error_text(error)[:1000],
            failed_at=now if failed else None,
            next_attempt_at=None if failed else now + retry_delay(email.attempts),
        )
        logger.warning(
            "E-mail %s could not be sent (attempt %d): %s%s", email_id, email.attempts, error,
            "; it has failed and waits for a coordinator" if failed else "",
        )  # fmt: skip
        return False
    OutgoingEmail.objects.filter(pk=email_id).update(sent_at=timezone.now(), last_error="", next_attempt_at=None)
    return True


def flush_outbox(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Sends what is due in the outbox: e-mails written while the queue was down and failed
    attempts whose wait is over. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for pk in OutgoingEmail.objects.filter(_claimable(now)).order_by("created_at").values_list("pk", flat=True)[:limit]:
        sent += send_outgoing(email_id=pk, now=now)
    return sent


class AlreadySent(Exception):
    pass


@transaction.atomic
def retry_email(*, email: OutgoingEmail, user: AbstractBaseUser, to: str | None = None, **changes: str) -> None:
    """A coordinator sends a failed or waiting e-mail again now, with a fresh count of attempts,
    to `to` if given (a corrected address; `changes` may give it a new subject and body). Recorded
    in the audit trail. Raises AlreadySent for an e-mail that went out meanwhile."""
    old_to = email.to
    email.to = to or email.to
    for field, value in changes.items():
        setattr(email, field, value)
    updated = OutgoingEmail.objects.filter(pk=email.pk, sent_at__isnull=True).update(
        to=email.to, failed_at=None, next_attempt_at=None, attempts=0, **changes
    )
    if not updated:
        raise AlreadySent(email.pk)
    record_event(
        "core.email.retried", actor=user, unit=email.unit, email=email.pk, kind=email.kind, to=email.to,
        **({"old_to": old_to} if old_to != email.to else {}),
    )  # fmt: skip
    transaction.on_commit(lambda: _enqueue_pending([email.key]), robust=True)
