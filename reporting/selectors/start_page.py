"""The staff start page: what a coordinator or an analyst has to do now (pure reads).

It lives in reporting, the top layer of the apps, because it reads every layer: the rounds and the
outbox (survey, core), the computation, checks and publications (indicators) and the stored results
files (reporting). `year_states` is the one place that tells a year's state and next action; when
rounds or results files learn more about themselves (a round's own state, a file kept with its
revision), this is the function to extend."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import OutgoingEmail
from indicators.models import Publication, ResultCheck, UnitResult, YearComputation
from reporting.models import Export
from reporting.selectors.exports import groups_changed_since, published_since
from survey.coordination.monitor import cumulative_submissions
from survey.models import Contact, Part, Response, SurveyRound

# Coordinator


@dataclass(frozen=True)
class PartRate:
    label: str
    rate: Decimal | None  # percent of invited units that submitted the part, today
    last_year: Decimal | None  # the same part last year, on the same day of its fielding period
    last_year_number: int | None


@dataclass(frozen=True)
class OpenRound:
    round: SurveyRound
    days_left: int
    parts: list[PartRate]
    units: int
    units_without_contacts: int


@dataclass(frozen=True)
class CoordinatorOverview:
    open_rounds: list[OpenRound]
    emails_waiting: int
    emails_failed: int
    open_flags: list[tuple[int, int]]  # (year, open flags) of the years with open flags, newest first


def _open_round(survey_round: SurveyRound, *, now: datetime) -> OpenRound:
    today = timezone.localdate(now)
    day = (today - timezone.localtime(survey_round.opens_at).date()).days + 1
    parts = []
    for part in Part.objects.filter(round=survey_round).order_by("order", "pk"):
        progress = cumulative_submissions(survey_round, part.code, today=today)
        current = next((series for series in progress.series if series.current), None)
        earlier = next((series for series in progress.series if series.year == survey_round.year - 1), None)
        rate = current.points[-1][1] if current and current.points else None
        last_year = dict(earlier.points).get(day) if earlier else None
        if earlier and last_year is None and earlier.points and day > earlier.points[-1][0]:
            last_year = earlier.points[-1][1]  # today is past the end of last year's (shorter) period
        parts.append(PartRate(part.label, rate, last_year, earlier.year if earlier else None))
    responses = Response.objects.filter(round=survey_round)
    without = responses.exclude(Exists(Contact.objects.filter(unit=OuterRef("unit_id")))).count()
    closes = timezone.localtime(survey_round.closes_at).date()
    return OpenRound(
        round=survey_round,
        days_left=max(0, (closes - today).days),
        parts=parts,
        units=responses.count(),
        units_without_contacts=without,
    )


def coordinator_overview(*, now: datetime | None = None) -> CoordinatorOverview:
    """The open rounds with their response rates against last year, the outbox and the open flags."""
    now = now or timezone.now()
    rounds = SurveyRound.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("-year")
    unsent = OutgoingEmail.objects.filter(sent_at__isnull=True)
    flags = (
        ResultCheck.objects.filter(status=ResultCheck.Status.FLAGGED)
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
        .values_list("year", "n")
    )
    return CoordinatorOverview(
        open_rounds=[_open_round(survey_round, now=now) for survey_round in rounds],
        emails_waiting=unsent.filter(last_error="").count(),
        emails_failed=unsent.exclude(last_error="").count(),
        open_flags=list(flags),
    )


# Analyst


@dataclass(frozen=True)
class NextAction:
    text: str
    url: str
    link_text: str
    analysts_only: bool = False  # computing, publishing and the results file: pages coordinators may not open


@dataclass(frozen=True)
class YearState:
    year: int
    round: SurveyRound | None
    round_open: bool
    round_upcoming: bool
    computed_at: datetime | None  # when the year was last computed from the answers
    units: int  # units with a survey that year
    units_checked: int  # units that confirmed or flagged at least one value
    open_flags: int
    revision: int | None  # the newest published revision
    file_stored: bool  # a finished results file of the year is stored
    file_outdated: bool  # ... but the year (or an earlier one) was published after it was made
    file_groups_changed: bool  # ... or the register's group memberships changed after it was made
    next_action: NextAction | None


def _next_action(state: dict, *, now: datetime) -> NextAction | None:  # noqa: PLR0911 (one rule per state)
    year = state["year"]
    survey_round = state["round"]
    results = reverse("indicators:year-results", kwargs={"year": year})
    if survey_round is not None and now < survey_round.opens_at:
        return NextAction(_("The round has not opened yet."), reverse("survey:round-list"), _("Survey rounds"))
    if survey_round is not None and survey_round.closes_at > now:
        return NextAction(
            _("The round is open: follow the responses until it closes."),
            reverse("survey:round-monitor", kwargs={"year": year}),
            _("Follow-up"),
        )
    if state["has_values"] is False:
        return NextAction(_("Compute the results."), results, _("Results of the year"), analysts_only=True)
    if state["open_flags"]:
        return NextAction(
            _("Units have flagged values: wait until the coordinators have resolved them."),
            reverse("indicators:flag-list", kwargs={"year": year}),
            _("Flags"),
        )
    if state["revision"] is None:
        return NextAction(_("Publish the results."), results, _("Results of the year"), analysts_only=True)
    if not state["file_stored"] or state["file_outdated"] or state["file_groups_changed"]:
        return NextAction(
            _("Create the results file."), reverse("exports:export-list"), _("Results file"), analysts_only=True
        )
    return None


def year_states(*, now: datetime | None = None) -> list[YearState]:
    """Every year with a round, results or a publication, newest first, with its state and the next
    action, in a fixed number of queries per year."""
    now = now or timezone.now()
    rounds = {survey_round.year: survey_round for survey_round in SurveyRound.objects.all()}
    values = set(UnitResult.objects.values_list("year", flat=True).distinct())
    computed = dict(YearComputation.objects.values_list("year", "computed_at"))
    revisions = dict(
        Publication.objects.values("year").annotate(n=Max("revision")).order_by().values_list("year", "n")
    )
    units = dict(
        Response.objects.values("round__year").annotate(n=Count("pk")).order_by().values_list("round__year", "n")
    )
    checked = dict(
        ResultCheck.objects.values("year")
        .annotate(n=Count("unit", distinct=True))
        .order_by()
        .values_list("year", "n")
    )
    flags = dict(
        ResultCheck.objects.filter(status=ResultCheck.Status.FLAGGED)
        .values("year")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("year", "n")
    )
    states = []
    for year in sorted(set(rounds) | set(values) | set(revisions), reverse=True):
        export = (
            Export.objects.filter(year=year, status=Export.Status.DONE).defer("file").order_by("-finished_at", "-pk")
        ).first()
        fact = {
            "year": year,
            "round": rounds.get(year),
            "has_values": year in values,
            "open_flags": flags.get(year, 0),
            "revision": revisions.get(year),
            "file_stored": export is not None,
            "file_outdated": export is not None and published_since(export),
            "file_groups_changed": export is not None and groups_changed_since(export),
        }
        survey_round = fact["round"]
        states.append(
            YearState(
                year=year,
                round=survey_round,
                round_open=survey_round is not None and survey_round.opens_at <= now < survey_round.closes_at,
                round_upcoming=survey_round is not None and now < survey_round.opens_at,
                computed_at=computed.get(year),
                units=units.get(year, 0),
                units_checked=checked.get(year, 0),
                open_flags=fact["open_flags"],
                revision=fact["revision"],
                file_stored=fact["file_stored"],
                file_outdated=fact["file_outdated"],
                file_groups_changed=fact["file_groups_changed"],
                next_action=_next_action(fact, now=now),
            )
        )
    return states
