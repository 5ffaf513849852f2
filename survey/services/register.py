"""The register of reporting units: loaded from the project's data files (survey/data/), and
changed by coordinators (units created and retired)."""

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import record_event
from survey.models import County, Group, Grouping, GroupMembership, ReportingUnit
from survey.selectors.register import valid_during_year

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
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


class RegisterError(Exception):
    """A change to the register that would make it inconsistent; the message is for the user."""


@transaction.atomic
def create_unit(
    *,
    code: str,
    name: str,
    kind: str,
    county: County,
    parent: ReportingUnit | None,
    first_year: int,
    organisation_type: str = "",
    user: User,
) -> ReportingUnit:
    """Adds a reporting unit that reports from `first_year` on."""
    if ReportingUnit.objects.filter(code=code).exists():
        raise RegisterError(_("A unit with the code %(code)s already exists.") % {"code": code})
    if kind == ReportingUnit.Kind.MUNICIPALITY and parent is not None:
        raise RegisterError(_("A municipality cannot belong to another municipality."))
    if kind != ReportingUnit.Kind.MUNICIPALITY and parent is None:
        raise RegisterError(_("A city district must belong to a municipality."))
    unit = ReportingUnit.objects.create(
        code=code,
        name=name,
        kind=kind,
        county=parent.county if parent else county,
        parent=parent,
        organisation_type=organisation_type,
        valid_from=date(first_year, 1, 1),
    )
    record_event("survey.unit.created", actor=user, unit=unit, first_year=first_year)
    return unit


@transaction.atomic
def retire_unit(
    *, unit: ReportingUnit, first_year_without: int, successor: ReportingUnit | None, user: User
) -> ReportingUnit:
    """Ends a unit so that it no longer reports from `first_year_without` on."""
    valid_to = date(first_year_without - 1, 12, 31)
    if unit.valid_to is not None and unit.valid_to <= valid_to:
        raise RegisterError(_("The unit was already retired on %(date)s.") % {"date": unit.valid_to})
    if unit.valid_from is not None and valid_to < unit.valid_from:
        raise RegisterError(_("The unit cannot be retired before it began (%(date)s).") % {"date": unit.valid_from})
    if successor is not None and successor.pk == unit.pk:
        raise RegisterError(_("A unit cannot succeed itself."))
    unit.valid_to = valid_to
    unit.successor = successor
    unit.save(update_fields=["valid_to", "successor"])
    record_event(
        "survey.unit.retired",
        actor=user,
        unit=unit,
        first_year_without=first_year_without,
        successor=successor.code if successor else None,
    )
    return unit
