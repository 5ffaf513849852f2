"""How building the Excel results file scales: today's size (about 300 units × 2016–2025 × 18
indicators) and ten times the units, from synthetic published data in memory.

    .venv/bin/python benchmarks/export.py [--repeat 3] [--factors 1 10]

For each size it prints the seconds of `ResultsExporter.write` (the median of --repeat runs, as for
the baselines), its peak traced memory (tracemalloc, the exporter's own allocations; the prepared
data is built before) and the process's peak RSS, and two ratios measured in the same run:

- pandas: writing the same cells (the data sheets' rows) with `pandas.DataFrame.to_excel` and the
  openpyxl engine, divided by the exporter's time (target: at least 2.5 at today's size);
- lower bound: the exporter's time divided by the time to only produce the same cells as sheet XML
  and compress it with zlib (what any writer has to do at least).

Targets: under 3 s at today's size, linear growth at 10×, peak memory under 300 MB."""

import argparse
import io
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEARS = list(range(2016, 2026))
CODES = [
    "VINR01", "VINR02", "VINR03", "VINR04", "VINR05", "VINR06", "VINR07", "VINR08A", "VINR08B", "VINR08C",
    "VINR08D", "VINR08E", "VINR08F", "VINR09", "VINR10", "VINR11", "VINR12", "VINRN1",
]  # fmt: skip
UNITS_TODAY = 300
COUNTIES = 21
SKR_YEARS = range(2017, 2023)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def synthetic_data(*, units: int, years: Sequence[int] = YEARS, codes: Sequence[str] = CODES, seed: int = 6):  # noqa: ANN201
    """ExportData for `units` units in 21 counties, the SKR grouping (2017–2022) and a population
    grouping, every indicator in every year with a mix of 1, 0 and no value, key figures with counts
    0–19 of which 1–4 are confidential (unsaved model instances: nothing is written to a database)."""
    from indicators.calculation.aggregate import Area, aggregate
    from indicators.models import Indicator, IndicatorVersion, Publication
    from reporting.exporters.data import CountyInfo, ExportData, GroupInfo, GroupingInfo, RateRow, UnitInfo
    from reporting.selectors.published import Figure, PublishedYear

    rng = random.Random(seed)
    counties = [CountyInfo(i, f"{i:02d}", f"Län {i}") for i in range(1, COUNTIES + 1)]
    skr_groups = [GroupInfo(100 + i, f"G{i}", f"Grupp {i}") for i in range(9)]
    skr = GroupingInfo(1, "skr-2017", "SKR:s kommungrupper", skr_groups, [y for y in years if y in SKR_YEARS])
    population_groups = [GroupInfo(200 + i, f"P{i}", f"Klass {i}") for i in range(8)]
    population = GroupingInfo(2, "population", "Befolkning", population_groups, list(years))
    unit_infos = [
        UnitInfo(10_000 + i, f"{1000 + i:04d}" if i < 9000 else f"X{i}", f"Kommun {i}", "Kommun", 1 + i % COUNTIES)
        for i in range(units)
    ]
    memberships: dict[tuple[int, int, int], int] = {}
    areas: dict[int, list[Area]] = {}
    for index, unit in enumerate(unit_infos):
        skr_group, population_group = skr.groups[index % 9].id, population.groups[index % 8].id
        areas[unit.id] = [Area("county", county_id=unit.county_id), Area("group", group_id=population_group)]
        for year in years:
            memberships[year, population.id, unit.id] = population_group
            if year in SKR_YEARS:
                memberships[year, skr.id, unit.id] = skr_group
    shared = {"1": (Decimal(1), "imported"), "0": (Decimal(0), "imported"), "": (None, "imported")}
    numbers = [(Decimal(n), "imported") for n in range(20)]
    published = {}
    for year in years:
        publication = Publication(year=year, revision=1, published_at=datetime(year + 1, 6, 1, tzinfo=UTC))
        versions = {}
        for code in codes:
            key_figure = code.startswith("VINRN")
            versions[code] = IndicatorVersion(
                indicator=Indicator(code=code), year=year, title=f"Indikator {code}", description="Beskrivning.",
                kind="nyckeltal" if key_figure else "indicator", part_code="vinr", rule_text="Regeln i ord.",
                aggregation="sum" if key_figure else "share", comparability_note="Ny fråga." if year == 2024 else "",
                confidential_below=5 if key_figure else 0,
            )  # fmt: skip
        data = PublishedYear(year, publication, versions)
        year_areas = {u: a + ([Area("group", group_id=memberships[year, skr.id, u])] if year in SKR_YEARS else [])
                      for u, a in areas.items()}  # fmt: skip
        for code in codes:
            key_figure = code.startswith("VINRN")
            values = {}
            for unit in unit_infos:
                entry = (
                    rng.choice(numbers)
                    if key_figure
                    else shared[rng.choice("110")]
                    if rng.random() > 0.05
                    else shared[""]
                )
                data.values[unit.id, code] = entry
                values[unit.id] = entry[0]
            kind = "sum" if key_figure else "share"
            data.figures[code] = {
                area: Figure(t.numerator, t.denominator, kind)
                for area, t in aggregate(values, aggregation=kind, areas_of_unit=year_areas).items()
            }
        published[year] = data
    rates = [RateRow(y, "vinr", "Våld i nära relationer", "country", "0000", "Riket", units, units - 10) for y in years]
    return ExportData(
        year=years[-1], years=list(years), published=published, units=unit_infos, counties=counties,
        groupings=[population, skr], memberships=memberships, response_rates=rates,
    )  # fmt: skip


