"""Geometry of the score chart (score per peiljaar against the trede lines) for an inline SVG: pure."""
from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 340, 200, 36, 12, 12, 28


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    year: int
    value: float
    forecast: bool


@dataclass(frozen=True)
class Line:
    y: float
    label: str
    value: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[Point]
    lines: list[Line]
    ticks: list[Line]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points if not p.forecast)

    @property
    def forecast_line(self) -> str:
        tail = [p for p in self.points if p.forecast]
        actual = [p for p in self.points if not p.forecast]
        pts = (actual[-1:] + tail) if tail else []
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in pts)


def build(series: list[tuple[int, float, bool]], norms: dict[str, float] | None) -> Chart | None:
    """``series``: (year, total %, is forecast) sorted by year; ``norms``: trede1..3 for the current size."""
    if not series:
        return None
    top_value = max([v for _, v, _ in series] + list((norms or {}).values()) + [5.0]) * 1.15
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    years = [y for y, _, _ in series]
    span = max(1, years[-1] - years[0])

    def x(year: int) -> float:
        return LEFT + (plot_w / 2 if len(years) == 1 else (year - years[0]) / span * plot_w)

    def y(value: float) -> float:
        return TOP + plot_h - max(0.0, value) / top_value * plot_h

    points = [Point(x(yr), y(v), yr, v, f) for yr, v, f in series]
    lines = [Line(y(v), f"T{k[-1]}", v) for k, v in sorted((norms or {}).items())]
    step = max(1, round(top_value / 4))
    ticks = [Line(y(v), f"{v:g}%", v) for v in range(0, int(top_value) + 1, step)]
    return Chart(WIDTH, HEIGHT, points, lines, ticks)
