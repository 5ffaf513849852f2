"""Exports of the results file: each run is a row that tracks created → running → done|failed with
its progress, and keeps the finished file for download.

The file is stored in the database (a BinaryField), not in MEDIA: the Celery worker that writes it
and the web process that serves it may run in different containers, and neither needs a shared
volume, a MEDIA_ROOT or a backup of its own; a file is about 0.5 MB today (a few MB at ten times
the units), and lists defer the column."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Export(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CREATED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # 0–100
    message = models.TextField(_("message"), blank=True)
    file = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(_("size"), default=0)  # bytes of `file`
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # A running export writes a heartbeat at each step; one silent for longer than
    # settings.EXPORT_STALE_AFTER lost its worker and is taken over (reporting.services.run_export).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The latest revision of the export's year when the file was built: what the public link says it serves.
    revision = models.PositiveSmallIntegerField(_("revision"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["year", "status", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.year} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @classmethod
    def silent(cls, *, now: datetime) -> models.Q:
        """Running, but its worker has not been heard from for settings.EXPORT_STALE_AFTER."""
        return models.Q(status=cls.Status.RUNNING, heartbeat_at__lt=now - settings.EXPORT_STALE_AFTER)

    def is_stalled(self, *, now: datetime) -> bool:
        """Running, but its worker has not been heard from for a while: it will be retried."""
        return (
            self.status == self.Status.RUNNING
            and self.heartbeat_at is not None
            and self.heartbeat_at < now - settings.EXPORT_STALE_AFTER
        )

    @property
    def filename(self) -> str:
        return f"oppna-jamforelser-vinr-resultat-{self.year}.xlsx"
