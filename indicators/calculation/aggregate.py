"""Aggregates of unit values for the country, each county and each group: pure functions.

For a share, the numerator is the number of units with 1 and the denominator the number of units
with a value; units without a value count nowhere. For a sum, the numerator is the sum and the
denominator the number of units with a value. Rounding happens only for display."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

ONE = Decimal(1)


class Area(NamedTuple):
    """A tuple, so that hashing it in the tally loop costs little."""

    level: str  # "country", "county" or "group"
    county_id: int | None = None
    group_id: int | None = None


COUNTRY = Area("country")


@dataclass
class Tally:
    numerator: Decimal = field(default_factory=Decimal)
    denominator: int = 0


def aggregate(
    values: Mapping[int, Decimal | None], *, aggregation: str, areas_of_unit: Mapping[int, Iterable[Area]]
) -> dict[Area, Tally]:
    """{area: tally} for the country and every area a unit of `values` belongs to, also those
    where no unit has a value (their denominator is 0)."""
    # Plain ints and dicts in the loop, Decimal and Tally once per area: a year's figures are about
    # 150 calls over 300 units and 4 areas each, which Decimal arithmetic per unit made 0.4 s.
    share = aggregation == "share"
    denominators: dict[Area, int] = {COUNTRY: 0}
    numerators: dict[Area, Decimal | int] = {COUNTRY: 0}
    for unit, value in values.items():
        areas = areas_of_unit.get(unit, ())
        if value is None:
            for area in areas:
                if area not in denominators:
                    denominators[area] = numerators[area] = 0
            continue
        increment = (1 if value == ONE else 0) if share else value
        denominators[COUNTRY] += 1
        numerators[COUNTRY] += increment
        for area in areas:
            denominators[area] = denominators.get(area, 0) + 1
            numerators[area] = numerators.get(area, 0) + increment
    return {area: Tally(Decimal(numerators[area]), denominator) for area, denominator in denominators.items()}


@dataclass(frozen=True)
class Figure:
    """An aggregate: numerator and denominator (units with a value) and how they combine."""

    numerator: Decimal
    denominator: int
    aggregation: str

    @property
    def exact(self) -> Decimal | None:
        """The share in percent, exact; for a sum, the sum. None without units with a value."""
        if not self.denominator:
            return None
        return self.numerator * 100 / self.denominator if self.aggregation == "share" else self.numerator

    @property
    def display(self) -> Decimal | None:
        """A share as a whole percent rounded half up (12.5 → 13); a sum as it is."""
        exact = self.exact
        if exact is None or self.aggregation != "share":
            return exact
        return exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)
