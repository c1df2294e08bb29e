"""Inline SVG charts, rendered on the server (no JavaScript, no style attributes: the CSP forbids them).

Pure functions from plain data to SVG markup (``markupsafe.Markup``); every text is escaped, every number is
written in the reader's notation."""
from __future__ import annotations

from typing import Sequence

from markupsafe import Markup, escape

from ..i18n import fmt_number

#: One colour per incident type value, shared with the PDF charts.
TYPE_COLOURS = {
    "lti": "#b3261e", "medical_treatment": "#e8663d", "first_aid": "#e8a33d", "near_miss": "#1b5fa8",
    "unsafe_situation": "#6b8fc9", "unsafe_act": "#8a6bc9", "environmental": "#1f7a3a", "property_damage": "#5b6868",
}


def _nice_max(value: float) -> float:
    """The smallest 'round' axis maximum at or above ``value``."""
    if value <= 0:
        return 1
    scale = 1
    while True:
        for step in (1, 2, 4, 5, 10):
            if value <= step * scale:
                return step * scale
        scale *= 10


def _open(title: str, width: int, height: int) -> list[str]:
    """The opening of a chart: its box and its title, read out by screen readers."""
    return [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']


def _grid(left: float, right: float, top: float, plot_h: float, peak: float) -> list[str]:
    """Three grid lines (0, half and the peak) between ``left`` and ``right``, each with its value."""
    parts = []
    for frac in (0, 0.5, 1):
        y = top + plot_h - plot_h * frac
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d7dfdf"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#5b6868">'
                     f'{fmt_number(peak * frac, 1, trim=True)}</text>')
    return parts


def stacked_bars(title: str, months: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]],
                 width: int = 420, height: int = 220) -> Markup:
    """Stacked bars per month. ``series``: (key, label, counts per month)."""
    left, right, top, bottom = 34, 8, 10, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s[2][i] for s in series) for i in range(len(months))]
    peak = _nice_max(max(totals, default=0))
    slot = plot_w / max(1, len(months))
    bar = slot * 0.7
    parts = _open(title, width, height) + _grid(left, width - right, top, plot_h, peak)
    for i, month in enumerate(months):
        x = left + i * slot + (slot - bar) / 2
        y = top + plot_h
        for key, label, counts in series:
            n = counts[i]
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{TYPE_COLOURS.get(key, "#0b5d57")}"><title>{escape(month)}: {escape(label)} '
                         f'{n}</title></rect>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" font-size="10" '
                     f'fill="#5b6868">{escape(month)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(series: Sequence[tuple[str, str]]) -> Markup:
    """A legend as an HTML list with SVG swatches (key, label)."""
    items = "".join(
        f'<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" '
        f'fill="{TYPE_COLOURS.get(key, "#0b5d57")}"/></svg> {escape(label)}</li>' for key, label in series)
    return Markup(f'<ul class="chart-legend">{items}</ul>')


def line(title: str, labels: Sequence[str], values: Sequence[float | None], width: int = 420, height: int = 200,
         empty_text: str = "") -> Markup:
    """A line over months; a missing value (no hours registered) breaks the line."""
    left, right, top, bottom = 40, 8, 10, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [v for v in values if v is not None]
    peak = _nice_max(max(known, default=0))
    step = plot_w / max(1, len(labels) - 1)
    parts = _open(title, width, height) + _grid(left, width - right, top, plot_h, peak)
    segment: list[str] = []
    segments = []
    for i, value in enumerate(values):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        x, y = left + i * step, top + plot_h - plot_h * value / peak
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#0b5d57"><title>{escape(labels[i])}: '
                     f'{fmt_number(value, 1)}</title></circle>')
    if segment:
        segments.append(segment)
    for seg in segments:
        parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="#0b5d57" stroke-width="2"/>')
    for i, label in enumerate(labels):
        if i % max(1, len(labels) // 4) == 0 or i == len(labels) - 1:
            parts.append(f'<text x="{left + i * step:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                         f'font-size="10" fill="#5b6868">{escape(label)}</text>')
    if not known and empty_text:
        parts.append(f'<text x="{width / 2}" y="{top + plot_h / 2}" text-anchor="middle" font-size="14" '
                     f'fill="#5b6868">{escape(empty_text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def ratio_bars(title: str, rows: Sequence[tuple[str, int, str]], width: int = 420) -> Markup:
    """Horizontal bars (label, count, colour) — near misses against accidents."""
    height = 28 * len(rows) + 8
    left = 110
    peak = max((n for _, n, _ in rows), default=0) or 1
    parts = _open(title, width, height)
    for i, (label, n, colour) in enumerate(rows):
        y = 4 + i * 28
        w = (width - left - 50) * n / peak
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="#1d2526">'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="20" fill="{colour}"/>')
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 15}" font-size="12" fill="#1d2526">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
