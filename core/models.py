from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditTrailIsAppendOnly(Exception):
    """An attempt to change or delete an audit event: the trail is only ever added to."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise AuditTrailIsAppendOnly("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")


class AuditEvent(models.Model):
    """Who did what to which object, and when. Written by services, read by coordinators. The unit is
    named by a lazy reference: core imports no other app.

    Append-only: the model and its queryset refuse changes and deletes, and on PostgreSQL a trigger
    refuses them in the database too (migration 0005). The one change allowed is the database
    setting `actor` or `unit` to NULL when that user or unit is deleted."""

    code = models.CharField(max_length=100)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    unit = models.ForeignKey("survey.ReportingUnit", on_delete=models.SET_NULL, null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # A default rather than auto_now_add, so that an import or the demo can record when an action
    # really happened (the row cannot be corrected afterwards).
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        db_table = "survey_auditevent"  # kept from when the audit trail lived in the survey app
        ordering = ["-created_at"]
        # The task list looks up a response's reopenings by code on every view; without it, the
        # whole log (which grows every year) is read each time.
        indexes = [models.Index(fields=["code", "-created_at"], name="survey_audit_code_created")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.code}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")


class OutgoingEmail(models.Model):
    """The outbox. Every e-mail the site sends is a row first, written in the same transaction as
    what caused it: if the queue is down the row waits and goes out later (nothing lost), and
    `key` plus the claim before sending make sure it goes only once (nothing twice). A failed send
    is tried again later, each wait twice the one before (`next_attempt_at`); after the last
    attempt, or when the server refuses the address for good, it has *failed* (`failed_at`) and
    waits for a coordinator to retry it or correct the address."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        REMINDER = "reminder", _("Reminder")
        REOPENED = "reopened", _("Part reopened")
        RECEIPT = "receipt", _("Receipt")
        EXTENDED = "extended", _("Deadline extended")
        TWO_FACTOR_LINK = "two_factor", _("Two-factor set-up link")
        PASSWORD_RESET = "password_reset", _("Password reset")

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    round = models.ForeignKey(
        "survey.SurveyRound", on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    unit = models.ForeignKey(
        "survey.ReportingUnit", on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    contact = models.ForeignKey(
        "survey.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="emails"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # after a failed attempt
    failed_at = models.DateTimeField(null=True, blank=True)  # no more attempts without a coordinator
    last_error = models.TextField(blank=True)

    class Meta:
        db_table = "survey_outgoingemail"  # kept from when the outbox lived in the survey app
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}"
