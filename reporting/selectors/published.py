"""Published results, the only results the public sees (file, pages, API): the unit values frozen by
the latest publication of each year, and their aggregates for the country, every county and every
group, computed from those frozen values with that year's memberships. Preliminary values never
appear here."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Max, Subquery

from indicators.calculation.aggregate import Area, Figure, Tally, aggregate
from indicators.models import IndicatorVersion, Publication, PublishedValue
from indicators.services.computation import areas_of_units
from survey.models import GroupMembership


@dataclass
class PublishedYear:
    year: int
    publication: Publication  # the latest revision
    versions: dict[str, IndicatorVersion]  # by indicator code
    # {(unit id, indicator code): (value, source)}; a missing key or a None value is "no value".
    values: dict[tuple[int, str], tuple[Decimal | None, str]] = field(default_factory=dict)
    # {indicator code: {Area: Figure}} for the country (Area("country")), counties and groups.
    figures: dict[str, dict[Area, Figure]] = field(default_factory=dict)

    def value(self, unit_id: int, code: str) -> Decimal | None:
        return self.values.get((unit_id, code), (None, ""))[0]

    def figure(self, code: str, area: Area) -> Figure | None:
        return self.figures.get(code, {}).get(area)

    def is_confidential(self, code: str, value: Decimal | None) -> bool:
        """Whether a value of `code` is published as ".." under that year's definition."""
        version = self.versions.get(code)
        return version is not None and version.is_confidential(value)


def published_years() -> list[int]:
    return sorted(set(Publication.objects.values_list("year", flat=True)))


def _cache_key() -> str:
    """Changes with every publication, so a new revision is never served from an old cache; with
    every change to a definition (its title, its confidentiality threshold), which is live; and with
    the memberships (the register replaces one that moves to another group by a new row), since the
    group figures are computed here from that year's memberships. One query."""
    last_edit = IndicatorVersion.objects.order_by("-updated_at").values("updated_at")[:1]
    newest_membership = GroupMembership.objects.order_by("-pk").values("pk")[:1]
    latest = Publication.objects.aggregate(
        pk=Max("pk"),
        at=Max("published_at"),
        edited=Max(Subquery(last_edit)),
        membership=Max(Subquery(newest_membership)),
    )
    at, edited = (latest[name].isoformat() if latest[name] else "" for name in ("at", "edited"))
    return f"reporting:published:{latest['pk']}:{at}:{edited}:{latest['membership']}"


def published_results(years: Iterable[int] | None = None) -> dict[int, PublishedYear]:
    """{year: PublishedYear} for the published years among `years` (all when None). A handful of
    queries for every year, cached until the next publication."""
    key = _cache_key()
    everything = cache.get(key)
    if everything is None:
        everything = _load_published()
        cache.set(key, everything, timeout=60 * 60)
    wanted = set(years) if years is not None else None
    return {year: data for year, data in everything.items() if wanted is None or year in wanted}


def _load_published() -> dict[int, PublishedYear]:
    latest: dict[int, Publication] = {}
    for publication in Publication.objects.order_by("year", "revision"):
        latest[publication.year] = publication
    if not latest:
        return {}
    years = sorted(latest)
    versions: dict[int, dict[str, IndicatorVersion]] = defaultdict(dict)
    for version in IndicatorVersion.objects.filter(year__in=years).select_related("indicator"):
        versions[version.year][version.indicator.code] = version
    result = {year: PublishedYear(year, latest[year], versions[year]) for year in years}
    by_indicator: dict[tuple[int, str], dict[int, Decimal | None]] = defaultdict(dict)
    for year, unit_id, code, value, source in PublishedValue.objects.filter(year__in=years).values_list(
        "year", "unit_id", "indicator__code", "value", "source"
    ):
        result[year].values[unit_id, code] = (value, source)
        by_indicator[year, code][unit_id] = value
    areas = areas_of_units(years)
    for (year, code), unit_values in by_indicator.items():
        version = versions[year].get(code)
        kind = version.aggregation if version else "share"
        tallies: dict[Area, Tally] = aggregate(unit_values, aggregation=kind, areas_of_unit=areas[year])
        result[year].figures[code] = {area: Figure(t.numerator, t.denominator, kind) for area, t in tallies.items()}
    return result
