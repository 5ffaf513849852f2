"""The coordinator's monitor of a survey round: response rates by part, county and group, the
cumulative submissions per day, and the list of units with their status (pure reads).

Everything about a round is read in a fixed number of queries (`round_facts`) and then counted in
Python, so the cost in queries does not grow with the number of units."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Max
from django.utils import timezone

from core.numbers import percent
from core.text import swedish_sort_key
from survey.models import (
    Answer,
    Contact,
    Group,
    GroupMembership,
    Invitation,
    Part,
    PartSubmission,
    Response,
    SurveyRound,
)

NOT_STARTED, STARTED, SUBMITTED = "not_started", "started", "submitted"
STATUS_RANK = {NOT_STARTED: 0, STARTED: 1, SUBMITTED: 2}
# Filters on one part's status: which statuses each one keeps.
STATUS_FILTERS = {
    NOT_STARTED: {NOT_STARTED},
    STARTED: {STARTED},
    "not_submitted": {NOT_STARTED, STARTED},
    SUBMITTED: {SUBMITTED},
}
SORT_KEYS = ("code", "name", "county", "last_activity", "status")
COUNTRY_CODE = "0000"
COUNTRY_NAME = "Riket"


def response_rate(*, submitted: int, invited: int) -> Decimal | None:
    """Submitted of invited in percent, rounded half up to one decimal; None when nobody is invited."""
    return percent(part=submitted, whole=invited)


@dataclass(frozen=True)
class UnitFacts:
    response_id: int
    unit_id: int
    code: str
    name: str
    county_code: str
    county_name: str
    extended_until: datetime | None
    extension_reason: str


@dataclass(frozen=True)
class ContactPerson:
    name: str
    email: str


@dataclass
class RoundFacts:
    """What the monitor needs about one round, read once."""

    round: SurveyRound
    parts: list[Part]
    units: list[UnitFacts]
    submitted_at: dict[tuple[int, int], datetime]  # (response id, part id) → when
    last_answer_at: dict[tuple[int, int], datetime]  # (response id, part id) → latest answer change
    invitation_sent: set[int]  # unit ids with at least one invited contact
    contacts: dict[int, ContactPerson]  # unit id → the responsible contact, else any
    groups: list[Group]  # groups of the groupings that have memberships in the round's year
    group_of: dict[tuple[int, int], int]  # (grouping id, unit id) → group id, for the round's year

    def status(self, unit: UnitFacts, part: Part) -> str:
        key = (unit.response_id, part.pk)
        if key in self.submitted_at:
            return SUBMITTED
        return STARTED if key in self.last_answer_at else NOT_STARTED


def round_facts(survey_round: SurveyRound) -> RoundFacts:
    """Reads a round's units, statuses, invitations, contacts and group memberships in eight queries,
    however many units."""
    parts = list(Part.objects.filter(round=survey_round).order_by("order", "pk"))
    units = [
        UnitFacts(*row)
        for row in Response.objects.filter(round=survey_round)
        .order_by("unit__code")
        .values_list(
            "pk",
            "unit_id",
            "unit__code",
            "unit__name",
            "unit__county__code",
            "unit__county__name",
            "extended_until",
            "extension_reason",
        )
    ]
    submitted_at = {
        (response_id, part_id): when
        for response_id, part_id, when in PartSubmission.objects.filter(response__round=survey_round).values_list(
            "response_id", "part_id", "submitted_at"
        )
    }
    last_answer_at = {
        (row["response_id"], row["question__part_id"]): row["latest"]
        for row in Answer.objects.filter(response__round=survey_round)
        .values("response_id", "question__part_id")
        .annotate(latest=Max("updated_at"))
        .order_by()
    }
    invitation_sent = set(
        Invitation.objects.filter(round=survey_round).values_list("contact__unit_id", flat=True).distinct()
    )
    contacts: dict[int, tuple[bool, ContactPerson]] = {}  # unit id → (is responsible, contact)
    for unit_id, role, name, email in (
        Contact.objects.filter(unit__responses__round=survey_round)
        .values_list("unit_id", "role", "name", "email")
        .order_by("unit_id", "name", "pk")
    ):
        responsible = role == Contact.Role.RESPONSIBLE
        if unit_id not in contacts or (responsible and not contacts[unit_id][0]):
            contacts[unit_id] = (responsible, ContactPerson(name, email))
    memberships = GroupMembership.objects.filter(year=survey_round.year, unit__responses__round=survey_round)
    group_of = {
        (grouping_id, unit_id): group_id
        for grouping_id, unit_id, group_id in memberships.values_list("grouping_id", "unit_id", "group_id")
    }
    groups = list(
        Group.objects.filter(grouping__memberships__year=survey_round.year)
        .distinct()
        .select_related("grouping")
        .order_by("grouping__code", "sort_order", "code")
    )
    return RoundFacts(
        round=survey_round,
        parts=parts,
        units=units,
        submitted_at=submitted_at,
        last_answer_at=last_answer_at,
        invitation_sent=invitation_sent,
        contacts={unit_id: contact for unit_id, (_responsible, contact) in contacts.items()},
        groups=groups,
        group_of=group_of,
    )


# Figures


@dataclass(frozen=True)
class PartFigures:
    part: Part
    invited: int
    invitation_sent: int
    started: int
    submitted: int

    @property
    def rate(self) -> Decimal | None:
        return response_rate(submitted=self.submitted, invited=self.invited)


@dataclass
class AreaFigures:
    """The figures of one area (the country, a county or a group), one entry per part."""

    level: str  # country, county, group
    code: str
    name: str
    parts: list[PartFigures]


@dataclass
class GroupingFigures:
    code: str
    name: str
    groups: list[AreaFigures] = field(default_factory=list)


def _figures(facts: RoundFacts, units: list[UnitFacts]) -> list[PartFigures]:
    figures = []
    for part in facts.parts:
        statuses = [facts.status(unit, part) for unit in units]
        figures.append(
            PartFigures(
                part=part,
                invited=len(units),
                invitation_sent=sum(1 for unit in units if unit.unit_id in facts.invitation_sent),
                started=sum(1 for status in statuses if status != NOT_STARTED),
                submitted=sum(1 for status in statuses if status == SUBMITTED),
            )
        )
    return figures


def national_figures(facts: RoundFacts) -> AreaFigures:
    return AreaFigures("country", COUNTRY_CODE, COUNTRY_NAME, _figures(facts, facts.units))


def county_figures(facts: RoundFacts) -> list[AreaFigures]:
    """One entry per county with invited units, by county code."""
    by_county: dict[tuple[str, str], list[UnitFacts]] = defaultdict(list)
    for unit in facts.units:
        by_county[unit.county_code, unit.county_name].append(unit)
    return [
        AreaFigures("county", code, name, _figures(facts, units)) for (code, name), units in sorted(by_county.items())
    ]


def grouping_figures(facts: RoundFacts) -> list[GroupingFigures]:
    """Each grouping with memberships in the round's year and all its groups; a unit without a
    membership that year counts in no group of that grouping."""
    members: dict[int, list[UnitFacts]] = defaultdict(list)
    grouping_ids = {group.grouping_id for group in facts.groups}
    for unit in facts.units:
        for grouping in grouping_ids:
            group_id = facts.group_of.get((grouping, unit.unit_id))
            if group_id is not None:
                members[group_id].append(unit)
    groupings: dict[int, GroupingFigures] = {}
    for group in facts.groups:
        grouping = groupings.setdefault(group.grouping_id, GroupingFigures(group.grouping.code, group.grouping.name))
        grouping.groups.append(
            AreaFigures("group", f"{grouping.code}:{group.code}", group.name, _figures(facts, members[group.pk]))
        )
    return list(groupings.values())


# Cumulative submissions per day


@dataclass
class Series:
    year: int
    current: bool
    points: list[tuple[int, Decimal]]  # (day of the fielding period, percent of invited units submitted)


@dataclass
class Progress:
    part_code: str
    days: int  # the longest fielding period of the rounds shown
    series: list[Series]  # the current round first, then earlier years, newest first

    def table(self) -> list[tuple[int, list[Decimal | None]]]:
        """The same figures by day: each day with one value per series (None past a line's end)."""
        values = [dict(series.points) for series in self.series]
        return [(day, [by_day.get(day) for by_day in values]) for day in range(1, self.days + 1)]


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def cumulative_submissions(survey_round: SurveyRound, part_code: str, *, today: date) -> Progress:
    """For the round and every earlier round with a part of the same code: the share of invited
    units that had submitted the part by the end of each day of the fielding period (day 1 is the
    opening day, in local dates). The current round's line stops at today."""
    parts = list(
        Part.objects.filter(code=part_code, round__year__lte=survey_round.year)
        .select_related("round")
        .order_by("-round__year")
    )
    invited = dict(
        Response.objects.filter(round__in=[part.round_id for part in parts])
        .values("round_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("round_id", "n")
    )
    days_of: dict[int, list[int]] = defaultdict(list)
    for part_id, submitted in PartSubmission.objects.filter(part__in=parts).values_list("part_id", "submitted_at"):
        days_of[part_id].append(_local_date(submitted))  # type: ignore[arg-type]
    series, longest = [], 0
    for part in parts:
        opening, closing = _local_date(part.round.opens_at), _local_date(part.round.closes_at)
        length = (closing - opening).days + 1
        longest = max(longest, length)
        last_day = length
        if part.round_id == survey_round.pk:
            last_day = min(length, (today - opening).days + 1)
        per_day: dict[int, int] = defaultdict(int)
        for day in days_of[part.pk]:
            per_day[max(1, (day - opening).days + 1)] += 1  # type: ignore[operator]
        points, total = [], 0
        for day in range(1, last_day + 1):
            total += per_day[day]
            rate = response_rate(submitted=total, invited=invited.get(part.round_id, 0))
            if rate is not None:
                points.append((day, rate))
        series.append(Series(year=part.round.year, current=part.round_id == survey_round.pk, points=points))
    return Progress(part_code=part_code, days=longest, series=series)


# The list of units


@dataclass
class UnitStatus:
    part: Part
    status: str
    submitted_at: datetime | None


@dataclass
class UnitRow:
    response_id: int
    code: str
    name: str
    county_code: str
    county_name: str
    statuses: list[UnitStatus]
    last_activity: datetime | None
    contact: ContactPerson | None
    extended_until: datetime | None
    extension_reason: str


@dataclass(frozen=True)
class UnitFilter:
    county: str = ""  # county code
    group: int | None = None  # group id
    status: str = ""  # "<part code>:<a key of STATUS_FILTERS>", e.g. "vinr:not_submitted"
    query: str = ""  # part of the name or code
    sort: str = "code"  # a key of SORT_KEYS, "-" first for descending


def _unit_row(facts: RoundFacts, unit: UnitFacts) -> UnitRow:
    statuses = []
    moments = []
    for part in facts.parts:
        key = (unit.response_id, part.pk)
        submitted, answered = facts.submitted_at.get(key), facts.last_answer_at.get(key)
        moments += [moment for moment in (submitted, answered) if moment is not None]
        statuses.append(UnitStatus(part, facts.status(unit, part), submitted))
    return UnitRow(
        response_id=unit.response_id,
        code=unit.code,
        name=unit.name,
        county_code=unit.county_code,
        county_name=unit.county_name,
        statuses=statuses,
        last_activity=max(moments, default=None),
        contact=facts.contacts.get(unit.unit_id),
        extended_until=unit.extended_until,
        extension_reason=unit.extension_reason,
    )


def _sort_key(name: str):  # type: ignore[no-untyped-def]
    if name == "name":
        return lambda row: swedish_sort_key(row.name)
    if name == "county":
        return lambda row: row.county_code
    if name == "last_activity":
        return lambda row: (row.last_activity is not None, row.last_activity or datetime.min)
    if name == "status":
        return lambda row: tuple(STATUS_RANK[status.status] for status in row.statuses)
    return lambda row: row.code


def unit_rows(facts: RoundFacts, unit_filter: UnitFilter = UnitFilter()) -> list[UnitRow]:  # noqa: B008
    """The round's units that pass the filter, sorted; ties keep the order by code."""
    query = unit_filter.query.strip().casefold()
    part_code, _sep, status = unit_filter.status.partition(":")
    part = next((p for p in facts.parts if p.code == part_code), None)
    wanted = STATUS_FILTERS.get(status)
    grouping_id = next((g.grouping_id for g in facts.groups if g.pk == unit_filter.group), None)
    units = []
    for unit in facts.units:
        if unit_filter.county and unit.county_code != unit_filter.county:
            continue
        if unit_filter.group is not None and facts.group_of.get((grouping_id, unit.unit_id)) != unit_filter.group:  # type: ignore[arg-type]
            continue
        if query and query not in unit.name.casefold() and query not in unit.code.casefold():
            continue
        if part is not None and wanted is not None and facts.status(unit, part) not in wanted:
            continue
        units.append(unit)
    rows = sorted((_unit_row(facts, unit) for unit in units), key=lambda row: row.code)
    descending = unit_filter.sort.startswith("-")
    name = unit_filter.sort.lstrip("-")
    if name != "code" or descending:
        rows.sort(key=_sort_key(name), reverse=descending)  # stable: equal keys stay in code order
    return rows
