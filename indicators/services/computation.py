"""Computing and storing results: unit values for a year from its answers in one pass, then the
aggregates for the country, every county and every group (memberships of that year)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from indicators.calculation.aggregate import Area, aggregate
from indicators.calculation.unit_values import Definition, unit_values
from indicators.models import AggregateResult, IndicatorVersion, UnitResult, YearComputation
from indicators.selectors.freshness import inputs_fingerprint
from survey.models import Answer, GroupMembership, PartSubmission, ReportingUnit, Response, SurveyRound


@dataclass
class ComputeReport:
    years: list[int]
    unit_results: int = 0
    aggregates: int = 0


def _computed_versions(years: Iterable[int]) -> list[IndicatorVersion]:
    """Versions with a rule, except indicator-years whose values were imported: imported history
    stands until it is removed."""
    imported = set(
        UnitResult.objects.filter(year__in=years, source=UnitResult.Source.IMPORTED)
        .values_list("year", "indicator_id")
        .distinct()
    )
    versions = IndicatorVersion.objects.filter(year__in=years).exclude(rule="").select_related("indicator")
    return [v for v in versions if (v.year, v.indicator_id) not in imported]


@dataclass
class LoadedAnswers:
    """What computing needs of the rounds of some years, by year and unit: the invited units,
    their answers ({question code: value}) and the codes of the parts they submitted."""

    units: dict[int, set[int]]
    answers: dict[int, dict[int, dict[str, str]]]
    submitted: dict[int, dict[int, set[str]]]


def load_answers(*, years: Iterable[int]) -> LoadedAnswers:
    """One pass over the answers of `years`: three queries for any number of units and years."""
    units: dict[int, set[int]] = defaultdict(set)
    response_unit: dict[int, tuple[int, int]] = {}
    for pk, year, unit_id in Response.objects.filter(round__year__in=years).values_list("pk", "round__year", "unit_id"):
        units[year].add(unit_id)
        response_unit[pk] = (year, unit_id)
    answers: dict[int, dict[int, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for response_id, code, value in (
        Answer.objects.filter(response__round__year__in=years)
        .values_list("response_id", "question__code", "value")
        .iterator(chunk_size=5000)
    ):
        year, unit_id = response_unit[response_id]
        answers[year][unit_id][code] = value
    submitted: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for response_id, part_code in PartSubmission.objects.filter(response__round__year__in=years).values_list(
        "response_id", "part__code"
    ):
        year, unit_id = response_unit[response_id]
        submitted[year][unit_id].add(part_code)
    return LoadedAnswers(units, answers, submitted)


def _chunks(items: list[int], size: int = 5000) -> Iterable[list[int]]:
    """Pieces small enough for any database's limit on query parameters."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def store_unit_results(
    *, years: Iterable[int], versions: list[IndicatorVersion], values: dict[int, dict[tuple[int, str], Decimal | None]],
    now: datetime,
) -> int:  # fmt: skip
    """Makes the stored values of `versions` equal to `values` ({year: {(unit id, code): value}}),
    writing only what changed: a recomputation after one submission touches that unit's rows, and
    `updated_at` says when a value last changed. Returns the number of values."""
    indicator_of = {(v.year, v.indicator.code): v.indicator_id for v in versions}
    wanted = {
        (year, unit_id, indicator_of[year, code]): value
        for year in years
        for (unit_id, code), value in values.get(year, {}).items()
    }
    computed = {(v.year, v.indicator_id) for v in versions}
    stored = {
        (year, unit_id, indicator_id): (pk, value, source)
        for pk, year, unit_id, indicator_id, value, source in UnitResult.objects.filter(
            year__in=years, indicator__in={v.indicator_id for v in versions}
        ).values_list("pk", "year", "unit_id", "indicator_id", "value", "source")
        if (year, indicator_id) in computed
    }
    new = [(*key, value) for key, value in wanted.items() if key not in stored]
    changed: dict[Decimal | None, list[int]] = defaultdict(list)
    for key, (pk, value, source) in stored.items():
        if key in wanted and (wanted[key] != value or source != UnitResult.Source.COMPUTED):
            changed[wanted[key]].append(pk)
    gone = [pk for key, (pk, _value, _source) in stored.items() if key not in wanted]
    with transaction.atomic():
        for chunk in _chunks(gone):
            UnitResult.objects.filter(pk__in=chunk).delete()
        for value, pks in changed.items():  # few distinct values: 1, 0, none, and changed key figures
            for chunk in _chunks(pks):
                UnitResult.objects.filter(pk__in=chunk).update(
                    value=value, source=UnitResult.Source.COMPUTED, updated_at=now
                )
        updated_at = connection.ops.adapt_datetimefield_value(now)
        _insert(UnitResult, ("year", "unit_id", "indicator_id", "value", "source", "updated_at"), [
            (year, unit_id, indicator_id, connection.ops.adapt_decimalfield_value(value, 16, 4),
             UnitResult.Source.COMPUTED.value, updated_at)
            for year, unit_id, indicator_id, value in new
        ])  # fmt: skip
    return len(wanted)


