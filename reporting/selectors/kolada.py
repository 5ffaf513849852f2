"""The published results in Kolada's shapes (API v3): metadata of the indicators ("kpi") and of the
units and areas ("municipality"), and one data row per indicator, unit or area and year. Everything
comes from `reporting.selectors.published.published_results()`, so preliminary values never appear.

Ids, as in Kolada where Kolada has them:
- a municipality: its four-digit code (`0880` Kalmar), type `K`;
- a city district of Stockholm or Göteborg: its register code (`0180-08`), type `S` (stadsdel);
- a county: `00` and its county code (`0001` Stockholms län), type `L`;
- the country: `0000`, type `L` (as in Kolada);
- a group: `G-<grouping>-<group>` (`G-skr-2017-A1`, `G-population-P3`), type `G` (Kolada's group ids
  start with G too).

`/municipality` lists types K and L, as Kolada does; the districts (S) only when asked for (`type=S` or
by id) and the groups at `/municipality_groups` with their members. Stockholm (0180) and Göteborg (1480)
never answer themselves (their districts do): their rows are the aggregate of their districts, as a
county's are of its municipalities (`count` the districts with a value), and `/municipality` marks
them with `aggregate_of`, their districts' ids.

Values: a unit that fulfils an indicator has 100 and one that does not 0, so that units and areas
share one scale (percent); an area has the share of its units with a value that fulfil it, to one
decimal (rounded half up), for computing with, not for rounding again: the published whole percent is
`numerator / count`, rounded half up (39 of 289 is 13.49… %: 13 %, though 13.5 rounds to 14). A key
figure (`nyckeltal`) has the unit's number and, for an area, the sum. `count` is the number of units
behind the value, as in Kolada: 1 for a unit, the units with a value for an area. `numerator` (ours):
for an indicator the units that fulfil it (a unit 1 or 0), for a key figure the sum (a unit its
number). No value: `value` and `numerator` null, `status` "Saknas", `count` 0. A count of persons
under the key figure's confidentiality threshold (1–4 by default), a unit's or an area's sum: `value`
and `numerator` null, `status` ".." (Kolada's and Socialstyrelsen's mark for "sekretess"), `count`
kept; the aggregates are still computed from the true values."""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from core.spreadsheets import csv_text
from indicators.calculation.aggregate import COUNTRY, Area, Figure
from indicators.models import CONFIDENTIAL_MARK, Publication, RevisionChange
from indicators.services.computation import areas_of_units
from reporting.selectors.published import PublishedYear, published_results
from survey.models import County, Group, GroupMembership, Part, ReportingUnit

MAX_IDS = 25
MAX_PER_PAGE = 5000
# Far beyond any real page (a year has some 60,000 rows); a bigger number is refused, not looked for.
MAX_PAGE = 1_000_000
MISSING = "Saknas"  # Kolada's status for a missing value
HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")
COUNTRY_ID = "0000"


class Type:
    MUNICIPALITY = "K"
    DISTRICT = "S"
    COUNTY = "L"  # also the country, as in Kolada
    GROUP = "G"


@dataclass(frozen=True)
class Place:
    """A "municipality" in Kolada's words: a reporting unit, a county, the country or a group."""

    id: str
    title: str
    type: str
    unit_id: int | None = None  # a reporting unit
    area: Area | None = None  # an aggregate
    districts: tuple[int, ...] = ()  # Stockholm and Göteborg: the districts whose aggregate they have
    district_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataRow:
    kpi: str
    place: Place
    year: int
    value: int | float | None
    count: int
    numerator: int | float | None  # the units fulfilling (a share) or the sum; None with value None
    source: str  # a unit's: computed or imported; "" for an area
    revision: int
    published: str  # the date of the year's latest revision, YYYY-MM-DD
    deleted: bool = False  # a value a revision withdrew (only with from_date)
    confidential: bool = False  # a count of persons under the threshold: value and numerator withheld

    @property
    def status(self) -> str:
        if self.confidential:
            return CONFIDENTIAL_MARK
        return "" if self.value is not None else MISSING

    def as_kolada(self) -> dict:
        return {
            "kpi": self.kpi,
            "municipality": self.place.id,
            "period": self.year,
            "values": [
                {
                    "gender": "T",
                    "count": self.count,
                    "status": self.status,
                    "value": self.value,
                    "isdeleted": self.deleted,
                    "numerator": self.numerator,  # ours, not Kolada's
                }
            ],
        }


