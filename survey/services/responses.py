"""Answering: saving answers (autosave, API, import), submitting and reopening parts, extensions."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import record_event
from core.outbox import queue_emails
from survey import hooks
from survey.access import can_answer_after_closing
from survey.models import Answer, AnswerChange, Part, PartSubmission, Question, Response
from survey.selectors import questionnaire
from survey.services.notifications import extension_emails, receipt_emails, reopened_emails
from survey.xlsform import form_logic


class ResponseClosed(Exception):
    """The response cannot be changed now; the message says why (translated)."""


@dataclass(frozen=True)
class Change:
    """A value for one question, and the version of the answer the person saw (0: none)."""

    value: str | list[str]
    base_version: int | None = None
    channel: str | None = None  # how this change came, if not as the whole save's (e.g. last year's answer)


@dataclass
class SaveResult:
    saved: dict[str, Answer] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)  # codes whose stored value this save changed
    errors: dict[str, str] = field(default_factory=dict)
    # A colleague changed the same question meanwhile: the stored answer, not overwritten.
    conflicts: dict[str, Answer | None] = field(default_factory=dict)
    # Answers dropped because a change made their question irrelevant.
    removed: list[Question] = field(default_factory=list)
    # Every answer of the response after the save, by question id, so a page need not read them again.
    answers: dict[int, Answer] = field(default_factory=dict)
    # The values (by code) before the save, read under its lock: what the page showed relevant before.
    before: dict[str, str] = field(default_factory=dict)


def round_questions(response: Response) -> tuple[Question, ...]:
    return questionnaire.round_questions(response.round)


def round_specs(response: Response) -> tuple[form_logic.QuestionSpec, ...]:
    """The form logic of every question of the response's round, in questionnaire order."""
    return questionnaire.round_specs(response.round)


