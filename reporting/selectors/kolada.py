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

Values: a unit that fulfils an indicator has 100 and one that does not 0, so that units and areas
share one scale (percent); an area has the share of its units with a value that fulfil it, exact to
one decimal (rounded half up; the published Excel file and pages round to whole percent). A key
figure (`nyckeltal`) has the unit's number and, for an area, the sum. `count` is the number of units
behind the value: 1 for a unit, the units with a value for an area. No value: `value` null, `status`
"Saknas", `count` 0."""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from core.spreadsheets import csv_text
from indicators.calculation.aggregate import COUNTRY, Area
from reporting.selectors.published import PublishedYear, published_results
from survey.models import County, Group, ReportingUnit

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


@dataclass(frozen=True)
class DataRow:
    kpi: str
    place: Place
    year: int
    value: int | float | None
    count: int
    source: str  # a unit's: computed or imported; "" for an area
    revision: int
    published: str  # the date of the year's latest revision, YYYY-MM-DD

    @property
    def status(self) -> str:
        return "" if self.value is not None else MISSING

    def as_kolada(self) -> dict:
        return {
            "kpi": self.kpi,
            "municipality": self.place.id,
            "period": self.year,
            "values": [{"gender": "T", "count": self.count, "status": self.status, "value": self.value}],
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
    """Every id of `/municipality`, in id order: the country, the counties, the municipalities and
    districts (Göteborg's city-wide committees never report and are left out), the groups."""
    found = [Place(COUNTRY_ID, _("The country"), Type.COUNTY, area=COUNTRY)]
    found += [
        Place(f"00{code}", name, Type.COUNTY, area=Area("county", county_id=pk))
        for pk, code, name in County.objects.values_list("pk", "code", "name")
    ]
    units = ReportingUnit.objects.exclude(kind=ReportingUnit.Kind.CITY_COMMITTEE).select_related("parent")
    found += [
        Place(
            unit.code,
            str(unit),
            Type.MUNICIPALITY if unit.kind == ReportingUnit.Kind.MUNICIPALITY else Type.DISTRICT,
            unit_id=unit.pk,
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


def parse_places(text: str, known: dict[str, Place]) -> list[Place]:
    by_key = {key.casefold(): place for key, place in known.items()}
    ids = split_ids(text, parameter="municipality")
    unknown = [item for item in ids if item.casefold() not in by_key]
    if unknown:
        raise InvalidQuery(
            gettext_noop("Unknown municipality ids: %(ids)s. See /api/v3/municipality for the ids."),
            parameter="municipality",
            invalid=unknown,
            ids=", ".join(unknown),
        )
    return [by_key[item.casefold()] for item in ids]


def parse_kpis(text: str, known: Iterable[str]) -> list[str]:
    codes = {code.upper(): code for code in known}
    ids = split_ids(text, parameter="kpi")
    unknown = [item for item in ids if item.upper() not in codes]
    if unknown:
        raise InvalidQuery(
            gettext_noop("Unknown kpi ids: %(ids)s. See /api/v3/kpi for the published indicators."),
            parameter="kpi",
            invalid=unknown,
            ids=", ".join(unknown),
        )
    return [codes[item.upper()] for item in ids]


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


def published_kpis(published: dict[int, PublishedYear]) -> list[str]:
    return sorted({code for data in published.values() for code in data.versions})


def kpi_metadata(published: dict[int, PublishedYear]) -> list[dict]:
    """Kolada's kpi object for every indicator with a published year, from its latest published
    definition. Fields Kolada has that we cannot fill get a fixed value (see the README)."""
    result = []
    for code in published_kpis(published):
        years = [year for year, data in sorted(published.items()) if code in data.versions]
        version = published[years[-1]].versions[code]
        published_on = max(timezone.localdate(published[year].publication.published_at) for year in years)
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
                "publication_date": published_on.isoformat(),
                "prel_publication_date": None,
                "ou_publication_date": None,
                "publ_period": str(years[-1]),
                # Ours, not Kolada's:
                "kind": version.kind,
                "aggregation": version.aggregation,
                "desired_direction": version.desired_direction,
                "years": years,
                "comparability_notes": [
                    {"year": year, "note": published[year].versions[code].comparability_note}
                    for year in years
                    if published[year].versions[code].comparability_note
                ],
            }
        )
    return result


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _unit_row(data: PublishedYear, code: str, place: Place, published: str) -> DataRow:
    value, source = data.values.get((place.unit_id, code), (None, ""))
    version = data.versions.get(code)
    if value is not None and (version is None or version.aggregation == "share"):
        value = HUNDRED if value == 1 else Decimal(0)
    return DataRow(
        kpi=code,
        place=place,
        year=data.year,
        value=None if value is None else _number(value),
        count=0 if value is None else 1,
        source=source,
        revision=data.publication.revision,
        published=published,
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
        value=None if exact is None else _number(exact),
        count=figure.denominator if figure else 0,
        source="",
        revision=data.publication.revision,
        published=published,
    )


def data_rows(
    published: dict[int, PublishedYear],
    known: dict[str, Place],
    *,
    kpis: list[str] | None = None,
    chosen: list[Place] | None = None,
    years: list[int] | None = None,
) -> Iterator[DataRow]:
    """The published rows for the chosen indicators, places and years (None: all), ordered by year,
    indicator and id. A place has a row for a year and indicator when it has a published value
    there (a unit, also without a value) or an aggregate (an area, also one without units with a
    value); an unpublished year has none."""
    by_unit = {place.unit_id: place for place in known.values() if place.unit_id is not None}
    by_area = {place.area: place for place in known.values() if place.area is not None}
    for year in sorted(set(years) if years is not None else published):
        data = published.get(year)
        if data is None:
            continue
        published_on = timezone.localdate(data.publication.published_at).isoformat()
        codes = sorted(set(kpis) if kpis is not None else data.versions)
        units_with_rows: dict[str, set[int]] = {}
        for unit_id, code in data.values:
            units_with_rows.setdefault(code, set()).add(unit_id)
        for code in codes:
            unit_ids = units_with_rows.get(code, set())
            areas = data.figures.get(code, {})
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
                if place.unit_id is not None:
                    yield _unit_row(data, code, place, published_on)
                else:
                    yield _area_row(data, code, place, published_on)


def all_rows() -> Iterator[DataRow]:
    """Every published row of every year, for the CSV download."""
    return data_rows(published_results(), places())


CSV_HEADER = ["year", "kpi", "id", "title", "type", "value", "count", "status", "source", "revision", "published"]
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