class InvalidQuery(Exception):
    """A request the API refuses with 400: `message` is an English msgid with %(…)s parameters."""

    def __init__(self, message: str, *, parameter: str, invalid: Iterable[str] = (), **params: object) -> None:
        super().__init__(message % params)
        self.message, self.parameter, self.invalid, self.params = message, parameter, list(invalid), params

    def as_json(self) -> dict:
        return {
            "detail": _(self.message) % self.params,
            "detail_en": self.message % self.params,
            "parameter": self.parameter,
            "invalid": self.invalid,
        }


def places() -> dict[str, Place]:
    """Every id the data endpoints take, in id order: the country, the counties, the municipalities
    and districts (Göteborg's city-wide committees never report and are left out), the groups.
    Stockholm and Göteborg carry their districts, whose aggregate they have."""
    found = [Place(COUNTRY_ID, _("The country"), Type.COUNTY, area=COUNTRY)]
    found += [
        Place(f"00{code}", name, Type.COUNTY, area=Area("county", county_id=pk))
        for pk, code, name in County.objects.values_list("pk", "code", "name")
    ]
    units = list(ReportingUnit.objects.exclude(kind=ReportingUnit.Kind.CITY_COMMITTEE).select_related("parent"))
    districts: dict[int, list[ReportingUnit]] = {}
    for unit in units:
        if unit.kind == ReportingUnit.Kind.DISTRICT:
            districts.setdefault(unit.parent_id, []).append(unit)
    found += [
        Place(
            unit.code,
            str(unit),
            Type.MUNICIPALITY if unit.kind == ReportingUnit.Kind.MUNICIPALITY else Type.DISTRICT,
            unit_id=unit.pk,
            districts=tuple(d.pk for d in districts.get(unit.pk, ())),
            district_ids=tuple(sorted(d.code for d in districts.get(unit.pk, ()))),
        )
        for unit in units
    ]
    found += [
        Place(
            f"G-{group.grouping.code}-{group.code}",
            f"{group.code} {group.name} ({group.grouping.name})",
            Type.GROUP,
            area=Area("group", group_id=group.pk),
        )
        for group in Group.objects.select_related("grouping")
    ]
    return {place.id: place for place in sorted(found, key=lambda place: place.id)}


def municipality_object(place: Place) -> dict:
    """Kolada's municipality object; a city with districts is marked as their aggregate."""
    item = {"id": place.id, "title": place.title, "type": place.type}
    if place.district_ids:
        item["aggregate_of"] = list(place.district_ids)
    return item


def municipality_groups(known: dict[str, Place]) -> list[dict]:
    """Kolada's municipality group objects, `members` as Kolada shapes them ({member_id,
    member_title}), in id order. Memberships are per survey year: the members are those of the
    group's latest year (`members_year`, ours)."""
    by_year: dict[int, dict[int, list[str]]] = {}
    for group_id, year, code in GroupMembership.objects.values_list("group_id", "year", "unit__code"):
        by_year.setdefault(group_id, {}).setdefault(year, []).append(code)
    latest = {group_id: max(years) for group_id, years in by_year.items()}
    members = {group_id: years[latest[group_id]] for group_id, years in by_year.items()}
    result = []
    for place in known.values():
        if place.type != Type.GROUP:
            continue
        codes = sorted(code for code in members.get(place.area.group_id, []) if code in known)
        result.append(
            {
                "id": place.id,
                "title": place.title,
                "members": [{"member_id": code, "member_title": known[code].title} for code in codes],
                "members_year": latest.get(place.area.group_id),
            }
        )
    return result


def kpi_groups(published: dict[int, PublishedYear]) -> list[dict]:
    """One kpi group per part of the questionnaire (`G-part-<code>`) with the indicators whose latest
    published definition belongs to it, `members` as Kolada shapes them."""
    metadata = {item["id"]: item for item in kpi_metadata(published)}
    by_part: dict[str, list[str]] = {}
    for code, item in metadata.items():
        by_part.setdefault(item["part"], []).append(code)
    labels: dict[str, str] = {}
    for code, label in Part.objects.order_by("round__year").values_list("code", "label"):
        labels[code] = label  # the latest year's label
    return [
        {
            "id": f"G-part-{part}",
            "title": labels.get(part, part),
            "members": [{"member_id": code, "member_title": metadata[code]["title"]} for code in sorted(codes)],
        }
        for part, codes in sorted(by_part.items())
    ]


