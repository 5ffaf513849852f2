"""The register of reporting units: loaded from the project's data files (survey/data/), and
changed by coordinators (units created and retired)."""

import csv
from collections import defaultdict
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
SKR_2017_GROUPING = "skr-2017"
SKR_2023_GROUPING = "skr-2023"
POPULATION_GROUPING = "population"
SKR_2017_YEARS = range(2017, 2023)
SKR_2023_FIRST_YEAR = 2023
SKR_2017_DESCRIPTION = (
    "Gäller undersökningsåren 2017–2022; från 2023 gäller SKR:s kommungruppsindelning 2023. "
    "Stadsdelar tillhör sin kommuns grupp. Undersökningsåret 2016 har ingen kommungrupp: då gällde "
    "SKR:s indelning från 2011, som inte finns i uppgifterna."
)
SKR_2023_DESCRIPTION = (
    "Gäller från undersökningsåret 2023; åren 2017–2022 gäller SKR:s kommungruppsindelning 2017. "
    "Stadsdelar tillhör sin kommuns grupp. Undersökningsåret 2016 har ingen kommungrupp: då gällde "
    "SKR:s indelning från 2011, som inte finns i uppgifterna."
)
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
    memberships: int = 0  # added
    corrected: int = 0  # memberships moved to the group the files give (see _sync_memberships)


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

    Counties and units that exist are left as they are (a coordinator may have retired a unit in
    the UI) unless `update` is given, when the files win. The shipped groupings, their groups and
    their units' memberships always follow the files: no one changes them in the UI, and a
    membership from an older file (population classes once all by 2019) would give wrong group
    figures. Safe to run any number of times."""
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

    groupings = [*_skr_groupings(data_dir, years, report), _population_grouping(data_dir, years, report)]
    shipped_units = list(municipalities.values()) + list(districts.values())
    wanted: dict[tuple[int, int, int], Group] = {}
    for year in years:
        groups_that_year = _groups_of_municipalities(year, groupings)
        units_that_year = set(
            ReportingUnit.objects.filter(valid_during_year(year), pk__in=[u.pk for u in shipped_units]).values_list(
                "pk", flat=True
            )
        )
        for unit in shipped_units:
            if unit.pk not in units_that_year:
                continue
            municipality_code = unit.parent.code if unit.parent_id else unit.code
            for grouping, group in groups_that_year[municipality_code].items():
                wanted[grouping.pk, unit.pk, year] = group
    report.memberships, report.corrected = _sync_memberships(wanted, groupings=[g.grouping for g in groupings])
    return report


@dataclass
class LoadedGrouping:
    """A shipped grouping with its groups by code, and the group of each municipality in each year it
    applies to: {year: {municipality code: group code}} (a year it does not apply to is absent)."""

    grouping: Grouping
    groups: dict[str, Group]
    group_codes: dict[int, dict[str, str]]


def _groups_of_municipalities(year: int, groupings: list[LoadedGrouping]) -> dict[str, dict[Grouping, Group]]:
    """{municipality code: {grouping: its group in `year`}} for the groupings that apply in `year`."""
    result: dict[str, dict[Grouping, Group]] = defaultdict(dict)
    for loaded in groupings:
        for code, group_code in loaded.group_codes.get(year, {}).items():
            result[code][loaded.grouping] = loaded.groups[group_code]
    return result


def _load_grouping(code: str, name: str, description: str, groups: list[dict[str, str]]) -> tuple[Grouping, int]:
    """A shipped grouping and its groups as the files have them (no one edits them in the UI), and how
    many groups were new. `groups`: rows with `code`, `name` and `description`, in their order."""
    grouping, _created = Grouping.objects.update_or_create(
        code=code, defaults={"name": name, "description": description}
    )
    new = 0
    for order, row in enumerate(groups):
        _group, created = Group.objects.update_or_create(
            grouping=grouping,
            code=row["code"],
            defaults={"name": row["name"], "description": row["description"], "sort_order": order},
        )
        new += created
    return grouping, new


def _skr_groupings(data_dir: Path, years: range, report: LoadReport) -> list[LoadedGrouping]:
    """SKR's kommungruppsindelning 2017 (survey years 2017–2022) and 2023 (from 2023): the same
    nine groups. 2016 has no SKR group: the 2011 grouping applied then and is not in the data."""
    group_rows = _rows("skr_groups.csv", data_dir)
    by_2017 = {row["code"]: row["skr_group_2017_code"] for row in _rows("municipalities.csv", data_dir)}
    by_2023 = {row["municipality_code"]: row["group_code"] for row in _rows("skr_group_members_2023.csv", data_dir)}
    loaded = []
    for code, name, description, with_definitions, members, in_years in [
        (SKR_2017_GROUPING, "SKR:s kommungruppsindelning 2017", SKR_2017_DESCRIPTION, True, by_2017,
         [y for y in years if y in SKR_2017_YEARS]),
        # The short definitions in skr_groups.csv are SKR's of 2017; the 2023 groups get none rather
        # than a wording that may not be SKR's of 2023.
        (SKR_2023_GROUPING, "SKR:s kommungruppsindelning 2023", SKR_2023_DESCRIPTION, False, by_2023,
         [y for y in years if y >= SKR_2023_FIRST_YEAR]),
    ]:  # fmt: skip
        groups = [
            {"code": r["code"], "name": r["name"], "description": r["definition_short"] if with_definitions else ""}
            for r in group_rows
        ]
        grouping, new = _load_grouping(code, name, description, groups)
        report.groups += new
        groups_by_code = {g.code: g for g in grouping.groups.all()}
        loaded.append(LoadedGrouping(grouping, groups_by_code, dict.fromkeys(in_years, members)))
    return loaded


def _population_basis_year(year: int, data_years: list[int]) -> int:
    """The year whose population of 31 December classifies survey year `year`: the year before, or
    the latest in the data when the data do not reach it yet."""
    return min(year - 1, max(data_years))


def _population_description(data_years: list[int]) -> str:
    first, latest = min(data_years), max(data_years)
    return (
        "Kommunens folkmängd den 31 december året före undersökningsåret (SCB): undersökningsåret "
        f"{first + 1} delas in efter folkmängden 31 december {first}, och så vidare till undersökningsåret "
        f"{latest + 1}, som delas in efter folkmängden 31 december {latest}. Från undersökningsåret "
        f"{latest + 2} används den senaste folkmängden i uppgifterna, den 31 december {latest}. "
        "Stadsdelar tillhör sin kommuns grupp."
    )


def _population_grouping(data_dir: Path, years: range, report: LoadReport) -> LoadedGrouping:
    """Population classes (population_classes.csv, bounds inclusive) by year, from population.csv."""
    population: dict[int, dict[str, int]] = defaultdict(dict)
    for row in _rows("population.csv", data_dir):
        population[int(row["year"])][row["municipality_code"]] = int(row["population"])
    data_years = sorted(population)
    class_rows = _rows("population_classes.csv", data_dir)
    grouping, new = _load_grouping(
        POPULATION_GROUPING,
        "Kommungrupp utifrån befolkning",
        _population_description(data_years),
        [{"code": r["code"], "name": r["name"], "description": ""} for r in class_rows],
    )
    report.groups += new
    bounds = [
        (int(r["min_population"]), int(r["max_population"]) if r["max_population"] else None, r["code"])
        for r in class_rows
    ]

    def population_class(inhabitants: int) -> str:
        return next(c for low, high, c in bounds if low <= inhabitants and (high is None or inhabitants <= high))

    group_codes = {
        year: {
            code: population_class(inhabitants)
            for code, inhabitants in population[_population_basis_year(year, data_years)].items()
        }
        for year in years
    }
    return LoadedGrouping(grouping, {g.code: g for g in grouping.groups.all()}, group_codes)


def _sync_memberships(wanted: dict[tuple[int, int, int], Group], *, groupings: list[Grouping]) -> tuple[int, int]:
    """Makes the memberships of the shipped groupings what the files say ({(grouping id, unit id,
    year): group}): adds the missing ones and replaces those in another group (the population classes
    were once all by 2019). Memberships the files do not know are left. Returns (added, corrected).

    A wrong membership is deleted and created again rather than updated, so that it gets a new id:
    the year's results are then stale (indicators.selectors.freshness) and are computed again."""
    existing = {
        (grouping_id, unit_id, year): (pk, group_id)
        for pk, grouping_id, unit_id, year, group_id in GroupMembership.objects.filter(
            grouping__in=groupings
        ).values_list("pk", "grouping_id", "unit_id", "year", "group_id")
    }
    wrong = [existing[key][0] for key, group in wanted.items() if key in existing and existing[key][1] != group.pk]
    for start in range(0, len(wrong), 500):
        GroupMembership.objects.filter(pk__in=wrong[start : start + 500]).delete()
    corrected = set(wrong)
    new = [
        GroupMembership(grouping_id=grouping_id, unit_id=unit_id, year=year, group=group)
        for (grouping_id, unit_id, year), group in wanted.items()
        if (grouping_id, unit_id, year) not in existing or existing[grouping_id, unit_id, year][0] in corrected
    ]
    GroupMembership.objects.bulk_create(new, batch_size=1000)
    return len(new) - len(wrong), len(wrong)


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
