"""What the results file shows, read once: the published results of the years up to a publication
year and the register facts around them. The exporter works on this in memory only, so a benchmark
(or a test) can hand it prepared data without writing millions of rows to a database."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import swedish_sort_key
from indicators.models import IndicatorVersion
from reporting.selectors.published import PublishedYear, published_results
from survey.coordination import monitor
from survey.models import County, Grouping, GroupMembership, Part, ReportingUnit, SurveyRound

SKR_PREFIX = "skr"  # SKR's kommungruppsindelning (skr-2017, and any later one): the start page's comparison


class ExportError(Exception):
    pass


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    kind: str  # the kind's label
    county_id: int
    city: str = ""  # a district's municipality


@dataclass(frozen=True)
class CountyInfo:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class GroupInfo:
    id: int
    code: str
    name: str


@dataclass(eq=False)
class GroupingInfo:
    id: int
    code: str
    name: str
    groups: list[GroupInfo]
    years: list[int]  # the years with memberships

    @property
    def is_skr(self) -> bool:
        return self.code.startswith(SKR_PREFIX)


@dataclass(frozen=True)
class RateRow:
    """A part's response rate in one area: invited = responses of the round, submitted = part submissions."""

    year: int
    part_code: str
    part_label: str
    level: str  # country or county
    area_code: str
    area_name: str
    invited: int
    submitted: int


@dataclass(frozen=True, eq=False)  # hashed by identity: a key of the sheets' columns
class IndicatorInfo:
    code: str
    latest: IndicatorVersion  # the definition of the latest year: title, description, rule in words
    years: list[int]
    notes: dict[int, str]  # year → comparability note

    @property
    def is_share(self) -> bool:
        return self.latest.aggregation == IndicatorVersion.Aggregation.SHARE


@dataclass
class ExportData:
    year: int  # the publication year: the file shows every published year from 2016 up to it
    years: list[int]
    published: dict[int, PublishedYear]
    units: list[UnitInfo]
    counties: list[CountyInfo]
    groupings: list[GroupingInfo]
    memberships: dict[tuple[int, int, int], int]  # (year, grouping id, unit id) → group id
    response_rates: list[RateRow] = field(default_factory=list)
    survey_periods: dict[int, tuple[date, date]] = field(default_factory=dict)
    part_labels: dict[str, str] = field(default_factory=dict)  # part code → its name, the latest year's
    generated_at: datetime = field(default_factory=timezone.now)

    def indicators(self) -> list[IndicatorInfo]:
        """Indicators first, then key figures, each by code."""
        years_of: dict[str, list[int]] = defaultdict(list)
        for year in self.years:
            for code in self.published[year].versions:
                years_of[code].append(year)
        infos = []
        for code, years in years_of.items():
            versions = [self.published[year].versions[code] for year in years]
            notes = {v.year: v.comparability_note.strip() for v in versions if v.comparability_note.strip()}
            infos.append(IndicatorInfo(code, versions[-1], years, notes))
        return sorted(infos, key=lambda info: (not info.is_share, info.code))


def export_years(year: int, published: dict[int, PublishedYear]) -> list[int]:
    return sorted(y for y in published if settings.FIRST_SURVEY_YEAR <= y <= year)


def collect_export_data(*, year: int) -> ExportData:
    """The published results of every year from 2016 up to `year` and what the file says about them."""
    published = published_results(years=range(settings.FIRST_SURVEY_YEAR, year + 1))
    years = export_years(year, published)
    if not years:
        raise ExportError(_("No results up to %(year)d are published.") % {"year": year})
    unit_ids = {unit_id for y in years for unit_id, _code in published[y].values}
    kinds = dict(ReportingUnit.Kind.choices)
    units = [
        UnitInfo(pk, code, name, str(kinds.get(kind, kind)), county_id, city or "")
        for pk, code, name, kind, county_id, city in ReportingUnit.objects.filter(pk__in=unit_ids).values_list(
            "pk", "code", "name", "kind", "county_id", "parent__name"
        )
    ]
    units.sort(key=lambda unit: (swedish_sort_key(unit.name), unit.code))
    counties = [CountyInfo(*row) for row in County.objects.order_by("code").values_list("pk", "code", "name")]
    memberships: dict[tuple[int, int, int], int] = {}
    years_of_grouping: dict[int, set[int]] = defaultdict(set)
    for y, grouping_id, unit_id, group_id in GroupMembership.objects.filter(year__in=years).values_list(
        "year", "grouping_id", "unit_id", "group_id"
    ):
        memberships[y, grouping_id, unit_id] = group_id
        years_of_grouping[grouping_id].add(y)
    groupings = [
        GroupingInfo(
            grouping.pk,
            grouping.code,
            grouping.name,
            [GroupInfo(g.pk, g.code, g.name) for g in grouping.groups.order_by("sort_order", "code")],
            sorted(years_of_grouping[grouping.pk]),
        )
        for grouping in Grouping.objects.filter(pk__in=years_of_grouping).order_by("code")
    ]
    rates, periods = [], {}
    for survey_round in SurveyRound.objects.filter(year__in=years).order_by("year"):
        periods[survey_round.year] = (
            timezone.localtime(survey_round.opens_at).date(),
            timezone.localtime(survey_round.closes_at).date(),
        )
        facts = monitor.round_facts(survey_round)
        areas = [monitor.national_figures(facts), *monitor.county_figures(facts)]
        for index, part in enumerate(facts.parts):
            for area in areas:
                figures = area.parts[index]
                rates.append(
                    RateRow(
                        survey_round.year,
                        part.code,
                        part.label,
                        area.level,
                        area.code,
                        area.name,
                        figures.invited,
                        figures.submitted,
                    )
                )
    return ExportData(
        year=year,
        years=years,
        published=published,
        units=units,
        counties=counties,
        groupings=groupings,
        memberships=memberships,
        response_rates=rates,
        survey_periods=periods,
        part_labels=dict(Part.objects.order_by("round__year").values_list("code", "label")),
    )