def write_file(data) -> bytes:  # noqa: ANN001
    from reporting.exporters import ResultsExporter

    buffer = io.BytesIO()
    ResultsExporter(data).write(buffer)
    return buffer.getvalue()


def data_sheet_rows(data) -> list[tuple[str, list[Sequence[object]]]]:  # noqa: ANN001
    """The cells of the data sheets, materialised (the baselines get them for free)."""
    from reporting.exporters import ResultsExporter

    def naive(value: object) -> object:
        return value.replace(tzinfo=None) if isinstance(value, datetime) else value

    return [(spec.title, [[naive(v) for v in row] for row in spec.rows()]) for spec in ResultsExporter(data).sheets()]


def pandas_seconds(sheets: list[tuple[str, list[Sequence[object]]]]) -> float:
    import pandas

    started = time.perf_counter()
    buffer = io.BytesIO()
    with pandas.ExcelWriter(buffer, engine="openpyxl") as writer:
        for title, rows in sheets:
            frame = pandas.DataFrame(rows[1:], columns=[str(h) for h in rows[0]])
            frame.to_excel(writer, sheet_name=title[:31], index=False)
    return time.perf_counter() - started


def column_letter(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def xml_zlib_seconds(sheets: list[tuple[str, list[Sequence[object]]]]) -> float:
    """The lower bound: the same cells as SpreadsheetML rows (numbers as <v>, text inline), deflated."""
    from xml.sax.saxutils import escape

    started = time.perf_counter()
    for _title, rows in sheets:
        letters = [column_letter(i) for i in range(max(len(r) for r in rows))]
        parts = ['<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
        for r, row in enumerate(rows, start=1):
            cells = []
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, (int, float)):
                    cells.append(f'<c r="{letters[c]}{r}" s="1"><v>{value}</v></c>')
                else:
                    cells.append(f'<c r="{letters[c]}{r}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
            parts.append(f'<row r="{r}">{"".join(cells)}</row>')
        parts.append("</sheetData></worksheet>")
        zlib.compress("".join(parts).encode(), 6)
    return time.perf_counter() - started


def measure(factor: int, repeat: int) -> dict[str, float]:
    data = synthetic_data(units=UNITS_TODAY * factor)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        content = write_file(data)
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    write_file(data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sheets = data_sheet_rows(data)
    cells = sum(len(row) for _title, rows in sheets for row in rows)
    return {
        "units": len(data.units),
        "cells": cells,
        "seconds": statistics.median(times),
        "peak_mb": peak / 2**20,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "size_mb": len(content) / 2**20,
        "pandas": statistics.median(pandas_seconds(sheets) for _ in range(repeat)),
        "xml": statistics.median(xml_zlib_seconds(sheets) for _ in range(repeat)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10])
    args = parser.parse_args()
    setup_django()
    results = {}
    for factor in args.factors:
        r = results[factor] = measure(factor, args.repeat if factor == 1 else max(1, args.repeat // 2))
        print(
            f"{factor:>3}× {r['units']:>6} units {r['cells']:>9,} cells: {r['seconds']:6.2f} s, "
            f"peak {r['peak_mb']:6.1f} MB traced ({r['rss_mb']:.0f} MB RSS), file {r['size_mb']:.1f} MB; "
            f"pandas+openpyxl {r['pandas']:6.2f} s = {r['pandas'] / r['seconds']:.1f}× slower; "
            f"XML+zlib {r['xml']:5.2f} s, exporter = {r['seconds'] / r['xml']:.1f}× that"
        )
    if 1 in results:
        today = results[1]
        print(f"today: under 3 s {'met' if today['seconds'] < 3 else 'MISSED'}; "
              f"≥ 2.5× pandas {'met' if today['pandas'] / today['seconds'] >= 2.5 else 'MISSED'}")  # fmt: skip
    if 1 in results and 10 in results:
        growth = results[10]["seconds"] / results[1]["seconds"]
        print(f"10×/1× time {growth:.1f} ({'linear' if growth <= 12 else 'MORE THAN LINEAR'}); "
              f"peak at 10× {results[10]['peak_mb']:.0f} MB "
              f"({'under' if results[10]['peak_mb'] < 300 else 'OVER'} 300 MB)")  # fmt: skip


if __name__ == "__main__":
    main()
