"""Geometry shared by the site's inline SVG charts."""

from dataclasses import dataclass


@dataclass
class Tick:
    """A labelled mark on an axis, at `position` in the chart's coordinates."""

    position: float
    label: str