def _format_time(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def ensure_open(
    *, response: Response, part: Part | None, now: datetime, user: User, submitted: bool | None = None
) -> None:
    """Raises ResponseClosed with the reason when answers cannot be changed. `submitted`: whether
    the part is submitted, if the caller has just read it (otherwise it is looked up)."""
    if now < response.round.opens_at:
        raise ResponseClosed(_("The survey opens on %(opens)s.") % {"opens": _format_time(response.round.opens_at)})
    if not response.is_open(now=now) and not can_answer_after_closing(user):
        raise ResponseClosed(
            _("The survey closed on %(closes)s. It was open from %(opens)s to %(closes)s.")
            % {"opens": _format_time(response.round.opens_at), "closes": _format_time(response.closes_at)}
        )
    if part is None:
        return
    if submitted is None:
        submitted = PartSubmission.objects.filter(response=response, part=part).exists()
    if submitted:
        raise ResponseClosed(_("The part %(part)s has been submitted.") % {"part": part.label})


@contextmanager
def _response_lock(response: Response, *, held: bool) -> Iterator[None]:
    """The response's row lock for the block: taken in a transaction of its own, or (`held`) already
    held by the caller, in the transaction it is in."""
    if held:
        if not transaction.get_connection().in_atomic_block:
            raise transaction.TransactionManagementError("locked=True needs the transaction that holds the lock")
        yield
        return
    with transaction.atomic():
        Response.objects.select_for_update().filter(pk=response.pk).get()
        yield


def save_answers(
    *,
    response: Response,
    changes: Mapping[str, Change],
    user: User,
    channel: str = AnswerChange.Channel.WEB,
    now: datetime | None = None,
    part: Part | None = None,
    locked: bool = False,
) -> SaveResult:
    """Saves each valid change on its own; a wrong value or a conflict keeps every other answer.

    A change made against an older version of an answer that a colleague has changed since is
    not applied but returned as a conflict, so the person can see the other value and choose.
    `part`: the part whose page was posted, checked to be open even when nothing in it changed.
    Raises ResponseClosed, checked under the response's lock, if a part is submitted or closed.

    One save of a response at a time, and none slipping in after a submission that holds the same
    lock (submit_part): locking the answers alone would let two first saves of the same question
    both insert (a unique-constraint error instead of a reported conflict). `locked`: the caller
    read `response` under that lock in the transaction it is in (the autosave's one query for the
    access check and the lock, access.get_response_for_user(..., lock=True)); otherwise the save
    takes the lock in a transaction of its own."""
    with _response_lock(response, held=locked):
        now = now or timezone.now()
        questions = round_questions(response)
        by_code = {q.code: q for q in questions}
        unknown = set(changes) - by_code.keys()
        result = SaveResult(errors={code: _("There is no such question.") for code in unknown})
        parts = {by_code[code].part for code in changes if code in by_code} | ({part} if part else set())
        for part in parts:
            ensure_open(response=response, part=part, now=now, user=user)

        specs = round_specs(response)
        spec_by_code = {spec.code: spec for spec in specs}
        # With who changed each answer, for the page that shows what the save left. Answers are
        # created, changed and removed only by saves (deleting a user only clears `updated_by`, and
        # questions cannot be removed once the round has opened), which hold the response's lock: the
        # rows need no lock of their own (a row lock is a write, logged, for every answer read).
        stored = {a.question_id: a for a in Answer.objects.select_related("updated_by").filter(response=response)}
        answers = {q.code: stored[q.pk].value for q in questions if q.pk in stored}
        result.before = dict(answers)
        audit: list[AnswerChange] = []

        # In questionnaire order, so that an answer can make a later question in the same batch relevant.
        for question in questions:
            if question.code not in changes:
                continue
            code, change, spec = question.code, changes[question.code], spec_by_code[question.code]
            value = form_logic.normalize(spec, change.value)
            current = stored.get(question.pk)
            current_value = current.value if current else ""
            if value == current_value:
                if current:
                    result.saved[code] = current
                continue
            if change.base_version is not None and change.base_version != (current.version if current else 0):
                result.conflicts[code] = current
                continue
            if not form_logic.is_relevant(spec, form_logic.effective_answers(specs, answers)):
                result.errors[code] = _("The question is not asked with the answers given so far.")
                continue
            # Checked against the answers that count, with the calculations made from them.
            counted = {**form_logic.effective_answers(specs, {**answers, code: value}), code: value}
            if message := form_logic.validation_error(spec, value, counted):
                result.errors[code] = message
                continue
            answers[code] = value
            if current is None:
                current = Answer(response=response, question=question, version=0)
            current.value, current.version = value, current.version + 1
            current.updated_at, current.updated_by = now, user
            current.save()
            stored[question.pk] = current
            result.saved[code] = current
            result.written.add(code)
            audit.append(
                AnswerChange(response=response, question=question, old_value=current_value, new_value=value,
                             user=user, channel=change.channel or channel, created_at=now)
            )  # fmt: skip

        # Answers whose question a change made irrelevant are dropped, and the person is told.
        kept = form_logic.effective_answers(specs, answers)
        for question in questions:
            answer = stored.get(question.pk)
            if answer and answer.value and question.code not in kept:
                audit.append(
                    AnswerChange(response=response, question=question, old_value=answer.value, new_value="",
                                 user=user, channel=AnswerChange.Channel.SYSTEM, created_at=now)
                )  # fmt: skip
                answer.delete()
                result.removed.append(question)
                result.saved.pop(question.code, None)
        AnswerChange.objects.bulk_create(audit)
        removed = {question.pk for question in result.removed}
        result.answers = {pk: answer for pk, answer in stored.items() if pk not in removed}
        return result


class PartIncomplete(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("The part has answers that are missing or wrong."))
        self.errors = errors


@transaction.atomic
def submit_part(
    *, response: Response, part: Part, user: User, now: datetime | None = None, notify: bool = True
) -> PartSubmission:
    """Checks every rule of the part again and marks it submitted; the receipt goes by e-mail
    (not for imported answers, `notify=False`)."""
    now = now or timezone.now()
    Response.objects.select_for_update().filter(pk=response.pk).get()
    ensure_open(response=response, part=part, now=now, user=user)
    questions = round_questions(response)
    answers = dict(Answer.objects.filter(response=response).values_list("question__code", "value"))
    specs = [spec for q, spec in zip(questions, round_specs(response), strict=True) if q.part_id == part.pk]
    errors = form_logic.part_errors(specs, answers)
    if errors:
        raise PartIncomplete(errors)
    submission = PartSubmission.objects.create(response=response, part=part, submitted_at=now, submitted_by=user)
    record_event("survey.part.submitted", actor=user, unit=response.unit, response=response.pk, part=part.code)
    hooks.part_changed(response)
    if notify:
        queue_emails(receipt_emails(submission=submission, values=answers), now=now)
    return submission


@transaction.atomic
def reopen_part(
    *, response: Response, part: Part, reason: str, user: User, until: datetime | None = None,
    now: datetime | None = None,
) -> None:  # fmt: skip
    """Lets the unit change a submitted part again; the reason is shown to the respondents. Once the
    unit's deadline has passed, the part is reopened only with a new closing time (`until`), so that
    the e-mail gives a deadline the unit can meet."""
    now = now or timezone.now()
    if not PartSubmission.objects.filter(response=response, part=part).exists():
        raise ResponseClosed(_("The part has not been submitted."))
    if until is not None:
        extend_deadline(response=response, until=until, reason=reason, user=user)
    elif not response.is_open(now=now):
        raise ResponseClosed(
            _("The unit's deadline has passed: give a new closing time, so that the unit can submit the part again.")
        )
    PartSubmission.objects.filter(response=response, part=part).delete()
    event = record_event(
        "survey.part.reopened", actor=user, unit=response.unit, response=response.pk, part=part.code, reason=reason
    )
    queue_emails(reopened_emails(response=response, part=part, reason=reason, event_id=event.pk))
    hooks.part_changed(response)


@transaction.atomic
def extend_deadline(*, response: Response, until: datetime, reason: str, user: User) -> Response:
    """Moves the closing time for this unit only, and tells its contact persons (with the reason)."""
    if until <= response.round.closes_at:
        raise ResponseClosed(_("An extension must end after the round's closing time."))
    response.extended_until, response.extension_reason = until, reason
    response.save(update_fields=["extended_until", "extension_reason"])
    event = record_event(
        "survey.response.extended", actor=user, unit=response.unit, response=response.pk,
        until=until.isoformat(), reason=reason,
    )  # fmt: skip
    queue_emails(extension_emails(response=response, event_id=event.pk))
    return response
