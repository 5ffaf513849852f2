from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from .models import Answer, Part, PartSubmission, ReportingUnit, Response


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
    answers = Answer.objects.filter(response__in=ids).select_related("updated_by", "question").order_by("updated_at")
    for answer in answers:
        latest[answer.response_id, answer.question.part_id] = answer
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
