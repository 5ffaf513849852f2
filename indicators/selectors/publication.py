"""What the analyst sees before publishing a year: the response rate, how far the units have
checked their preliminary results, open flags and extensions still running, and from these what
stops the publication (the round or an extension is still open) or needs a confirmation."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.models import ResultCheck
from survey.coordination.monitor import PartFigures, national_figures, round_facts
from survey.models import PartSubmission, Response, SurveyRound


@dataclass
class PublicationChecks:
    year: int
    round: SurveyRound | None  # None: the year is imported history
    rates: list[PartFigures] = field(default_factory=list)  # the country's response rate per part
    responding_units: int = 0  # units that submitted at least one part
    confirmed_units: int = 0  # units that checked their results and flagged nothing
    flagged_units: int = 0  # units that flagged at least one value
    unchecked_units: int = 0  # responding units that did not check their results
    open_flags: int = 0
    extensions: list[Response] = field(default_factory=list)  # extensions still running, by end
    blockers: list[str] = field(default_factory=list)  # why publishing is refused now
    warnings: list[str] = field(default_factory=list)  # what publishing needs a confirmation for


def publication_checks(*, year: int, now: datetime | None = None) -> PublicationChecks:
    """The checks of `year` before publication, in a fixed number of queries."""
    now = now or timezone.now()
    survey_round = SurveyRound.objects.filter(year=year).first()
    checks = PublicationChecks(year=year, round=survey_round)
    statuses: dict[int, set[str]] = {}
    for unit_id, status in ResultCheck.objects.filter(year=year).values_list("unit_id", "status"):
        statuses.setdefault(unit_id, set()).add(status)
    checks.open_flags = ResultCheck.objects.filter(year=year, status=ResultCheck.Status.FLAGGED).count()
    flagged = {unit for unit, seen in statuses.items() if seen - {ResultCheck.Status.CONFIRMED}}
    checks.flagged_units = len(flagged)
    checks.confirmed_units = len(statuses.keys() - flagged)
    if survey_round is not None:
        checks.rates = national_figures(round_facts(survey_round)).parts
        responding = set(
            PartSubmission.objects.filter(response__round=survey_round).values_list("response__unit_id", flat=True)
        )
        checks.responding_units = len(responding)
        checks.unchecked_units = len(responding - statuses.keys())
        # Extensions that keep a unit answering after the round has closed, have not ended, and
        # still have a part to submit (a unit that has submitted everything changes nothing more).
        parts = survey_round.parts.count()
        submitted = Count("submissions", distinct=True)
        checks.extensions = list(
            Response.objects.filter(round=survey_round, extended_until__gt=max(now, survey_round.closes_at))
            .annotate(submitted=submitted)
            .filter(submitted__lt=parts)
            .select_related("unit")
            .order_by("extended_until", "unit__code")
        )
        _blockers(checks, survey_round=survey_round, now=now)
    if checks.unchecked_units:
        checks.warnings.append(
            ngettext(
                "%(count)d responding unit has not checked its results.",
                "%(count)d responding units have not checked their results.",
                checks.unchecked_units,
            )
            % {"count": checks.unchecked_units}
        )
    if checks.open_flags:
        checks.warnings.append(
            ngettext(
                "%(count)d flag from the units is still open.",
                "%(count)d flags from the units are still open.",
                checks.open_flags,
            )
            % {"count": checks.open_flags}
        )
    return checks


def _blockers(checks: PublicationChecks, *, survey_round: SurveyRound, now: datetime) -> None:
    closes = _time_text(survey_round.closes_at)
    if now < survey_round.opens_at:
        checks.blockers.append(_("The round of %(year)d has not opened yet.") % {"year": checks.year})
    elif now < survey_round.closes_at:
        checks.blockers.append(
            _("The round of %(year)d is open until %(closes)s: its results can be published once it has closed.")
            % {"year": checks.year, "closes": closes}
        )
    if checks.extensions:
        last = checks.extensions[-1]
        checks.blockers.append(
            ngettext(
                "%(count)d unit has an extension running until %(until)s: the results can be published once it "
                "has ended.",
                "%(count)d units have extensions running, the last until %(until)s: the results can be published "
                "once they have ended.",
                len(checks.extensions),
            )
            % {"count": len(checks.extensions), "until": _time_text(last.extended_until)}
        )


def _time_text(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y H:i")
