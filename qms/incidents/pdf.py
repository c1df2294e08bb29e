"""PDFs of the incident log (ReportLab): one incident's report, the annual safety report with charts, and the
QR poster for a site. Functions take plain values already in the user's language and return bytes."""
from __future__ import annotations

from typing import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Table

from ..core.pdf import BRAND, build, count_axis, grid, para, qr, spacer, value_axis
from .charts import TYPE_COLOURS


def _table(rows: Sequence[Sequence], widths=None, header: bool = False) -> Table:
    # Short cells stay plain strings: a Paragraph per cell makes long tables slow to lay out.
    return grid(rows, widths, header=header, font_size=9)


def incident_report(title: str, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> bytes:
    """One incident: a title and sections of (label, value) rows."""
    story = [para(title, "title")]
    for heading, rows in sections:
        if not rows:
            continue
        story += [para(heading, "h2"), _table(rows, widths=[55 * mm, 119 * mm])]
    return build(story, title=title)


def _bar_chart(months: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]]) -> Drawing:
    drawing = Drawing(170 * mm, 70 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 10 * mm, 10 * mm, 155 * mm, 55 * mm
    chart.data = [list(counts) or [0] for _, _, counts in series] or [[0]]
    chart.categoryAxis.categoryNames = list(months)
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.style = "stacked"
    stacks = [sum(column) for column in zip(*chart.data)] if chart.data else [0]
    top, step = count_axis(max(stacks or [0]))
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, step
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.labels.fontSize = 7
    for i, (key, _label, _counts) in enumerate(series):
        chart.bars[i].fillColor = colors.HexColor(TYPE_COLOURS.get(key, "#0b5d57"))
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    return drawing


def _line_chart(labels: Sequence[str], values: Sequence[float | None], empty: str, value_label=None) -> Drawing:
    drawing = Drawing(170 * mm, 60 * mm)
    if not any(v is not None for v in values):
        drawing.add(String(85 * mm, 30 * mm, empty, textAnchor="middle", fontSize=11, fillColor=colors.grey))
        return drawing
    # ReportLab draws runs of at least two points; a lone value between gaps gets a marker only.
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, 150 * mm, 45 * mm
    chart.data = [[v for v in values]] if values else [[None]]
    chart.categoryAxis.categoryNames = [label if i % 3 == 0 else "" for i, label in enumerate(labels)]
    chart.categoryAxis.labels.fontSize = 7
    top, step = value_axis(max(v for v in values if v is not None))
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, step
    chart.valueAxis.labelTextFormat = value_label
    chart.valueAxis.labels.fontSize = 7
    chart.lines[0].strokeColor = BRAND
    chart.lines[0].strokeWidth = 1.5
    chart.joinedLines = 1
    drawing.add(chart)
    return drawing


def annual_report(*, title: str, intro: str, figures_heading: str, figure_rows: Sequence[Sequence[str]],
                  chart_heading: str, months: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]],
                  legend_rows: Sequence[Sequence[str]], ratio_heading: str, ratio_rows: Sequence[Sequence[str]],
                  if_heading: str, if_labels: Sequence[str], if_values: Sequence[float | None], if_empty: str,
                  value_label=None,
                  types_heading: str, type_rows: Sequence[Sequence[str]], arbo_heading: str,
                  arbo_rows: Sequence[Sequence[str]], if_rule: str = "") -> bytes:
    """The annual safety report: three-year IF table (and whose LTIs count), charts, counts per type and the
    Arbowet list."""
    story = [para(title, "title"), para(intro), spacer(4),
             para(figures_heading, "h2"), _table(figure_rows, header=True),
             *([spacer(2), para(if_rule)] if if_rule else []),
             KeepTogether([para(chart_heading, "h2"), _bar_chart(months, series)]),
             _table(legend_rows), para(ratio_heading, "h2"), _table(ratio_rows),
             KeepTogether([para(if_heading, "h2"),
                           _line_chart(if_labels, if_values, if_empty, value_label)]),
             para(types_heading, "h2"), _table(type_rows, header=True),
             para(arbo_heading, "h2"), _table(arbo_rows, header=True)]
    return build(story, title=title)


def qr_poster(*, url: str, heading: str, site: str, lines: Sequence[str], footer: str) -> bytes:
    """An A4 poster with a large QR code that opens the site's report form."""
    size = 120 * mm
    drawing = qr(url, size)
    story = [para(heading, "huge"), para(site, "h1"),
             spacer(6)]
    story += [para(line, "h3") for line in lines]
    story += [spacer(8), Table([[drawing]], colWidths=[size + 10 * mm]), spacer(6),
              para(url, "cell"), spacer(4), para(footer)]
    return build(story, title=heading)
