from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from core.models import AuditEvent, OutgoingEmail
from survey.models import Answer, Contact, Invitation, Part, PartSubmission, ReportingUnit, Response, SurveyRound


def default_opening_day(year: int) -> date:
    """The day whose register decides who reports, when a round gives none."""
    return date(year, 2, 1)


def valid_on(day: date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def reporting_units_on(day: date) -> QuerySet[ReportingUnit]:
    """Units that answer a survey opening on `day`: districts in place of their municipality."""
    valid_districts = ReportingUnit.objects.filter(
        valid_on(day), kind=ReportingUnit.Kind.DISTRICT, parent=OuterRef("pk")
    )
    return (
        ReportingUnit.objects.filter(valid_on(day))
        .filter(
            Q(kind=ReportingUnit.Kind.DISTRICT) | (Q(kind=ReportingUnit.Kind.MUNICIPALITY) & ~Exists(valid_districts))
        )
        .select_related("county", "parent")
    )


def reporting_units_for_year(year: int) -> QuerySet[ReportingUnit]:
    return reporting_units_on(default_opening_day(year))


def valid_during_year(year: int) -> Q:
    """Units that existed on at least one day of `year`."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=date(year, 12, 31))) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=date(year, 1, 1))
    )


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


class ReminderStatus:
    """Which units a manual reminder goes to. Units that submitted every part are never reminded."""

    NOT_STARTED = "not_started"
    STARTED = "started"
    PART_NOT_SUBMITTED = "part_not_submitted"
    NOT_SUBMITTED = "not_submitted"

    @staticmethod
    def choices() -> list[tuple[str, str]]:
        return [
            (ReminderStatus.NOT_SUBMITTED, _("Everyone who has not submitted every part")),
            (ReminderStatus.NOT_STARTED, _("Not started")),
            (ReminderStatus.STARTED, _("Started but not submitted")),
            (ReminderStatus.PART_NOT_SUBMITTED, _("A given part not submitted")),
        ]


@dataclass
class ReminderTarget:
    response: Response
    missing_parts: list[Part]


def units_to_remind(survey_round: SurveyRound, *, status: str, part: Part | None = None) -> list[ReminderTarget]:
    """The round's responses that a reminder with this status filter goes to, each with the
    parts it has not submitted, in four queries for any number of units."""
    parts = list(survey_round.parts.all())
    responses = list(
        Response.objects.filter(round=survey_round)
        .select_related("unit", "unit__county", "round")
        .order_by("unit__code")
    )
    submitted = set(PartSubmission.objects.filter(response__round=survey_round).values_list("response_id", "part_id"))
    started = set(Answer.objects.filter(response__round=survey_round).values_list("response_id", flat=True).distinct())
    targets = []
    for response in responses:
        missing = [p for p in parts if (response.pk, p.pk) not in submitted]
        if not missing:
            continue
        has_started = response.pk in started or len(missing) < len(parts)
        if (
            status == ReminderStatus.NOT_SUBMITTED
            or (status == ReminderStatus.NOT_STARTED and not has_started)
            or (status == ReminderStatus.STARTED and has_started)
            or (status == ReminderStatus.PART_NOT_SUBMITTED and part is not None and part in missing)
        ):
            targets.append(ReminderTarget(response, missing))
    return targets


@dataclass
class ContactRow:
    contact: Contact
    invited_at: datetime | None  # the latest invitation to this round
    email_waiting: bool  # its e-mail is still in the outbox
    link_used_at: datetime | None


def round_contact_rows(survey_round: SurveyRound) -> list[tuple[Response, list[ContactRow]]]:
    """Each unit of the round with its contacts and whether they have been invited to the round
    and have logged in, in four queries for any number of units."""
    responses = list(Response.objects.filter(round=survey_round).select_related("unit", "unit__county"))
    contacts: dict[int, list[Contact]] = {}
    for contact in Contact.objects.filter(unit__responses__round=survey_round).select_related("user"):
        contacts.setdefault(contact.unit_id, []).append(contact)
    latest: dict[int, Invitation] = {}
    for invitation in Invitation.objects.filter(round=survey_round).order_by("created_at"):
        latest[invitation.contact_id] = invitation
    sent = dict(
        OutgoingEmail.objects.filter(round=survey_round, kind=OutgoingEmail.Kind.INVITATION).values_list(
            "key", "sent_at"
        )
    )
    rows = []
    for response in sorted(responses, key=lambda r: r.unit.code):
        unit_rows = []
        for contact in contacts.get(response.unit_id, []):
            invitation = latest.get(contact.pk)
            unit_rows.append(
                ContactRow(
                    contact,
                    invitation.created_at if invitation else None,
                    bool(invitation) and sent.get(f"invitation:{invitation.pk}", True) is None,
                    invitation.used_at if invitation else None,
                )
            )
        rows.append((response, unit_rows))
    return rows
