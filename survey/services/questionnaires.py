import zoneinfo
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import record_event
from survey import hooks
from survey.models import Choice, Part, Question, Response, SurveyRound
from survey.selectors.register import reporting_units_on
from survey.xlsform.parser import ParsedForm

# The VINR questionnaires the project ships, one XLSForm per year (vinr-YYYY.md).
SHIPPED_FORMS = Path(__file__).resolve().parents[1] / "questionnaires"


class QuestionnaireConflict(Exception):
    """An upload that would change what a running round's answers depend on."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def default_round_times(year: int) -> tuple[datetime, datetime]:
    """Seven weeks from 1 February, as the survey is usually fielded, to the end of 21 March."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return datetime(year, 2, 1, tzinfo=zone), datetime(year, 3, 21, 23, 59, 59, tzinfo=zone)


def _conflicts(survey_round: SurveyRound, form: ParsedForm) -> list[str]:
    new = {question.code: question for question in form.questions}
    problems = []
    for question in survey_round.questions.prefetch_related("choices"):
        if question.code not in new:
            problems.append(_("The question %(code)s is missing.") % {"code": question.code})
            continue
        if new[question.code].type != question.type:
            problems.append(
                _("The question %(code)s changes type from %(old)s to %(new)s.")
                % {"code": question.code, "old": question.type, "new": new[question.code].type}
            )
        removed = {c.value for c in question.choices.all()} - {c.value for c in new[question.code].choices}
        if removed:
            problems.append(
                _("The question %(code)s loses the options %(options)s.")
                % {"code": question.code, "options": ", ".join(sorted(removed))}
            )
    return problems


@transaction.atomic
def load_questionnaire(
    *,
    form: ParsedForm,
    year: int,
    source_name: str,
    user: User | None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> SurveyRound:
    """Creates the year's round from a checked form, or updates its texts. A new round is
    fielded from `opens_at` to `closes_at` (by default default_round_times); given for a round
    that exists, they move its times (the command line's --opens/--closes).

    Once the round has opened, an upload may change texts and hints and add questions, but
    not remove questions, change their types or remove options. Nor may it break what
    depends on the year's questions, such as the indicator rules (hooks.questionnaire_problems)."""
    problems = hooks.questionnaire_problems(form=form, year=year)
    if problems:
        raise QuestionnaireConflict(problems)
    survey_round = SurveyRound.objects.select_for_update().filter(year=year).first()
    default_opens, default_closes = default_round_times(year)
    if survey_round is None:
        survey_round = SurveyRound(year=year, opens_at=opens_at or default_opens, closes_at=closes_at or default_closes)
    else:
        if survey_round.opens_at <= timezone.now() and (problems := _conflicts(survey_round, form)):
            raise QuestionnaireConflict(problems)
        if opens_at or closes_at:
            _move_times(survey_round=survey_round, opens_at=opens_at, closes_at=closes_at, user=user)
    if survey_round.closes_at <= survey_round.opens_at:
        raise QuestionnaireConflict([_("The round must close after it opens.")])
    survey_round.title = form.title
    survey_round.form_id = form.form_id
    survey_round.version = form.version
    survey_round.source_name = source_name
    survey_round.save()

    parts = {part.code: part for part in survey_round.parts.all()}
    questions = {question.code: question for question in survey_round.questions.all()}
    order = 0
    for part_order, parsed_part in enumerate(form.parts):
        part = parts.pop(parsed_part.code, None) or Part(round=survey_round, code=parsed_part.code)
        part.label, part.order = parsed_part.label, part_order
        part.save()
        for parsed in parsed_part.questions:
            question = questions.pop(parsed.code, None) or Question(round=survey_round, code=parsed.code)
            for name in ("type", "label", "label_en", "hint", "hint_en", "guidance_hint", "appearance", "section",
                         "required", "required_message", "relevant", "constraint", "constraint_message",
                         "choice_filter", "calculation"):  # fmt: skip
                setattr(question, name, getattr(parsed, name))
            question.part, question.order = part, order
            question.save()
            order += 1
            choices = {choice.value: choice for choice in question.choices.all()}
            for choice_order, parsed_choice in enumerate(parsed.choices):
                choice = choices.pop(parsed_choice.value, None) or Choice(question=question, value=parsed_choice.value)
                choice.label, choice.label_en, choice.order = parsed_choice.label, parsed_choice.label_en, choice_order
                choice.extra = parsed_choice.extra
                choice.save()
            Choice.objects.filter(pk__in=[choice.pk for choice in choices.values()]).delete()
    Question.objects.filter(pk__in=[question.pk for question in questions.values()]).delete()
    Part.objects.filter(pk__in=[part.pk for part in parts.values()]).delete()
    invite_reporting_units(survey_round=survey_round)
    record_event("survey.questionnaire.loaded", actor=user, year=year, version=form.version, source=source_name)
    return survey_round


def _move_times(
    *, survey_round: SurveyRound, opens_at: datetime | None, closes_at: datetime | None, user: User | None
) -> None:
    old = (survey_round.opens_at, survey_round.closes_at)
    survey_round.opens_at = opens_at or survey_round.opens_at
    survey_round.closes_at = closes_at or survey_round.closes_at
    if (survey_round.opens_at, survey_round.closes_at) != old:
        record_event(
            "survey.round.times_changed",
            actor=user,
            year=survey_round.year,
            old_opens_at=old[0].isoformat(),
            old_closes_at=old[1].isoformat(),
            opens_at=survey_round.opens_at.isoformat(),
            closes_at=survey_round.closes_at.isoformat(),
        )


def invite_reporting_units(*, survey_round: SurveyRound) -> int:
    """Invites the units that the register says report on the round's opening day; idempotent."""
    units = reporting_units_on(timezone.localtime(survey_round.opens_at).date())
    invited = set(survey_round.responses.values_list("unit_id", flat=True))
    new = [Response(round=survey_round, unit=unit) for unit in units if unit.pk not in invited]
    Response.objects.bulk_create(new)
    return len(new)
