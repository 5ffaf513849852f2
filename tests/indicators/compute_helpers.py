"""Indicator versions straight from the project's catalogue file, for tests of computation."""

import csv
from pathlib import Path

from indicators.models import Indicator, IndicatorVersion

CATALOGUE = Path(__file__).resolve().parents[2] / "indicators" / "data" / "indicators.csv"


def make_versions(year: int) -> dict[str, IndicatorVersion]:
    versions = {}
    for row in csv.DictReader(CATALOGUE.open(encoding="utf-8")):
        if int(row["first_year"]) > year:
            continue
        indicator, _ = Indicator.objects.get_or_create(code=row["code"])
        versions[row["code"]], _ = IndicatorVersion.objects.update_or_create(
            indicator=indicator, year=year,
            defaults={"title": row["title_sv"], "kind": row["kind"], "part_code": row["part"], "rule": row["rule"],
                      "aggregation": row["aggregation"], "desired_direction": row["desired_direction"]},
        )  # fmt: skip
    return versions
