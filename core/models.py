from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Who did what to which object, and when. Written by services, read by coordinators. The unit is
    named by a lazy reference: core imports no other app."""

    code = models.CharField(max_length=100)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    unit = models.ForeignKey("survey.ReportingUnit", on_delete=models.SET_NULL, null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "survey_auditevent"  # kept from when the audit trail lived in the survey app
        ordering = ["-created_at"]
        # The task list looks up a response's reopenings by code on every view; without it, the
        # whole log (which grows every year) is read each time.
        indexes = [models.Index(fields=["code", "-created_at"], name="survey_audit_code_created")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.code}"
