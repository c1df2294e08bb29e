"""PDFs of the incident log (ReportLab): one incident's report, the annual safety report with charts, and the
QR poster for a site. Functions take plain values already in the user's language and return bytes."""
from __future__ import annotations

import io
from typing import Sequence

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from xml.sax.saxutils import escape

from ..actions.pdf import count_axis, numbered_canvas, value_axis
from .charts import TYPE_COLOURS

BRAND = colors.HexColor("#0b5d57")


def _styles():
    styles = getSampleStyleSheet()
    styles["Title"].textColor = BRAND
    styles.add(ParagraphStyle("Cell", parent=styles["BodyText"], fontSize=9, leading=11))
    styles.add(ParagraphStyle("Huge", parent=styles["Title"], fontSize=30, leading=36))
    return styles


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text if text is not None else "—")).replace("\n", "<br/>"), style)


def _table(rows: Sequence[Sequence], widths=None, header: bool = False) -> Table:
    styles = _styles()
    # Short cells stay plain strings: a Paragraph per cell makes long tables slow to lay out.
    data = [[_p(cell, styles["Cell"]) if len(str(cell)) > 30 or "\n" in str(cell) else str(cell) for cell in row]
            for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    commands = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#d7dfdf")), ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ecec")))
    table.setStyle(TableStyle(commands))
    return table


def _build(story, title: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=title, author="QMS")
    doc.build(story, canvasmaker=numbered_canvas(title))
    return buffer.getvalue()


def incident_report(title: str, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> bytes:
    """One incident: a title and sections of (label, value) rows."""
    styles = _styles()
    story = [Paragraph(escape(title), styles["Title"])]
    for heading, rows in sections:
        if not rows:
            continue
        story += [Paragraph(escape(heading), styles["Heading2"]), _table(rows, widths=[55 * mm, 119 * mm])]
    return _build(story, title)


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
    styles = _styles()
    story = [Paragraph(escape(title), styles["Title"]), _p(intro, styles["BodyText"]), Spacer(1, 4 * mm),
             Paragraph(escape(figures_heading), styles["Heading2"]), _table(figure_rows, header=True),
             *([Spacer(1, 2 * mm), _p(if_rule, styles["BodyText"])] if if_rule else []),
             KeepTogether([Paragraph(escape(chart_heading), styles["Heading2"]), _bar_chart(months, series)]),
             _table(legend_rows), Paragraph(escape(ratio_heading), styles["Heading2"]), _table(ratio_rows),
             KeepTogether([Paragraph(escape(if_heading), styles["Heading2"]),
                           _line_chart(if_labels, if_values, if_empty, value_label)]),
             Paragraph(escape(types_heading), styles["Heading2"]), _table(type_rows, header=True),
             Paragraph(escape(arbo_heading), styles["Heading2"]), _table(arbo_rows, header=True)]
    return _build(story, title)


def qr_poster(*, url: str, heading: str, site: str, lines: Sequence[str], footer: str) -> bytes:
    """An A4 poster with a large QR code that opens the site's report form."""
    styles = _styles()
    size = 120 * mm
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    story = [Paragraph(escape(heading), styles["Huge"]), Paragraph(escape(site), styles["Heading1"]),
             Spacer(1, 6 * mm)]
    story += [Paragraph(escape(line), styles["Heading3"]) for line in lines]
    story += [Spacer(1, 8 * mm), Table([[drawing]], colWidths=[size + 10 * mm]), Spacer(1, 6 * mm),
              _p(url, styles["Cell"]), Spacer(1, 4 * mm), _p(footer, styles["BodyText"])]
    return _build(story, heading)
