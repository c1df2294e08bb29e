"""The trend chart (defects per inspected room, per category, per month): as SVG on the page and as a ReportLab
drawing in the client report, both from the same points."""
from __future__ import annotations

from markupsafe import Markup, escape
from reportlab.graphics.shapes import Drawing, Line, PolyLine, String
from reportlab.lib import colors

from ..core.pdf import value_axis
from ..i18n import fmt_number

COLOURS = {"cleaning": "#0f5e66", "supplies": "#c2410c", "damage": "#6b21a8"}
W, H, LEFT, BOTTOM, TOP = 560, 220, 40, 30, 10


def _layout(trend, categories):
    highest = max([v for _, values in trend for v in values.values()] or [0])
    top, step = value_axis(highest)
    width = W - LEFT - 10
    n = max(len(trend) - 1, 1)
    def x(i): return LEFT + width * i / n
    def y(v): return BOTTOM + (H - BOTTOM - TOP) * v / top
    series = {c: [(x(i), y(values.get(c, 0))) for i, (_, values) in enumerate(trend)] for c in categories}
    ticks = [round(step * k, 6) for k in range(int(round(top / step)) + 1)]
    labels = [(x(i), f"{month:02d}-{year % 100:02d}") for i, ((year, month), _) in enumerate(trend)]
    return series, [(t, y(t)) for t in ticks], labels


def svg(trend, categories: dict, title: str) -> Markup:
    """An SVG line chart (presentation attributes only: the CSP allows no inline styles)."""
    series, ticks, labels = _layout(trend, list(categories))
    flip = lambda v: H - v  # noqa: E731
    parts = [f'<svg class="trend-chart" viewBox="0 0 {W} {H + 30}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for value, yy in ticks:
        parts.append(f'<line x1="{LEFT}" x2="{W - 10}" y1="{flip(yy):.1f}" y2="{flip(yy):.1f}" stroke="#d5dfe1"/>'
                     f'<text x="{LEFT - 4}" y="{flip(yy) + 4:.1f}" font-size="10" text-anchor="end" fill="#55666a">'
                     f'{escape(fmt_number(value, 2, trim=True))}</text>')
    for xx, label in labels:
        parts.append(f'<text x="{xx:.1f}" y="{H - BOTTOM + 16}" font-size="10" text-anchor="middle" '
                     f'fill="#55666a">{escape(label)}</text>')
    for i, (code, points) in enumerate(series.items()):
        colour = COLOURS.get(code, "#333333")
        if points:
            coords = " ".join(f"{px:.1f},{flip(py):.1f}" for px, py in points)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
            parts += [f'<circle cx="{px:.1f}" cy="{flip(py):.1f}" r="3" fill="{colour}"/>' for px, py in points]
        parts.append(f'<rect x="{LEFT + i * 150}" y="{H + 12}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{LEFT + i * 150 + 14}" y="{H + 21}" font-size="11">{escape(categories[code])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def drawing(trend, categories: dict, scale: float = 0.85) -> Drawing:
    series, ticks, labels = _layout(trend, list(categories))
    d = Drawing(W * scale, (H + 30) * scale)
    def p(v): return v * scale
    for value, yy in ticks:
        d.add(Line(p(LEFT), p(yy + 30), p(W - 10), p(yy + 30), strokeColor=colors.HexColor("#d5dfe1")))
        d.add(String(p(LEFT - 4), p(yy + 27), fmt_number(value, 2, trim=True), fontSize=7, textAnchor="end", fontName="Helvetica"))
    for xx, label in labels:
        d.add(String(p(xx), p(BOTTOM + 14), label, fontSize=7, textAnchor="middle", fontName="Helvetica"))
    for i, (code, points) in enumerate(series.items()):
        colour = colors.HexColor(COLOURS.get(code, "#333333"))
        if len(points) > 1:
            d.add(PolyLine([c for px, py in points for c in (p(px), p(py + 30))], strokeColor=colour, strokeWidth=1.5))
        d.add(Line(p(LEFT + i * 150), p(6), p(LEFT + i * 150 + 12), p(6), strokeColor=colour, strokeWidth=3))
        d.add(String(p(LEFT + i * 150 + 16), p(3), str(categories[code]), fontSize=8, fontName="Helvetica"))
    return d
