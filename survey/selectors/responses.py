"""Where a response stands: each part's status and who last worked on it."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import AuditEvent
from survey.models import Answer, AnswerChange, Part, PartSubmission, Question, Response, SurveyRound
from survey.selectors import questionnaire
from survey.xlsform import form_logic
from survey.xlsform.form_logic import QuestionSpec


@dataclass
class PartStatus:
    part: Part
    status: str  # not_started, started, submitted
    submission: PartSubmission | None
    last_change: Answer | None
    last_channel: str = ""  # of the last change, read only when it has no user (an import, say)
    # The response's answers by code, for the progress: worked out only where a page shows it.
    values: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def progress(self) -> str:
        """E.g. "12 av 21 besvarade" (from the questionnaire kept in the process)."""
        specs = _part_specs(self.part.round).get(self.part.pk, [])
        return progress_text(*form_logic.progress(specs, self.values))

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
    for part in Part.objects.filter(round__in={response.round_id for response in responses}).select_related("round"):
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
        .annotate(part_id=F("question__part_id"), code=F("question__code"))
        .order_by("updated_at")
    )
    values: dict[int, dict[str, str]] = {response_id: {} for response_id in ids}
    for answer in answers:
        latest[answer.response_id, answer.part_id] = answer
        values[answer.response_id][answer.code] = answer.value
    channels = _channels_of([answer for answer in latest.values() if answer.updated_by_id is None])
    statuses = {}
    for response in responses:
        statuses[response.pk] = []
        for part in parts.get(response.round_id, []):
            key = (response.pk, part.pk)
            status = "submitted" if key in submissions else "started" if key in latest else "not_started"
            answer = latest.get(key)
            channel = channels.get((answer.response_id, answer.question_id), "") if answer else ""
            statuses[response.pk].append(
                PartStatus(part, status, submissions.get(key), answer, channel, values=values[response.pk])
            )
    return statuses


def _part_specs(survey_round: SurveyRound) -> dict[int, list[QuestionSpec]]:
    """The round's form-logic specs by part, from the questionnaire kept in the process."""
    specs: dict[int, list[QuestionSpec]] = {}
    for question, spec in zip(
        questionnaire.round_questions(survey_round), questionnaire.round_specs(survey_round), strict=True
    ):
        specs.setdefault(question.part_id, []).append(spec)
    return specs


def progress_text(answered: int, asked: int) -> str:
    """E.g. "12 av 21 besvarade": of the questions asked so far (follow-ups count once they are asked)."""
    return ngettext("%(answered)d of %(asked)d answered", "%(answered)d of %(asked)d answered", asked) % {
        "answered": answered,
        "asked": asked,
    }


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


def value_text(question: Question, value: str) -> str:
    """An answer as the respondent saw it: option labels rather than codes (choices prefetched)."""
    if value == "":
        return _("(no answer)")
    if question.type in ("select_one", "select_multiple"):
        labels = {choice.value: choice.label for choice in question.choices.all()}
        return ", ".join(labels.get(option, option) for option in value.split())
    return value


@dataclass(frozen=True)
class HistoryRow:
    change: AnswerChange
    question: Question  # with its part and options
    old_text: str
    new_text: str

    @property
    def at(self) -> datetime:
        return self.change.created_at


def history_rows(response: Response, *, code: str = "", limit: int = 500) -> list[HistoryRow]:
    """The response's changes, newest first, with question texts and option labels (from the
    questionnaire kept in the process); `code`: one question's only."""
    questions = {question.pk: question for question in questionnaire.round_questions(response.round)}
    changes = AnswerChange.objects.filter(response=response).select_related("user").order_by("-created_at", "-pk")
    if code:
        changes = changes.filter(question__code=code)
    rows = []
    for change in changes[:limit]:
        question = questions[change.question_id]
        rows.append(
            HistoryRow(change, question, value_text(question, change.old_value), value_text(question, change.new_value))
        )
    return rows


def answers_by_code(*, unit_id: int, year: int) -> dict[str, str]:
    """A unit's answers of a year's round, {question code: value} (none: an empty dict)."""
    rows = Answer.objects.filter(response__round__year=year, response__unit_id=unit_id)
    return dict(rows.values_list("question__code", "value"))
