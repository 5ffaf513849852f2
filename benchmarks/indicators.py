"""How computing the indicators scales: every indicator for every unit and year 2016–2025 from the
demo data, and for 10 and 100 times as many units, in a throwaway SQLite database.

    .venv/bin/python benchmarks/indicators.py [--repeat 3] [--figures]

Builds the demo data as `make run` does (the shipped register and questionnaires, the catalogue's
versions, the demo's answers for 2016–2025), then times

- end to end: `indicators.services.computation.compute_indicators(years=2016..2025)`;
- the pure computation: the loading query (`load_answers`), evaluating every rule for every unit
  (`indicators.calculation.unit_values.unit_values`) and the aggregates in memory
  (`indicators.calculation.aggregate.aggregate`);
- the store: writing the unit values (`store_unit_results`) and the aggregates (`aggregate_results`).

At 10× and 100× the units are not written to SQLite: the loaded answers are replicated under new
unit ids in memory and only the pure part (unit values and aggregates) is timed; the store is timed
at 10× too (clones of the units in the database) unless it would take more than a minute. Prints
seconds, the growth factors 10×/1× and 100×/10×, and whether the target is met: under one second
at today's size and linear growth. --figures also prints the demo's national values beside the
published figures of DOMAIN.md."""

import argparse
import csv
import gc
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CATALOGUE = ROOT.parent / "shared" / "reference" / "indicators.csv"
YEARS = list(range(2016, 2026))
FACTORS = (1, 10, 100)
STORE_LIMIT = 60.0  # seconds: the store at 10× is skipped if it would take longer


@dataclass
class Timing:
    """Median seconds: on the wall clock, and of this process's CPU (which other processes on the
    machine do not slow down: the growth factors use it)."""

    wall: float
    cpu: float

    def __add__(self, other: "Timing") -> "Timing":
        return Timing(self.wall + other.wall, self.cpu + other.cpu)


def clear_results() -> None:
    """Empties the stored results, so that the next run writes every value (untimed)."""
    from indicators.models import AggregateResult, UnitResult

    UnitResult.objects.all().delete()
    AggregateResult.objects.all().delete()


def timed_fresh(function: Callable[[], object], repeat: int = 1) -> tuple[Timing, object]:
    """Like `timed`, each run starting from no stored results."""
    timings, result = [], None
    for _ in range(repeat):
        clear_results()
        timing, result = timed(function)
        timings.append(timing)
    return Timing(statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings)), result


def timed(function: Callable[[], object], repeat: int = 1) -> tuple[Timing, object]:
    """The median timing of `repeat` calls and the last call's result."""
    wall, cpu, result = [], [], None
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return Timing(statistics.median(wall), statistics.median(cpu)), result


# --- the demo data -------------------------------------------------------------------------------


def versions_from_catalogue() -> str:
    """The catalogue's versions for YEARS: with `manage.py load_indicators` where the project has
    it, otherwise straight from the catalogue CSV."""
    from django.core.management import call_command, get_commands

    from indicators.models import Indicator, IndicatorVersion

    if "load_indicators" in get_commands():
        call_command("load_indicators", verbosity=0)
        return "manage.py load_indicators"
    with CATALOGUE.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    versions = []
    for row in rows:
        indicator, _created = Indicator.objects.get_or_create(code=row["code"])
        last = int(row["last_year"]) if row["last_year"] else YEARS[-1]
        versions += [
            IndicatorVersion(indicator=indicator, year=year, title=row["title_sv"], kind=row["kind"],
                             part_code=row["part"], rule=row["rule"], aggregation=row["aggregation"],
                             desired_direction=row["desired_direction"])
            for year in YEARS
            if int(row["first_year"]) <= year <= last
        ]  # fmt: skip
    IndicatorVersion.objects.bulk_create(versions)
    return str(CATALOGUE)


