"""A survey round's fielding period: creating the round of a year, moving its opening and closing
times, and closing it now. Open still means `opens_at <= now < closes_at` (or a unit's extension):
these functions move the times, nothing flips a flag. Scheduled reminders are counted back from
each unit's closing time (survey.services.reminders), so they follow a moved deadline by themselves."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import record_event
from survey import hooks
from survey.models import Choice, Part, Response, SurveyRound
from survey.services.questionnaires import invite_reporting_units, load_questionnaire
from survey.xlsform.parser import ParsedForm


class RoundError(Exception):
    """A round cannot be created or changed as asked; the message says why, in Swedish."""


class ConfirmationNeeded(Exception):
    """The change would open or close the round (for everyone or for some units): it is made only
    when asked again with `confirmed=True`. `warnings` say what would happen, in Swedish."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__("\n".join(warnings))
        self.warnings = warnings


def round_times(*, opens_on: date, closes_on: date) -> tuple[datetime, datetime]:
    """A fielding period given as days in Swedish time: it opens at 00:00 of the first day and
    closes at the end of the minute 23:59 of the last."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.combine(opens_on, time(0, 0), tzinfo=zone),
        datetime.combine(closes_on, time(23, 59, 59), tzinfo=zone),
    )


def _time_text(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y H:i")


def _check_times(*, opens_at: datetime, closes_at: datetime) -> None:
    if closes_at <= opens_at:
        raise RoundError(_("The round must close after it opens."))


@dataclass
class _Period:
    opens_at: datetime
    closes_at: datetime

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


def _state_warnings(*, survey_round: SurveyRound, new: _Period, now: datetime) -> list[str]:
    """What moving the round's times to `new` would do to who can answer now."""
    old = _Period(survey_round.opens_at, survey_round.closes_at)
    warnings = []
    if not old.is_open(now) and new.is_open(now):
        if old.closes_at <= now:
            warnings.append(_("The round has closed: this change opens it again, and every unit can answer."))
        else:
            warnings.append(_("The round has not opened yet: this change opens it now, and every unit can answer."))
    elif old.is_open(now) and not new.is_open(now):
        if new.closes_at <= now:
            warnings.append(_("The round is open: this change closes it now, and no unit can go on answering."))
        else:
            warnings.append(
                _("The round is open: this change closes it until it opens again on %(opens)s.")
                % {"opens": _time_text(new.opens_at)}
            )
    if new.closes_at <= now < old.closes_at:
        extended = Response.objects.filter(round=survey_round, extended_until__gt=now).count()
        if extended:
            warnings.append(
                _("%(count)d units have an extension and can go on answering until it ends.") % {"count": extended}
            )
    return warnings


@transaction.atomic
def change_round_times(
    *,
    survey_round: SurveyRound,
    opens_at: datetime,
    closes_at: datetime,
    user: User | None,
    confirmed: bool = False,
    now: datetime | None = None,
) -> SurveyRound:
    """Moves the round's opening and closing times. A change that would open or close the round
    raises ConfirmationNeeded unless `confirmed`. Units' extensions stay as they are."""
    now = now or timezone.now()
    _check_times(opens_at=opens_at, closes_at=closes_at)
    survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    if (opens_at, closes_at) == (survey_round.opens_at, survey_round.closes_at):
        raise RoundError(_("The times are the same as before."))
    if survey_round.year in hooks.published_years():
        raise RoundError(
            _("The results of %(year)d are published: its fielding period can no longer change.")
            % {"year": survey_round.year}
        )
    warnings = _state_warnings(survey_round=survey_round, new=_Period(opens_at, closes_at), now=now)
    if warnings and not confirmed:
        raise ConfirmationNeeded(warnings)
    old_opens, old_closes = survey_round.opens_at, survey_round.closes_at
    survey_round.opens_at, survey_round.closes_at = opens_at, closes_at
    survey_round.save(update_fields=["opens_at", "closes_at"])
    record_event(
        "survey.round.times_changed",
        actor=user,
        year=survey_round.year,
        old_opens_at=old_opens.isoformat(),
        old_closes_at=old_closes.isoformat(),
        opens_at=opens_at.isoformat(),
        closes_at=closes_at.isoformat(),
        confirmed=warnings,
    )
    if opens_at < old_opens:  # units that report from the new opening day on are invited too
        invite_reporting_units(survey_round=survey_round)
    return survey_round


def close_round_now(
    *, survey_round: SurveyRound, user: User | None, confirmed: bool = False, now: datetime | None = None
) -> SurveyRound:
    """Closes an open round at once (*Stäng nu*): its closing time becomes now. Asks for a
    confirmation (ConfirmationNeeded) like every change that closes a round."""
    now = now or timezone.now()
    if not survey_round.is_open(now=now):
        raise RoundError(_("The round is not open."))
    return change_round_times(
        survey_round=survey_round,
        opens_at=survey_round.opens_at,
        closes_at=now,
        user=user,
        confirmed=confirmed,
        now=now,
    )


def _copy_questionnaire(*, source: SurveyRound, target: SurveyRound) -> None:
    """Copies the parts, questions and options of `source` into the new round `target`."""
    parts = {}
    for part in source.parts.all():
        parts[part.pk] = Part.objects.create(round=target, code=part.code, label=part.label, order=part.order)
    for question in source.questions.prefetch_related("choices").order_by("order"):
        choices = list(question.choices.all())
        old_part = question.part_id
        question.pk, question.round, question.part = None, target, parts[old_part]
        question.save()
        Choice.objects.bulk_create(
            [
                Choice(question=question, value=c.value, label=c.label, label_en=c.label_en, order=c.order)
                for c in choices
            ]
        )


@transaction.atomic
def create_round(
    *,
    year: int,
    opens_at: datetime,
    closes_at: datetime,
    user: User | None,
    form: ParsedForm | None = None,
    source_name: str = "",
    copy_from: int | None = None,
) -> SurveyRound:
    """Creates the round of `year` with its fielding period, its questionnaire loaded from `form`
    or copied from the round of `copy_from` as the starting point, and invites the units that
    report on its opening day."""
    _check_times(opens_at=opens_at, closes_at=closes_at)
    if opens_at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).year != year:
        raise RoundError(_("The round of %(year)d must open in %(year)d.") % {"year": year})
    if SurveyRound.objects.filter(year=year).exists():
        raise RoundError(_("The round of %(year)d already exists.") % {"year": year})
    if (form is None) == (copy_from is None):
        raise RoundError(_("Choose a questionnaire: a file, or last year's to copy."))
    if form is not None:
        survey_round = load_questionnaire(
            form=form, year=year, source_name=source_name, user=user, opens_at=opens_at, closes_at=closes_at
        )
    else:
        source = SurveyRound.objects.filter(year=copy_from).first()
        if source is None:
            raise RoundError(_("There is no round of %(year)d to copy.") % {"year": copy_from})
        survey_round = SurveyRound.objects.create(
            year=year,
            title=source.title.replace(str(source.year), str(year)),
            form_id=source.form_id,
            version=source.version,
            opens_at=opens_at,
            closes_at=closes_at,
            source_name=_("Copy of %(year)d") % {"year": source.year},
            reminder_days=source.reminder_days,
        )
        _copy_questionnaire(source=source, target=survey_round)
        invite_reporting_units(survey_round=survey_round)
    record_event(
        "survey.round.created",
        actor=user,
        year=year,
        opens_at=opens_at.isoformat(),
        closes_at=closes_at.isoformat(),
        copied_from=copy_from,
        source=source_name,
    )
    return survey_round