def _insert(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Inserts rows of already adapted values with one prepared statement. A whole history is
    some 50,000 unit values, which bulk_create's per-object work makes several times slower
    (benchmarks/indicators.py)."""
    ops = connection.ops
    names = ", ".join(ops.quote_name(column) for column in columns)
    places = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names}) VALUES ({places})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def compute_unit_results(*, years: Iterable[int], now: datetime | None = None) -> int:
    """Unit values of every indicator with a rule for every unit invited in `years`, from one
    pass over the answers (three queries for any number of units and years)."""
    return len(_compute_and_store(years=sorted(set(years)), now=now or timezone.now()))


def _compute_and_store(*, years: list[int], now: datetime) -> dict[tuple[int, int, int], Decimal | None]:
    """Computes and stores; returns the values {(year, unit id, indicator id): value}."""
    versions = _computed_versions(years)
    if not versions:
        return {}
    loaded = load_answers(years=years)
    values = {
        year: unit_values(
            [Definition(v.indicator.code, v.kind, v.part_code, v.rule) for v in versions if v.year == year],
            answers=loaded.answers[year],
            submitted_parts=loaded.submitted[year],
            units=loaded.units[year],
        )
        for year in years
    }
    store_unit_results(years=years, versions=versions, values=values, now=now)
    indicator_of = {(v.year, v.indicator.code): v.indicator_id for v in versions}
    return {
        (year, unit_id, indicator_of[year, code]): value
        for year, year_values in values.items()
        for (unit_id, code), value in year_values.items()
    }


def areas_of_units(years: Iterable[int]) -> dict[int, dict[int, list[Area]]]:
    """{year: {unit id: [its county, its groups that year]}}."""
    counties = dict(ReportingUnit.objects.values_list("pk", "county_id"))
    areas: dict[int, dict[int, list[Area]]] = {}
    for year in years:
        areas[year] = defaultdict(list, {unit: [Area("county", county_id=county)] for unit, county in counties.items()})
    for year, unit_id, group_id in GroupMembership.objects.filter(year__in=years).values_list(
        "year", "unit_id", "group_id"
    ):
        areas[year][unit_id].append(Area("group", group_id=group_id))
    return areas


def aggregate_results(*, years: Iterable[int], known: dict[tuple[int, int, int], Decimal | None] | None = None) -> int:
    """Aggregates of every indicator in `years` from the unit values, computed or imported.
    `known` are values just stored ({(year, unit id, indicator id): value}); the pairs of year and
    indicator they cover are not read back from the database."""
    years, known = sorted(set(years)), known or {}
    aggregation = {(v.year, v.indicator_id): v.aggregation for v in IndicatorVersion.objects.filter(year__in=years)}
    values: dict[tuple[int, int], dict[int, Decimal | None]] = defaultdict(dict)
    for (year, unit_id, indicator_id), value in known.items():
        values[year, indicator_id][unit_id] = value
    covered: dict[int, set[int]] = defaultdict(set)
    for year, indicator_id in values:
        covered[year].add(indicator_id)
    rest = UnitResult.objects.none()
    for year in years:
        rest = rest | UnitResult.objects.filter(year=year).exclude(indicator_id__in=covered[year])
    for year, indicator_id, unit_id, value in rest.values_list("year", "indicator_id", "unit_id", "value"):
        values[year, indicator_id][unit_id] = value
    areas = areas_of_units(years)
    rows = []
    for (year, indicator_id), unit_values_ in values.items():
        kind = aggregation.get((year, indicator_id), IndicatorVersion.Aggregation.SHARE)
        for area, tally in aggregate(unit_values_, aggregation=kind, areas_of_unit=areas[year]).items():
            numerator = connection.ops.adapt_decimalfield_value(tally.numerator, 20, 4)
            rows.append((year, indicator_id, area.level, area.county_id, area.group_id, kind, numerator,
                         tally.denominator))  # fmt: skip
    with transaction.atomic():
        AggregateResult.objects.filter(year__in=years).delete()
        _insert(AggregateResult, ("year", "indicator_id", "level", "county_id", "group_id", "aggregation",
                                  "numerator", "denominator"), rows)  # fmt: skip
    return len(rows)


def compute_indicators(*, years: Iterable[int], now: datetime | None = None) -> ComputeReport:
    """Unit values and aggregates for `years`: what the task and `manage.py compute_indicators` run."""
    years = sorted(set(years))
    now = now or timezone.now()
    report = ComputeReport(years=years)
    inputs = inputs_fingerprint(years)  # before reading them: a change meanwhile makes the year stale
    computed = _compute_and_store(years=years, now=now)
    report.unit_results = len(computed)
    report.aggregates = aggregate_results(years=years, known=computed)
    for year in years:
        YearComputation.objects.update_or_create(year=year, defaults={"computed_at": now, "inputs": inputs[year]})
    return report


def recent_years(*, now: datetime, days: int = 60) -> list[int]:
    """Years whose round is open or closed less than `days` ago: where answers still change."""
    since = now - timedelta(days=days)
    rounds = SurveyRound.objects.filter(opens_at__lte=now).filter(
        Q(closes_at__gte=since) | Q(responses__extended_until__gte=since)
    )
    return sorted(set(rounds.values_list("year", flat=True)))
