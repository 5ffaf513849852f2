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
    tallies: dict[Area, Tally] = {COUNTRY: Tally()}
    for unit, value in values.items():
        for area in (COUNTRY, *areas_of_unit.get(unit, ())):
            tally = tallies.setdefault(area, Tally())
            if value is None:
                continue
            tally.denominator += 1
            tally.numerator += (1 if value == ONE else 0) if aggregation == "share" else value
    return tallies


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
