"""The e-mail outbox (see `OutgoingEmail`): e-mails are rows first, sent after the transaction
commits, claimed before sending so that two workers never send the same one, and swept up by
`flush_outbox` if the queue was down when they were written."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

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


def _claimable(now: datetime) -> Q:
    return Q(sent_at__isnull=True) & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))


def send_outgoing(*, email_id: int, now: datetime | None = None) -> bool:
    """Sends one e-mail unless it was sent or another worker is sending it. Returns whether it sent."""
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
        OutgoingEmail.objects.filter(pk=email_id).update(claimed_at=None, last_error=str(error)[:1000])
        raise
    OutgoingEmail.objects.filter(pk=email_id).update(sent_at=timezone.now(), last_error="")
    return True


def flush_outbox(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Sends what waits in the outbox, e.g. after the queue was down. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for pk in OutgoingEmail.objects.filter(_claimable(now)).order_by("created_at").values_list("pk", flat=True)[:limit]:
        try:
            sent += send_outgoing(email_id=pk, now=now)
        except (SMTPException, OSError):
            logger.exception("E-mail %s could not be sent; it stays in the outbox.", pk)
    return sent
