"""Loading the register of reporting units from the project's data files (survey/data/)."""

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from survey.models import County, Group, Grouping, GroupMembership, ReportingUnit
from survey.selectors import valid_during_year

DATA_DIR = Path(__file__).resolve().parent / "data"
SKR_GROUPING = "skr-2017"
POPULATION_GROUPING = "population"
SKR_2017_YEARS = range(2017, 2023)
DISTRICT_KINDS = {
    "stadsdelsnämnd": ReportingUnit.Kind.DISTRICT,
    "socialnämnd (stadsområde)": ReportingUnit.Kind.DISTRICT,
    "facknämnd (hela staden)": ReportingUnit.Kind.CITY_COMMITTEE,
}


@dataclass
class LoadReport:
    counties: int = 0
    units: int = 0
    groups: int = 0
    memberships: int = 0


def _rows(name: str, data_dir: Path) -> list[dict[str, str]]:
    with open(data_dir / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _upsert(model, lookup: dict, defaults: dict, *, update: bool):  # type: ignore[no-untyped-def]
    if update:
        obj, created = model.objects.update_or_create(**lookup, defaults=defaults)
    else:
        obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
    return obj, created


@transaction.atomic
def load_register(*, data_dir: Path = DATA_DIR, update: bool = False, last_year: int | None = None) -> LoadReport:
    """Adds the shipped counties, units, groupings and per-year memberships that are missing.

    Rows that exist are left as they are (a coordinator may have retired a unit in the UI)
    unless `update` is given, when the files win. Safe to run any number of times."""
    report = LoadReport()
    last_year = last_year or timezone.localdate().year
    years = range(settings.FIRST_SURVEY_YEAR, last_year + 1)

    counties = {}
    for row in _rows("counties.csv", data_dir):
        counties[row["code"]], created = _upsert(County, {"code": row["code"]}, {"name": row["name"]}, update=update)
        report.counties += created

    municipalities = {}
    municipality_rows = _rows("municipalities.csv", data_dir)
    for row in municipality_rows:
        municipalities[row["code"]], created = _upsert(
            ReportingUnit,
            {"code": row["code"]},
            {"name": row["name"], "kind": ReportingUnit.Kind.MUNICIPALITY, "county": counties[row["county_code"]]},
            update=update,
        )
        report.units += created

    districts = {}
    district_rows = _rows("districts.csv", data_dir)
    for row in district_rows:
        parent = municipalities[row["municipality_code"]]
        districts[row["name"]], created = _upsert(
            ReportingUnit,
            {"code": row["code"]},
            {
                "name": row["name"],
                "kind": DISTRICT_KINDS[row["unit_type"]],
                "organisation_type": row["unit_type"],
                "county": parent.county,
                "parent": parent,
                "valid_from": _date(row["valid_from_date"]),
                "valid_to": _date(row["valid_to_date"]),
                "note": row["note"],
            },
            update=update,
        )
        report.units += created
    for row in district_rows:
        unit = districts[row["name"]]
        if row["successor"] and (update or unit.successor_id is None):
            unit.successor = districts[row["successor"]]
            unit.save(update_fields=["successor"])

    skr, _ = _upsert(
        Grouping,
        {"code": SKR_GROUPING},
        {
            "name": "SKR:s kommungruppsindelning 2017",
            "description": "Gäller undersökningsåren 2017–2022. Stadsdelar tillhör sin kommuns grupp.",
        },
        update=update,
    )
    skr_groups = {}
    for order, row in enumerate(_rows("skr_groups.csv", data_dir)):
        skr_groups[row["code"]], created = _upsert(
            Group,
            {"grouping": skr, "code": row["code"]},
            {"name": row["name"], "description": row["definition_short"], "sort_order": order},
            update=update,
        )
        report.groups += created

    population, _ = _upsert(
        Grouping,
        {"code": POPULATION_GROUPING},
        {
            "name": "Kommungrupp utifrån befolkning",
            "description": "Folkmängd 31 december 2019 (SCB). Stadsdelar tillhör sin kommuns grupp.",
        },
        update=update,
    )
    classes = []
    for order, row in enumerate(_rows("population_classes.csv", data_dir)):
        group, created = _upsert(
            Group,
            {"grouping": population, "code": row["code"]},
            {"name": row["name"], "sort_order": order},
            update=update,
        )
        upper = int(row["max_population"]) if row["max_population"] else None
        classes.append((int(row["min_population"]), upper, group))
        report.groups += created

    def population_class(inhabitants: int) -> Group:
        return next(g for low, high, g in classes if low <= inhabitants and (high is None or inhabitants <= high))

    group_of_municipality = {}
    for row in municipality_rows:
        group_of_municipality[(SKR_GROUPING, row["code"])] = skr_groups[row["skr_group_2017_code"]]
        group_of_municipality[(POPULATION_GROUPING, row["code"])] = population_class(int(row["population_2019"]))

    shipped_units = list(municipalities.values()) + list(districts.values())
    wanted = []
    for year in years:
        units_that_year = set(
            ReportingUnit.objects.filter(valid_during_year(year), pk__in=[u.pk for u in shipped_units]).values_list(
                "pk", flat=True
            )
        )
        for unit in shipped_units:
            if unit.pk not in units_that_year:
                continue
            municipality_code = unit.parent.code if unit.parent_id else unit.code
            if year in SKR_2017_YEARS:
                wanted.append((skr, unit, year, group_of_municipality[(SKR_GROUPING, municipality_code)]))
            wanted.append((population, unit, year, group_of_municipality[(POPULATION_GROUPING, municipality_code)]))

    existing = set(
        GroupMembership.objects.filter(grouping__in=[skr, population]).values_list("grouping_id", "unit_id", "year")
    )
    new = [
        GroupMembership(grouping=grouping, unit=unit, year=year, group=group)
        for grouping, unit, year, group in wanted
        if (grouping.pk, unit.pk, year) not in existing
    ]
    GroupMembership.objects.bulk_create(new, batch_size=1000)
    report.memberships = len(new)
    return report