def split_ids(text: str, *, parameter: str) -> list[str]:
    """A comma-separated list of at most 25 non-empty ids, in the order given, without repeats."""
    ids = [item.strip() for item in text.split(",")]
    if any(not item for item in ids):
        raise InvalidQuery(
            gettext_noop("An empty id in the list '%(text)s'."), parameter=parameter, invalid=[text], text=text
        )
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_IDS:
        raise InvalidQuery(
            gettext_noop("At most %(max)s ids in one request, got %(count)s."),
            parameter=parameter,
            max=MAX_IDS,
            count=len(ids),
        )
    return ids


# What an id can look like; one that cannot be an id is refused, a well-formed unknown one left out.
PLACE_ID = re.compile(r"\d{4}(-\d{2})?|[Gg]-[A-Za-z0-9_-]{1,60}", re.ASCII)
KPI_ID = re.compile(r"[A-Za-z0-9_]{1,30}", re.ASCII)
GROUP_ID = re.compile(r"[Gg]-[A-Za-z0-9_-]{1,60}", re.ASCII)


def _well_formed(text: str, *, parameter: str, pattern: re.Pattern, example: str) -> list[str]:
    ids = split_ids(text, parameter=parameter)
    malformed = [item for item in ids if not pattern.fullmatch(item)]
    if malformed:
        raise InvalidQuery(
            gettext_noop("Malformed ids in %(name)s: %(ids)s. An id looks like %(example)s."),
            parameter=parameter,
            invalid=malformed,
            ids=", ".join(malformed),
            example=example,
            name=parameter,
        )
    return ids


def parse_places(text: str, known: dict[str, Place]) -> list[Place]:
    """The known places among the ids, in the order given; unknown ids are left out, as Kolada does."""
    by_key = {key.casefold(): place for key, place in known.items()}
    ids = _well_formed(text, parameter="municipality", pattern=PLACE_ID, example="0880, 0180-08, 0008, G-skr-2017-A1")
    return [by_key[item.casefold()] for item in ids if item.casefold() in by_key]


def parse_kpis(text: str, known: Iterable[str]) -> list[str]:
    """The published indicators among the ids; unknown ids are left out, as Kolada does."""
    codes = {code.upper(): code for code in known}
    ids = _well_formed(text, parameter="kpi", pattern=KPI_ID, example="VINR02")
    return [codes[item.upper()] for item in ids if item.upper() in codes]


def parse_group_ids(text: str) -> list[str]:
    return _well_formed(text, parameter="id", pattern=GROUP_ID, example="G-skr-2017-A1")


def parse_years(text: str) -> list[int]:
    years = split_ids(text, parameter="year")
    malformed = [item for item in years if not (len(item) == 4 and item.isascii() and item.isdigit())]
    if malformed:
        raise InvalidQuery(
            gettext_noop("Malformed years: %(years)s. A year has four digits, e.g. 2024."),
            parameter="year",
            invalid=malformed,
            years=", ".join(malformed),
        )
    return [int(item) for item in years]


