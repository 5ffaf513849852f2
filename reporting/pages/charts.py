"""The geometry of the small trend charts on the public results pages, drawn as inline SVG by
templates/reporting/_trend_chart.html (no JavaScript, no style attributes: colours are SVG
presentation attributes). Shares run from 0 to 100 %; a unit's yes/no values are markers at the
top (fulfilled, filled circle) or the bottom (not fulfilled, open circle), told apart by shape and
position as well as fill. A key figure is drawn on its own scale."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from core.charts import Tick

WIDTH, HEIGHT = 280, 120
LEFT, RIGHT, TOP, BOTTOM = 36, 22, 10, 24


@dataclass
class Line:
    """A series drawn as a line; a year without a value breaks it into segments."""

    label: str
    segments: list[str]  # each a polyline's "x,y x,y …"
    dots: list[tuple[float, float]]  # single points that have no neighbour to join
    colour: str
    dashes: str  # stroke-dasharray, "" for a solid line


@dataclass
class Marker:
    year: int
    x: float
    y: float
    fulfilled: bool


@dataclass
class TrendChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    lines: list[Line] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)

    @property
    def tick_label_x(self) -> float:
        return self.left - 5

    @property
    def tick_label_y(self) -> float:
        return self.bottom + 15

    @property
    def tick_end_y(self) -> float:
        return self.bottom + 4


@dataclass
class Series:
    label: str
    values: Mapping[int, Decimal | None]  # {year: value}; a missing year or None draws nothing
    colour: str = "#0b4f8a"
    dashes: str = ""


COUNTRY_COLOUR, COUNTY_COLOUR, UNIT_COLOUR = "#0b4f8a", "#6c757d", "#212529"
GROUP_COLOUR = "#8a4b0b"  # the kommungrupp's dotted line: contrast 6.8:1 on white


def _x_positions(years: Sequence[int]) -> dict[int, float]:
    plot_right = WIDTH - RIGHT
    if len(years) == 1:
        return {years[0]: round((LEFT + plot_right) / 2, 1)}
    step = (plot_right - LEFT) / (len(years) - 1)
    return {year: round(LEFT + index * step, 1) for index, year in enumerate(years)}


def _nice_maximum(largest: Decimal) -> Decimal:
    """The top of a number scale: 1, 2 or 5 times a power of ten, at least the largest value."""
    if largest <= 0:
        return Decimal(1)
    power = Decimal(1)
    while power * 10 <= largest:
        power *= 10
    return next(power * factor for factor in (1, 2, 5, 10) if largest <= power * factor)


def trend_chart(
    *,
    years: Sequence[int],
    lines: Sequence[Series],
    markers: Mapping[int, Decimal | None] | None = None,
    share: bool = True,
) -> TrendChart:
    """A chart of `lines` over `years` (oldest first), with a unit's 0/1 values as `markers`.
    `share`: the scale is 0–100 %; otherwise 0 up to a round number above the largest value."""
    positions = _x_positions(years)
    plot_bottom = HEIGHT - BOTTOM
    if share:
        top_value = Decimal(100)
    else:
        top_value = _nice_maximum(max((v for s in lines for v in s.values.values() if v is not None), default=0))

    def y(value: Decimal) -> float:
        return round(float(plot_bottom - value * (plot_bottom - TOP) / top_value), 1)

    drawn = []
    for series in lines:
        segments: list[list[tuple[float, float]]] = [[]]
        for year in years:
            value = series.values.get(year)
            if value is None:
                segments.append([])
            else:
                segments[-1].append((positions[year], y(value)))
        drawn.append(
            Line(
                label=series.label,
                segments=[" ".join(f"{px},{py}" for px, py in s) for s in segments if len(s) > 1],
                dots=[s[0] for s in segments if len(s) == 1],
                colour=series.colour,
                dashes=series.dashes,
            )
        )
    placed = [
        Marker(year, positions[year], y(Decimal(100) if value == 1 else Decimal(0)), value == 1)
        for year, value in (markers or {}).items()
        if value is not None and year in positions
    ]
    # Every year has a tick; labels on at most about five of them, counted back from the last year.
    every = max(1, -(-len(years) // 5))
    labelled = {year for index, year in enumerate(reversed(years)) if index % every == 0}
    y_values = [Decimal(0), top_value / 2, top_value]
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=plot_bottom,
        x_ticks=[Tick(positions[year], str(year) if year in labelled else "") for year in years],
        y_ticks=[Tick(y(value), f"{value.normalize():f}") for value in y_values],
        lines=drawn,
        markers=placed,
    )
