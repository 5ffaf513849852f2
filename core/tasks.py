from celery import shared_task

from core import outbox


# No result to keep, and none to wait for: enqueueing then needs only the broker. A failed send is
# not retried by Celery: the outbox keeps the attempt count and the time of the next one.
@shared_task(ignore_result=True)
def send_outgoing_email(email_id: int) -> None:
    outbox.send_outgoing(email_id=email_id)


@shared_task(ignore_result=True)
def flush_outbox() -> int:
    return outbox.flush_outbox()