def build_demo() -> None:
    """The register, the shipped questionnaires, the catalogue and the demo's answers for YEARS."""
    from django.core.management import call_command

    from demo.seeding import demo_random, seed_earlier_round
    from demo.targets import yes_share
    from survey.models import SurveyRound
    from survey.services.register import load_register

    call_command("migrate", verbosity=0)
    load_register()
    call_command("load_questionnaire", "--all", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    for survey_round in SurveyRound.objects.filter(year__in=YEARS).order_by("year"):
        year = survey_round.year
        seed_earlier_round(survey_round=survey_round, rng=demo_random(year), yes_share=yes_share(year))
    print(f"  catalogue: {versions_from_catalogue()}")


# --- replicating units ---------------------------------------------------------------------------


def replicate(loaded, areas, clones: dict[int, list[int]]):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201
    """The loaded answers and the areas with every unit also under its clones' ids (copies of its
    answers: the same work per unit as for a real one)."""
    from indicators.services.computation import LoadedAnswers

    units, answers, submitted = defaultdict(set), defaultdict(dict), defaultdict(dict)
    new_areas = {}
    for year in YEARS:
        year_answers, year_submitted = loaded.answers[year], loaded.submitted[year]
        year_areas = defaultdict(list, areas[year])
        for unit in loaded.units[year]:
            for clone in (unit, *clones.get(unit, ())):
                units[year].add(clone)
                if unit in year_answers:
                    answers[year][clone] = dict(year_answers[unit])
                if unit in year_submitted:
                    submitted[year][clone] = set(year_submitted[unit])
                year_areas[clone] = areas[year][unit]
        new_areas[year] = year_areas
    return LoadedAnswers(units, answers, submitted), new_areas


def synthetic_clones(units: set[int], factor: int) -> dict[int, list[int]]:
    offset = max(units) + 1
    return {unit: [unit + offset * copy for copy in range(1, factor)] for unit in units}


def database_clones(factor: int) -> dict[int, list[int]]:
    """Clones of every unit in the database (with their group memberships), for timing the store."""
    from survey.models import GroupMembership, ReportingUnit

    originals = list(ReportingUnit.objects.all())
    copies = [
        ReportingUnit(code=f"B{copy}-{unit.pk:05}", name=f"{unit.name} {copy}", kind=unit.kind,
                      county_id=unit.county_id, parent_id=unit.parent_id)
        for copy in range(1, factor)
        for unit in originals
    ]  # fmt: skip
    copies = ReportingUnit.objects.bulk_create(copies, batch_size=2000)
    clones: dict[int, list[int]] = defaultdict(list)
    for index, copy in enumerate(copies):
        clones[originals[index % len(originals)].pk].append(copy.pk)
    memberships = [
        GroupMembership(grouping_id=m.grouping_id, group_id=m.group_id, unit_id=clone, year=m.year)
        for m in GroupMembership.objects.filter(year__in=YEARS)
        for clone in clones[m.unit_id]
    ]
    GroupMembership.objects.bulk_create(memberships, batch_size=5000)
    return clones


# --- the steps -----------------------------------------------------------------------------------


def definitions(versions):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201
    from indicators.calculation.unit_values import Definition

    by_year = defaultdict(list)
    for v in versions:
        by_year[v.year].append(Definition(v.indicator.code, v.kind, v.part_code, v.rule))
    return by_year


def compute_values(loaded, by_year) -> dict[int, dict[tuple[int, str], Decimal | None]]:  # type: ignore[no-untyped-def]  # noqa: ANN001
    from indicators.calculation.unit_values import unit_values

    return {
        year: unit_values(by_year[year], answers=loaded.answers[year], submitted_parts=loaded.submitted[year],
                          units=loaded.units[year])
        for year in YEARS
    }  # fmt: skip


def aggregate_values(values, versions, areas) -> int:  # type: ignore[no-untyped-def]  # noqa: ANN001
    from indicators.calculation.aggregate import aggregate

    aggregation = {(v.year, v.indicator.code): v.aggregation for v in versions}
    count = 0
    for year in YEARS:
        by_indicator: dict[str, dict[int, Decimal | None]] = defaultdict(dict)
        for (unit, code), value in values[year].items():
            by_indicator[code][unit] = value
        for code, unit_values_ in by_indicator.items():
            count += len(aggregate(unit_values_, aggregation=aggregation[year, code], areas_of_unit=areas[year]))
    return count


def store(values, versions) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
    from django.utils import timezone

    from indicators.services.computation import aggregate_results, store_unit_results

    store_unit_results(years=YEARS, versions=versions, values=values, now=timezone.now())
    aggregate_results(years=YEARS)


def print_figures() -> None:
    from indicators.models import AggregateResult
    from indicators.selectors.published_figures import PUBLISHED

    national = {
        (a.indicator.code, a.year): a
        for a in AggregateResult.objects.filter(level="country", aggregation="share").select_related("indicator")
    }
    print("\nNational values of the demo (percent; published figure in brackets, deviation > 3 points marked !):")
    codes = sorted({code for code, _year in national})
    print("         " + "".join(f"{year:>10}" for year in YEARS))
    for code in codes:
        cells = []
        for year in YEARS:
            result = national.get((code, year))
            if result is None or not result.denominator:
                cells.append(f"{'':>10}")
                continue
            share = result.numerator * 100 / result.denominator
            published = PUBLISHED.get(code, {}).get(year)
            mark = f"({published}){'!' if abs(share - published) > 3 else ' '}" if published is not None else ""
            cells.append(f"{share:>5.1f}{mark:>5}")
        print(f"{code:<9}" + "".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="median of this many runs at today's size")
    parser.add_argument("--figures", action="store_true", help="print the demo's national values too")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="oj-bench-indicators-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    import django

    django.setup()
    logging.getLogger("celery").setLevel(logging.WARNING)  # the recomputation tasks that loading runs inline
    from indicators.models import UnitResult
    from indicators.services.computation import _computed_versions, areas_of_units, compute_indicators, load_answers

    started = time.perf_counter()
    print(f"Building the demo data for {YEARS[0]}–{YEARS[-1]} in {workdir} …")
    build_demo()
    print(f"  setup {time.perf_counter() - started:.1f} s")
    versions = _computed_versions(YEARS)
    by_year = definitions(versions)

    # Today's size, end to end and step by step.
    total, report = timed_fresh(lambda: compute_indicators(years=YEARS), args.repeat)
    again, _report = timed(lambda: compute_indicators(years=YEARS), args.repeat)  # nothing changed
    load, loaded = timed(lambda: load_answers(years=YEARS), args.repeat)
    units = sum(len(loaded.units[year]) for year in YEARS)
    answers = sum(len(a) for year in YEARS for a in loaded.answers[year].values())
    areas = areas_of_units(YEARS)
    rules, values = timed(lambda: compute_values(loaded, by_year), args.repeat)
    aggregates, _count = timed(lambda: aggregate_values(values, versions, areas), args.repeat)
    store_1, _none = timed_fresh(lambda: store(values, versions), args.repeat)
    pure = {1: rules + aggregates}
    print(f"\nToday's size: {units} unit-years ({units // len(YEARS)} units × {len(YEARS)} years), "
          f"{answers} answers, {len(versions)} indicator versions, {report.unit_results} unit values, "
          f"{report.aggregates} aggregates. Seconds (median of {args.repeat}), wall clock and CPU:")  # fmt: skip
    rows = [
        ("compute_indicators end to end", total), ("  again, nothing changed", again), ("pure: loading query", load),
        ("      unit values (every rule)", rules), ("      aggregates in memory", aggregates),
        ("      together", load + rules + aggregates), ("store: unit values + aggregates", store_1),
    ]  # fmt: skip
    for label, timing in rows:
        print(f"  {label:<34}{timing.wall:8.3f} s {timing.cpu:8.3f} s CPU")
    if args.figures:
        print_figures()

    # 10× and 100×: answers replicated in memory under new unit ids.
    for factor in FACTORS[1:]:
        big, big_areas = replicate(loaded, areas, synthetic_clones(set().union(*loaded.units.values()), factor))
        repeat = args.repeat if factor == 10 else 1  # 100×: one run of half a minute
        rules_n, big_values = timed(lambda big=big: compute_values(big, by_year), repeat)
        aggregates_n, _count = timed(
            lambda big=big, v=big_values, a=big_areas: aggregate_values(v, versions, a), repeat
        )
        pure[factor] = rules_n + aggregates_n
        print(f"\n{factor}× the units: {sum(len(big.units[y]) for y in YEARS)} unit-years (in memory), "
              f"median of {repeat}")  # fmt: skip
        print(f"  pure: unit values {rules_n.wall:.3f} s + aggregates {aggregates_n.wall:.3f} s "
              f"= {pure[factor].wall:.3f} s ({pure[factor].cpu:.3f} s CPU)")  # fmt: skip
        del big, big_areas, big_values
    store_10 = None
    if store_1.wall * 10 < STORE_LIMIT:
        big, big_areas = replicate(loaded, areas, database_clones(10))
        big_values = compute_values(big, by_year)
        store_10, _none = timed_fresh(lambda: store(big_values, versions))
        print(f"  store at 10× (SQLite): {store_10.wall:.3f} s ({store_10.cpu:.3f} s CPU), "
              f"{UnitResult.objects.count()} unit values")  # fmt: skip
    else:
        print(f"  store at 10× skipped: it would take more than {STORE_LIMIT:.0f} s")

    steps = list(zip(FACTORS, FACTORS[1:], strict=False))
    growth = {factor: pure[factor].cpu / pure[previous].cpu for previous, factor in steps}
    print("\nGrowth of the pure computation (unit values + aggregates; CPU, wall clock in brackets):")
    for previous, factor in steps:
        print(f"  {factor}×/{previous}×: {growth[factor]:.1f} ({pure[factor].wall / pure[previous].wall:.1f}); "
              f"linear: {factor // previous}")  # fmt: skip
    if store_10 is not None:
        print(f"  store 10×/1×: {store_10.cpu / store_1.cpu:.1f} ({store_10.wall / store_1.wall:.1f}); linear: 10")
    linear = all(value < 1.5 * 10 for value in growth.values())
    pure_1 = (load + rules + aggregates).wall
    print("\nTarget: under 1 s at today's size, linear growth.")
    print(f"  pure computation (loading query, every rule, aggregates) {pure_1:.3f} s: "
          f"{'met' if pure_1 < 1 else 'NOT met'}")  # fmt: skip
    print(f"  end to end with the store from empty (SQLite) {total.wall:.3f} s: "
          f"{'met' if total.wall < 1 else 'NOT met'}")  # fmt: skip
    print(f"  end to end again, nothing changed (SQLite) {again.wall:.3f} s: {'met' if again.wall < 1 else 'NOT met'}")
    print(f"  growth: {'linear, met' if linear else 'NOT linear'}")
    print(f"Total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
