"""Which units a coordinator's reminder goes to."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from survey.models import Answer, Part, PartSubmission, Response, SurveyRound


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