def parse_date(text: str, *, parameter: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidQuery(
            gettext_noop("%(name)s must be a date as YYYY-MM-DD, e.g. 2024-06-15."),
            parameter=parameter,
            invalid=[text],
            name=parameter,
        ) from None


def published_kpis(published: dict[int, PublishedYear]) -> list[str]:
    return sorted({code for data in published.values() for code in data.versions})


def kpi_metadata(published: dict[int, PublishedYear]) -> list[dict]:
    """Kolada's kpi object for every indicator with a published year, from its latest published
    definition. Fields Kolada has that we cannot fill get a fixed value (see the README)."""
    first_publications = dict(
        Publication.objects.filter(year__in=published, revision=1).values_list("year", "published_at")
    )
    result = []
    for code in published_kpis(published):
        years = [year for year, data in sorted(published.items()) if code in data.versions]
        version = published[years[-1]].versions[code]
        published_on = max(timezone.localdate(published[year].publication.published_at) for year in years)
        first_published = first_publications.get(years[-1])
        is_share = version.aggregation == "share"
        result.append(
            {
                "id": code,
                "title": version.title,
                "description": version.description,
                "operating_area": _("Intimate partner violence"),
                "perspective": pgettext("kpi perspective", "Quality")
                if version.kind == "indicator"
                else pgettext("kpi perspective", "Volumes"),
                "unit": pgettext("kpi unit", "Percent") if is_share else pgettext("kpi unit", "Number"),
                "auspice": None,
                "municipality_type": Type.MUNICIPALITY,
                "is_divided_by_gender": False,
                "has_ou_data": False,
                "publication_date": expected_publication(first_published).isoformat() if first_published else None,
                "prel_publication_date": None,
                "ou_publication_date": None,
                "publ_period": str(years[-1]),
                # Ours, not Kolada's:
                "latest_publication_date": published_on.isoformat(),
                "part": version.part_code,
                "kind": version.kind,
                "aggregation": version.aggregation,
                "desired_direction": version.desired_direction,
                # Counts of persons from 1 up to below it have status ".." (the latest year's; 0: never).
                "confidential_below": version.confidential_below,
                "years": years,
                "comparability_notes": [
                    {"year": year, "note": published[year].versions[code].comparability_note}
                    for year in years
                    if published[year].versions[code].comparability_note
                ],
            }
        )
    return result


def expected_publication(first_published: datetime) -> date:
    """The next expected publication, as Kolada's `publication_date` means it: the results of a year
    are published once a year (in June), so the next year's are expected on the same day a year after
    the latest published year was first published."""
    day = timezone.localdate(first_published)
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _published_numbers(
    data: PublishedYear, code: str, value: Decimal | None, numerator: Decimal | None
) -> dict[str, int | float | bool | None]:
    """A row's value and numerator as published: both withheld (None) for a confidential count."""
    if data.is_confidential(code, numerator):
        return {"value": None, "numerator": None, "confidential": True}
    return {
        "value": None if value is None else _number(value),
        "numerator": None if value is None or numerator is None else _number(numerator),
    }


def _unit_row(data: PublishedYear, code: str, place: Place, published: str) -> DataRow:
    value, source = data.values.get((place.unit_id, code), (None, ""))
    version = data.versions.get(code)
    numerator = value  # a share's unit fulfils (1) or not (0); a key figure's is its number
    if value is not None and (version is None or version.aggregation == "share"):
        value = HUNDRED if value == 1 else Decimal(0)
        numerator = Decimal(1 if value else 0)
    return DataRow(
        kpi=code,
        place=place,
        year=data.year,
        count=0 if value is None else 1,
        source=source,
        revision=data.publication.revision,
        published=published,
        **_published_numbers(data, code, value, numerator),
    )


def _area_row(data: PublishedYear, code: str, place: Place, published: str) -> DataRow:
    figure = data.figure(code, place.area)
    exact = figure.exact if figure else None
    if exact is not None and figure.aggregation == "share":
        exact = exact.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return DataRow(
        kpi=code,
        place=place,
        year=data.year,
        count=figure.denominator if figure else 0,
        source="",
        revision=data.publication.revision,
        published=published,
        **_published_numbers(data, code, exact, figure.numerator if figure else None),
    )


def _city_row(data: PublishedYear, code: str, place: Place, published: str) -> DataRow:
    """Stockholm or Göteborg: its own value if it has one, else the aggregate of its districts."""
    if (place.unit_id, code) in data.values:
        return _unit_row(data, code, place, published)
    version = data.versions.get(code)
    aggregation = version.aggregation if version else "share"
    values = [data.value(district, code) for district in place.districts if (district, code) in data.values]
    values = [value for value in values if value is not None]
    ones = Decimal(sum(1 for value in values if value == 1))
    numerator = ones if aggregation == "share" else sum(values, Decimal(0))
    exact = Figure(numerator, len(values), aggregation).exact
    if exact is not None and aggregation == "share":
        exact = exact.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return DataRow(
        kpi=code,
        place=place,
        year=data.year,
        count=len(values),
        source="",
        revision=data.publication.revision,
        published=published,
        **_published_numbers(data, code, exact, numerator),
    )


@dataclass
class Changes:
    """What the publications of a year since a day changed: everything (the first publication) or
    the (unit id, indicator code) pairs a revision changed, and the areas those units are in."""

    everything: bool = False
    units: set[tuple[int, str]] = field(default_factory=set)
    areas: set[tuple[Area, str]] = field(default_factory=set)


def changes_since(day: date, known: dict[str, Place]) -> dict[int, Changes]:
    """{year: Changes} for the years with a publication or revision on `day` or later."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    since = list(Publication.objects.filter(published_at__gte=start).values_list("pk", "year", "revision"))
    changes: dict[int, Changes] = {}
    for _pk, year, revision in since:
        changes.setdefault(year, Changes()).everything |= revision == 1
    revisions = [pk for pk, year, revision in since if revision > 1 and not changes[year].everything]
    for year, unit_id, code in RevisionChange.objects.filter(publication__in=revisions).values_list(
        "publication__year", "unit_id", "indicator__code"
    ):
        changes[year].units.add((unit_id, code))
    city_of = {d: place.unit_id for place in known.values() for d in place.districts}
    areas = areas_of_units([year for year, c in changes.items() if c.units])
    for year, c in changes.items():
        for unit_id, code in list(c.units):
            c.areas.update((area, code) for area in (COUNTRY, *areas[year].get(unit_id, ())))
            if unit_id in city_of:
                c.units.add((city_of[unit_id], code))
    return changes


def _withdrawn_row(data: PublishedYear, code: str, place: Place, published: str) -> DataRow:
    return DataRow(
        kpi=code,
        place=place,
        year=data.year,
        value=None,
        count=0,
        numerator=None,
        source="",
        revision=data.publication.revision,
        published=published,
        deleted=True,
    )


def data_rows(
    published: dict[int, PublishedYear],
    known: dict[str, Place],
    *,
    kpis: list[str] | None = None,
    chosen: list[Place] | None = None,
    years: list[int] | None = None,
    changed: dict[int, Changes] | None = None,
) -> Iterator[DataRow]:
    """The published rows for the chosen indicators, places and years (None: all), ordered by year,
    indicator and id. A place has a row for a year and indicator when it has a published value
    there (a unit, also without a value) or an aggregate (an area, also one without units with a
    value); an unpublished year has none. Stockholm and Göteborg have a row where one of their
    districts has. `changed` (from `changes_since`): only what those publications changed, a
    withdrawn value as a row marked deleted."""
    by_unit = {place.unit_id: place for place in known.values() if place.unit_id is not None}
    by_area = {place.area: place for place in known.values() if place.area is not None}
    cities = [place for place in known.values() if place.districts]
    wanted_years = set(years) if years is not None else set(published)
    if changed is not None:
        wanted_years &= set(changed)
    for year in sorted(wanted_years):
        data = published.get(year)
        if data is None:
            continue
        published_on = timezone.localdate(data.publication.published_at).isoformat()
        codes = sorted(set(kpis) if kpis is not None else data.versions)
        units_with_rows: dict[str, set[int]] = {}
        for unit_id, code in data.values:
            units_with_rows.setdefault(code, set()).add(unit_id)
        since = changed.get(year) if changed is not None else None
        for code in codes:
            unit_ids = set(units_with_rows.get(code, set()))
            unit_ids |= {city.unit_id for city in cities if unit_ids.intersection(city.districts)}
            areas = data.figures.get(code, {})
            withdrawn: set[int] = set()
            if since is not None and not since.everything:
                changed_units = {unit_id for unit_id, changed_code in since.units if changed_code == code}
                withdrawn = changed_units - unit_ids
                unit_ids = (unit_ids & changed_units) | withdrawn
                areas = {area: figure for area, figure in areas.items() if (area, code) in since.areas}
            if chosen is not None:
                places_here = sorted(
                    (p for p in chosen if (p.unit_id in unit_ids if p.unit_id is not None else p.area in areas)),
                    key=lambda place: place.id,
                )
            else:
                found = [by_unit[unit_id] for unit_id in unit_ids if unit_id in by_unit]
                found += [by_area[area] for area in areas if area in by_area]
                places_here = sorted(found, key=lambda place: place.id)
            for place in places_here:
                if place.unit_id in withdrawn:
                    yield _withdrawn_row(data, code, place, published_on)
                elif place.districts:
                    yield _city_row(data, code, place, published_on)
                elif place.unit_id is not None:
                    yield _unit_row(data, code, place, published_on)
                else:
                    yield _area_row(data, code, place, published_on)


def all_rows() -> Iterator[DataRow]:
    """Every published row of every year, for the CSV download."""
    return data_rows(published_results(), places())


CSV_HEADER = [
    "year", "kpi", "id", "title", "type", "value", "count", "numerator", "status", "source", "revision", "published",
]  # fmt: skip
CSV_CHUNK_ROWS = 1000


def csv_chunks(rows: Iterable[DataRow]) -> Iterator[str]:
    """RFC 4180 CSV (comma, CRLF, quotes where needed) in chunks of lines, the header first, so that
    a response can stream it without holding the whole file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for number, row in enumerate(rows, start=1):
        writer.writerow(
            [
                row.year,
                csv_text(row.kpi),
                csv_text(row.place.id),
                csv_text(row.place.title),
                row.place.type,
                "" if row.value is None else row.value,
                row.count,
                "" if row.numerator is None else row.numerator,
                row.status,
                row.source,
                row.revision,
                row.published,
            ]
        )
        if number % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
