"""Where a response stands: each part's status and who last worked on it."""

from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from core.models import AuditEvent
from survey.models import Answer, AnswerChange, Part, PartSubmission, Response


@dataclass
class PartStatus:
    part: Part
    status: str  # not_started, started, submitted
    submission: PartSubmission | None
    last_change: Answer | None
    last_channel: str = ""  # of the last change, read only when it has no user (an import, say)

    @property
    def changed_by(self) -> str:
        """Who made the last change: the person, or else how it came (e.g. "import")."""
        if self.last_change is None:
            return ""
        if self.last_change.updated_by:
            return str(self.last_change.updated_by)
        if self.last_channel:
            return str(AnswerChange.Channel(self.last_channel).label).lower()
        return _("a removed user")

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
    channels = _channels_of([answer for answer in latest.values() if answer.updated_by_id is None])
    statuses = {}
    for response in responses:
        statuses[response.pk] = []
        for part in parts.get(response.round_id, []):
            key = (response.pk, part.pk)
            status = "submitted" if key in submissions else "started" if key in latest else "not_started"
            answer = latest.get(key)
            channel = channels.get((answer.response_id, answer.question_id), "") if answer else ""
            statuses[response.pk].append(PartStatus(part, status, submissions.get(key), answer, channel))
    return statuses


def _channels_of(answers: list[Answer]) -> dict[tuple[int, int], str]:
    """How each of these answers was last changed (web form, import, …), from the history: for
    answers without a user, in one query, and none when every answer has its user."""
    if not answers:
        return {}
    changes = AnswerChange.objects.filter(
        response__in={a.response_id for a in answers}, question__in={a.question_id for a in answers}
    ).order_by("created_at", "pk")
    return {(r, q): channel for r, q, channel in changes.values_list("response_id", "question_id", "channel")}


def part_statuses(response: Response) -> list[PartStatus]:
    return part_statuses_for([response])[response.pk]


def latest_reopenings(response: Response, limit: int = 5) -> QuerySet[AuditEvent]:
    """The response's latest reopened parts, for its task list (by the audit log's code index)."""
    return AuditEvent.objects.filter(code="survey.part.reopened", data__response=response.pk)[:limit]


@dataclass(frozen=True)
class Reopening:
    part: Part
    event: AuditEvent  # the latest reopening of the part: when, by whom and why


def open_reopenings(response: Response, statuses: list[PartStatus]) -> list[Reopening]:
    """The response's parts that a coordinator reopened and that are not submitted again, each with
    its latest reopening, for the task list (`statuses`: the response's part_statuses)."""
    unsubmitted = {status.part.code: status.part for status in statuses if status.submission is None}
    shown: dict[str, Reopening] = {}
    for event in latest_reopenings(response):
        code = event.data.get("part")
        if code in unsubmitted and code not in shown:
            shown[code] = Reopening(unsubmitted[code], event)
    return list(shown.values())
