"""Readiness over time as points for an inline SVG line chart: a pure function over (date, percent) pairs."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

WIDTH, HEIGHT, PAD = 600, 200, 24


@dataclass
class Series:
    #: "x,y x,y …" for <polyline points>.
    points: str
    #: (x, y, date, percent) per point, for markers and their titles.
    markers: list[tuple[float, float, dt.date, int]]
    first: dt.date | None
    last: dt.date | None

    @property
    def empty(self) -> bool:
        return not self.markers


def series(snapshots: Iterable, width: int = WIDTH, height: int = HEIGHT, pad: int = PAD) -> Series:
    """Scale snapshots (objects with ``on_date`` and ``percent``) to the chart box: x by date, y by 0–100 %."""
    rows = sorted(((s.on_date, max(0, min(100, int(s.percent)))) for s in snapshots), key=lambda r: r[0])
    if not rows:
        return Series("", [], None, None)
    first, last = rows[0][0], rows[-1][0]
    span = max(1, (last - first).days)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    markers = []
    for day, percent in rows:
        x = pad + (inner_w * (day - first).days / span if len(rows) > 1 else inner_w / 2)
        y = pad + inner_h * (100 - percent) / 100
        markers.append((round(x, 1), round(y, 1), day, percent))
    return Series(" ".join(f"{x},{y}" for x, y, _d, _p in markers), markers, first, last)
