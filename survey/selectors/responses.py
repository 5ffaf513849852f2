"""Where a response stands: each part's status and who last worked on it."""

from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from core.models import AuditEvent
from survey.models import Answer, Part, PartSubmission, Response


@dataclass
class PartStatus:
    part: Part
    status: str  # not_started, started, submitted
    submission: PartSubmission | None
    last_change: Answer | None

    @property
    def label(self) -> str:
        return {"not_started": _("Not started"), "started": _("Started"), "submitted": _("Submitted")}[self.status]


def part_statuses_for(responses: list[Response]) -> dict[int, list[PartStatus]]:
    """Each response's parts with status and who last worked on them, in three queries for any number."""
    ids = [response.pk for response in responses]
    parts: dict[int, list[Part]] = {}
    for part in Part.objects.filter(round__in={response.round_id for response in responses}):
        parts.setdefault(part.round_id, []).append(part)
    submissions = {
        (s.response_id, s.part_id): s
        for s in PartSubmission.objects.filter(response__in=ids).select_related("submitted_by")
    }
    latest: dict[tuple[int, int], Answer] = {}
    # The question's part only, not the whole question (its texts and form rules) for every answer.
    answers = (
        Answer.objects.filter(response__in=ids)
        .select_related("updated_by")
        .annotate(part_id=F("question__part_id"))
        .order_by("updated_at")
    )
    for answer in answers:
        latest[answer.response_id, answer.part_id] = answer
    statuses = {}
    for response in responses:
        statuses[response.pk] = []
        for part in parts.get(response.round_id, []):
            key = (response.pk, part.pk)
            status = "submitted" if key in submissions else "started" if key in latest else "not_started"
            statuses[response.pk].append(PartStatus(part, status, submissions.get(key), latest.get(key)))
    return statuses


def part_statuses(response: Response) -> list[PartStatus]:
    return part_statuses_for([response])[response.pk]


def latest_reopenings(response: Response, limit: int = 5) -> QuerySet[AuditEvent]:
    """The response's latest reopened parts, for its task list (by the audit log's code index)."""
    return AuditEvent.objects.filter(code="survey.part.reopened", data__response=response.pk)[:limit]
