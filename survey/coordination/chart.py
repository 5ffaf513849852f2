"""The geometry of the monitor's line chart, drawn as inline SVG by the template (no JavaScript):
cumulative share of units that have submitted, per day of the fielding period, one line per year."""

from dataclasses import dataclass

from core.charts import Tick
from survey.coordination.monitor import Progress

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 56, 120, 16, 48
PAST_STYLES = 4  # CSS classes chart-line-past-0 … -3, told apart by dashes as well as colour


@dataclass
class Line:
    year: int
    current: bool
    points: str  # the polyline's "x,y x,y …"
    css_class: str
    legend_y: float
    last: tuple[float, float] | None  # where the line ends, marked with a dot


@dataclass
class Chart:
    width: int
    height: int
    left: int
    right: float  # x of the plot's right edge
    top: int
    bottom: float  # y of the x axis
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    lines: list[Line]
    legend_x: float

    # Where the labels go, so that the template does no arithmetic.
    @property
    def tick_label_x(self) -> float:
        return self.left - 8

    @property
    def tick_label_y(self) -> float:
        return self.bottom + 18

    @property
    def tick_end_y(self) -> float:
        return self.bottom + 5

    @property
    def label_y(self) -> float:
        return self.height - 6

    @property
    def x_label_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def y_label_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def legend_line_end(self) -> float:
        return self.legend_x + 28

    @property
    def legend_text_x(self) -> float:
        return self.legend_x + 34


def line_chart(progress: Progress) -> Chart:
    days = max(progress.days, 2)
    plot_right, plot_bottom = WIDTH - RIGHT, HEIGHT - BOTTOM

    def x(day: int) -> float:
        return round(LEFT + (day - 1) * (plot_right - LEFT) / (days - 1), 1)

    def y(percent: float) -> float:
        return round(plot_bottom - percent * (plot_bottom - TOP) / 100, 1)

    # Weekly ticks and the last day, unless that would crowd the last weekly tick.
    weekly = [1, *range(7, days + 1, 7)]
    x_days = weekly if days - weekly[-1] < 4 else [*weekly, days]
    lines = []
    for index, series in enumerate(progress.series):
        coordinates = [(x(day), y(float(percent))) for day, percent in series.points]
        css_class = "chart-line-current" if series.current else f"chart-line-past-{(index - 1) % PAST_STYLES}"
        lines.append(
            Line(
                year=series.year,
                current=series.current,
                points=" ".join(f"{cx},{cy}" for cx, cy in coordinates),
                css_class=css_class,
                legend_y=TOP + 8 + index * 22,
                last=coordinates[-1] if coordinates else None,
            )
        )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=plot_right,
        top=TOP,
        bottom=plot_bottom,
        x_ticks=[Tick(x(day), str(day)) for day in x_days],
        y_ticks=[Tick(y(percent), str(percent)) for percent in range(0, 101, 20)],
        lines=lines,
        legend_x=plot_right + 16,
    )
